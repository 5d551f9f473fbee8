package io.arrowhttp.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** Helpers to read the protocol's multipart body by hand, the way a minimal client in any language would. */
public final class MultipartBody {

    public static final String ARROW_PART_HEADER = "Content-Type: application/vnd.apache.arrow.stream";

    /**
     * Reads {@code in} up to the first byte of the body of the part whose header block contains
     * {@code header}, reading nothing beyond it.
     */
    public static void skipToPartBody(InputStream in, String header) throws IOException {
        boolean inWantedHeaders = false;
        while (true) {
            String line = line(in);
            if (line == null) {
                throw new IOException("Stream ended before a part with " + header);
            }
            if (line.equalsIgnoreCase(header)) {
                inWantedHeaders = true;
            } else if (inWantedHeaders && line.isEmpty()) {
                return;
            }
        }
    }

    /** Where the body of the part with {@code header} starts in {@code body}. */
    public static int partBodyStart(byte[] body, String header) {
        String text = new String(body, StandardCharsets.ISO_8859_1);
        int at = text.indexOf(header + "\r\n");
        if (at < 0) {
            throw new IllegalStateException("No part with " + header);
        }
        return text.indexOf("\r\n\r\n", at) + 4;
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                String text = line.toString(StandardCharsets.ISO_8859_1);
                return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
            }
            line.write(b);
        }
        return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
    }

    private MultipartBody() {}
}

package io.arrowhttp.protocol.internal;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Reads a multipart body ({@code multipart/mixed} or {@code multipart/form-data}) part by part
 * from a stream, holding at most one small part in memory: the client reads responses with it, the
 * server multipart uploads. A part that knows its own end, such as an Arrow IPC stream, is read by its own
 * reader straight from {@link #stream()}; {@link #afterSelfDelimitedPart()} then checks the
 * delimiter that must follow it.
 */
public final class MultipartReader {

    private final InputStream in;
    private final byte[] delimiter;
    private boolean finished;

    /** @param in the body, buffered by the caller; never read past the close delimiter */
    public MultipartReader(InputStream in, String boundary) {
        this.in = in;
        this.delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.US_ASCII);
    }

    public InputStream stream() {
        return in;
    }

    /** Whether the close delimiter has been read. */
    public boolean finished() {
        return finished;
    }

    /** Skips to the first part and returns its headers, names in lower case. */
    public Map<String, String> firstPart() throws IOException {
        String first = "--" + new String(delimiter, 4, delimiter.length - 4, StandardCharsets.US_ASCII);
        for (String line = line(); ; line = line()) {
            if (line == null) {
                throw new EOFException("The body ended before its first part");
            }
            if (line.equals(first)) {
                return headers();
            }
        }
    }

    /**
     * Reads the body of the current part up to the delimiter, at most {@code limit} bytes, and the
     * delimiter's tail.
     *
     * @return the body; then {@link #finished()} says whether it was the last part
     */
    public byte[] readPart(int limit) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        int matched = 0;
        while (true) {
            int b;
            try {
                b = in.read();
            } catch (IOException brokenConnection) {
                // HTTP clients report a chunked body without its last chunk this way.
                body.write(delimiter, 0, matched);
                throw new CutShort(body.toByteArray(), brokenConnection);
            }
            if (b < 0) {
                body.write(delimiter, 0, matched);
                throw new CutShort(body.toByteArray(), null);
            }
            if (b == (delimiter[matched] & 0xff)) {
                matched++;
                if (matched == delimiter.length) {
                    afterDelimiter();
                    return body.toByteArray();
                }
                continue;
            }
            if (matched > 0) {
                // Not the delimiter after all: what matched so far is content. Restart the match
                // at b, which can only begin a new delimiter if it is CR.
                body.write(delimiter, 0, matched);
                matched = 0;
                if (b == (delimiter[0] & 0xff)) {
                    matched = 1;
                    continue;
                }
            }
            body.write(b);
            if (body.size() > limit) {
                throw new IOException("A part is larger than " + limit + " bytes");
            }
        }
    }

    /** The body ended inside a part; {@link #partial()} is what had arrived of it. */
    public static final class CutShort extends EOFException {
        private final transient byte[] partial;

        CutShort(byte[] partial, IOException cause) {
            super("The body ended inside a part: it was cut short"
                    + (cause == null ? "" : " (" + cause.getMessage() + ")"));
            this.partial = partial;
            initCause(cause);
        }

        public byte[] partial() {
            return partial;
        }
    }

    /** After a self-delimited part: reads the delimiter that must follow it. */
    public void afterSelfDelimitedPart() throws IOException {
        byte[] read = in.readNBytes(delimiter.length);
        if (!Arrays.equals(read, delimiter)) {
            throw new IOException(
                    read.length < delimiter.length
                            ? "The body ended after a part without its delimiter: it was cut short"
                            : "A part is not followed by the boundary delimiter");
        }
        afterDelimiter();
    }

    /** The headers of the part that follows the delimiter just read. */
    public Map<String, String> nextPartHeaders() throws IOException {
        return headers();
    }

    private void afterDelimiter() throws IOException {
        int first = in.read();
        int second = in.read();
        if (first == '-' && second == '-') {
            finished = true;
        } else if (first != '\r' || second != '\n') {
            throw new IOException("A boundary delimiter is followed by neither CRLF nor --");
        }
    }

    private Map<String, String> headers() throws IOException {
        Map<String, String> headers = new LinkedHashMap<>();
        for (String line = line(); ; line = line()) {
            if (line == null) {
                throw new EOFException("The body ended inside the headers of a part");
            }
            if (line.isEmpty()) {
                return headers;
            }
            int colon = line.indexOf(':');
            if (colon > 0) {
                headers.put(
                        line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
                        line.substring(colon + 1).trim());
            }
        }
    }

    private String line() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b >= 0; b = in.read()) {
            if (b == '\n') {
                String text = line.toString(StandardCharsets.ISO_8859_1);
                return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
            }
            if (line.size() > 8192) {
                throw new IOException("A header line is longer than 8 KiB");
            }
            line.write(b);
        }
        return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
    }
}

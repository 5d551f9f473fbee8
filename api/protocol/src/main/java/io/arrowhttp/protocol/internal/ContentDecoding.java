package io.arrowhttp.protocol.internal;

import com.aayushatharva.brotli4j.Brotli4jLoader;
import com.aayushatharva.brotli4j.decoder.BrotliInputStream;
import com.github.luben.zstd.ZstdInputStream;
import io.arrowhttp.protocol.ContentCoding;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.zip.GZIPInputStream;

/**
 * Undoes the content coding a body names in {@code Content-Encoding}, as the body arrives: a
 * client decodes each record batch of a response as soon as its bytes, which the server flushes
 * with it, are here; a server decodes an upload without holding more than the decoder's window.
 */
public final class ContentDecoding {

    private ContentDecoding() {}

    /**
     * Whether {@link #decode} takes {@code contentEncoding}: none, {@code identity}, or a single
     * coding this JVM decodes.
     */
    public static boolean accepts(String contentEncoding) {
        if (isIdentity(contentEncoding)) {
            return true;
        }
        return !contentEncoding.contains(",")
                && ContentCoding.of(contentEncoding)
                        .map(coding -> coding != ContentCoding.BR || Brotli4jLoader.isAvailable())
                        .orElse(false);
    }

    /** The codings {@link #decode} takes, for messages. */
    public static String decodable() {
        StringBuilder names = new StringBuilder(ContentCoding.IDENTITY);
        for (ContentCoding coding : ContentCoding.values()) {
            if (accepts(coding.token())) {
                names.append(", ").append(coding.token());
            }
        }
        return names.toString();
    }

    /**
     * {@code body} decoded; as it is when {@code contentEncoding} is null, empty or identity.
     *
     * @throws IOException for a coding this JVM does not decode, or a body that does not start as
     *     the coding says
     */
    public static InputStream decode(String contentEncoding, InputStream body) throws IOException {
        if (isIdentity(contentEncoding)) {
            return body;
        }
        if (!accepts(contentEncoding)) {
            throw new IOException("The body's Content-Encoding '"
                    + contentEncoding.trim().toLowerCase(Locale.ROOT) + "' is not one of: " + decodable());
        }
        ContentCoding coding = ContentCoding.of(contentEncoding).orElseThrow();
        return switch (coding) {
            case ZSTD -> new ZstdInputStream(body);
            case BR -> brotli(body);
            case GZIP -> new GZIPInputStream(body);
        };
    }

    private static boolean isIdentity(String contentEncoding) {
        return contentEncoding == null
                || contentEncoding.isBlank()
                || contentEncoding.trim().equalsIgnoreCase(ContentCoding.IDENTITY);
    }

    private static InputStream brotli(InputStream body) throws IOException {
        if (!Brotli4jLoader.isAvailable()) {
            throw new IOException("Brotli is not available on this platform", Brotli4jLoader.getUnavailabilityCause());
        }
        BrotliInputStream decoded = new BrotliInputStream(body);
        // Hand out what is decoded without waiting to fill the caller's buffer.
        decoded.enableEagerOutput();
        return decoded;
    }
}

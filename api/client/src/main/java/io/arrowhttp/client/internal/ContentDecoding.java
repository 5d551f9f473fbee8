package io.arrowhttp.client.internal;

import com.aayushatharva.brotli4j.Brotli4jLoader;
import com.aayushatharva.brotli4j.decoder.BrotliInputStream;
import com.github.luben.zstd.ZstdInputStream;
import io.arrowhttp.protocol.ContentCoding;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.zip.GZIPInputStream;

/**
 * Undoes the content coding a response names in {@code Content-Encoding}, as the body arrives:
 * each record batch is decoded as soon as its bytes, which the server flushes with it, are here.
 */
public final class ContentDecoding {

    private ContentDecoding() {}

    /**
     * {@code body} decoded; as it is when {@code contentEncoding} is null, empty or identity.
     *
     * @throws IOException for a coding this client does not decode, or a body that does not start
     *     as the coding says
     */
    public static InputStream decode(String contentEncoding, InputStream body) throws IOException {
        if (contentEncoding == null
                || contentEncoding.isBlank()
                || contentEncoding.trim().equalsIgnoreCase(ContentCoding.IDENTITY)) {
            return body;
        }
        if (contentEncoding.contains(",")) {
            throw new IOException("The response is coded twice (Content-Encoding: " + contentEncoding
                    + "); an arrowhttp server never does that");
        }
        ContentCoding coding = ContentCoding.of(contentEncoding)
                .orElseThrow(() -> new IOException("The response's Content-Encoding '"
                        + contentEncoding.trim().toLowerCase(Locale.ROOT) + "' is not one this client decodes"));
        return switch (coding) {
            case ZSTD -> new ZstdInputStream(body);
            case BR -> brotli(body);
            case GZIP -> new GZIPInputStream(body);
        };
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

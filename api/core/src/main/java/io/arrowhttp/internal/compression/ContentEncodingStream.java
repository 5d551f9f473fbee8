package io.arrowhttp.internal.compression;

import com.aayushatharva.brotli4j.Brotli4jLoader;
import com.aayushatharva.brotli4j.encoder.BrotliOutputStream;
import com.aayushatharva.brotli4j.encoder.Encoder;
import com.github.luben.zstd.ZstdOutputStream;
import io.arrowhttp.protocol.ContentCoding;
import java.io.IOException;
import java.io.OutputStream;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * The body of a response under a content coding. Every {@link OutputStream#flush()} flushes the
 * compressor too (a zstd block end, a Brotli flush, a gzip sync flush), so each record batch still
 * reaches the client when it is written, decodable up to its last byte. Closing finishes the coded
 * stream and closes the response stream under it, as Jersey's closing of a body does.
 */
public final class ContentEncodingStream {

    /** zstd's default level: most of the ratio of higher levels at a fraction of their CPU. */
    private static final int ZSTD_LEVEL = 3;

    /** Brotli's quality for streaming: 11, its default, costs tens of times more CPU. */
    private static final int BROTLI_QUALITY = 4;

    /** The deflater's output buffer: a batch leaves it in a few writes. */
    private static final int GZIP_BUFFER = 64 * 1024;

    private static final boolean BROTLI_AVAILABLE = brotliLoads();

    private ContentEncodingStream() {}

    /**
     * Whether this JVM can apply the coding: Brotli and zstd are native libraries, shipped for the
     * common platforms only. Codings it cannot apply are not offered.
     */
    public static boolean isAvailable(ContentCoding coding) {
        return switch (coding) {
            case ZSTD -> IpcCompression.zstdAvailable();
            case BR -> BROTLI_AVAILABLE;
            case GZIP -> true;
        };
    }

    /** {@code body} coded with {@code coding}. */
    public static OutputStream wrap(ContentCoding coding, OutputStream body) throws IOException {
        return switch (coding) {
            case ZSTD -> new ZstdOutputStream(body, ZSTD_LEVEL);
            case BR -> brotli(body);
            case GZIP -> new FastGzipStream(body);
        };
    }

    private static OutputStream brotli(OutputStream body) throws IOException {
        if (!BROTLI_AVAILABLE) {
            throw new IllegalStateException("Brotli is not available on this platform; it is not offered");
        }
        return new FlushingBrotliStream(body);
    }

    /**
     * gzip at deflate's fastest level, as nginx's default: level 6 sent 19 MB/s of the example
     * dataset here, the server's CPU the limit. Every flush is a sync flush.
     */
    private static final class FastGzipStream extends GZIPOutputStream {

        FastGzipStream(OutputStream body) throws IOException {
            super(body, GZIP_BUFFER, true);
            def.setLevel(Deflater.BEST_SPEED);
        }
    }

    /**
     * Brotli's stream hands its flushed output to a channel over {@code body} but never flushes
     * {@code body} itself, so the container would keep the batch: this one does.
     */
    private static final class FlushingBrotliStream extends BrotliOutputStream {

        private final OutputStream body;

        FlushingBrotliStream(OutputStream body) throws IOException {
            super(body, new Encoder.Parameters().setQuality(BROTLI_QUALITY));
            this.body = body;
        }

        @Override
        public void flush() throws IOException {
            super.flush();
            body.flush();
        }
    }

    private static boolean brotliLoads() {
        try {
            return Brotli4jLoader.isAvailable();
        } catch (LinkageError | RuntimeException unavailable) {
            return false;
        }
    }
}

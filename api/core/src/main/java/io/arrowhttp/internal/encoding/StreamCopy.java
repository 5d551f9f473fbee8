package io.arrowhttp.internal.encoding;

import java.io.IOException;
import java.nio.channels.GatheringByteChannel;

/**
 * Where a copy of a response's Arrow stream goes while it is sent, byte for byte as the client gets
 * it: a cache entry being filled. The copy is kept only when {@link #complete()} is reached; any
 * other end ({@link #abandon()}) leaves nothing.
 */
public interface StreamCopy {

    /**
     * The channel the bytes are written to, or null once the copy has been abandoned (a write
     * failed, or it grew too large).
     */
    GatheringByteChannel channel();

    /**
     * Called before each write of {@code bytes} bytes, which count from then on: the copy may give
     * up here (too large, or no room), and {@link #channel()} is then null and nothing is written.
     */
    void willWrite(long bytes);

    /** The whole stream, end-of-stream marker included, has been written: keep it. */
    void complete() throws IOException;

    /** Drops what was written, if not completed; idempotent, never throws. */
    void abandon();
}

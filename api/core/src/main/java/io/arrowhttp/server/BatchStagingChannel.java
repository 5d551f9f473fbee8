package io.arrowhttp.server;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.util.Arrays;

/**
 * Collects the IPC messages of one record batch so they reach the HTTP layer as a single write.
 *
 * <p>Arrow's writer emits a batch as many small writes (metadata, each buffer, padding). Passed
 * straight to a container they would be cut into as many HTTP chunks, or copied again through the
 * container's own buffer. Staged here, a batch costs one copy out of Arrow memory and becomes one
 * chunk. The array grows to the largest batch seen and is reused, so memory stays at one batch
 * whatever the length of the stream.
 *
 * <p>{@link #close()} leaves the response alone: Arrow's writer closes its channel when it
 * closes, and the response stream belongs to the container.
 */
final class BatchStagingChannel implements WritableByteChannel {

    private byte[] bytes;
    private int size;
    private boolean discarded;

    BatchStagingChannel(int initialCapacity) {
        this.bytes = new byte[Math.max(initialCapacity, 1024)];
    }

    @Override
    public int write(ByteBuffer source) {
        int length = source.remaining();
        if (discarded) {
            source.position(source.limit());
            return length;
        }
        ensureCapacity(length);
        source.get(bytes, size, length);
        size += length;
        return length;
    }

    /** Bytes staged and not yet handed over. */
    int size() {
        return size;
    }

    /** Hands the staged bytes to {@code out} in one write, then starts over. */
    void drainTo(OutputStream out) throws IOException {
        if (size > 0 && !discarded) {
            out.write(bytes, 0, size);
            size = 0;
        }
    }

    /** Drops what is staged, and everything staged from now on is dropped too: nothing more is sent. */
    void discard() {
        discarded = true;
        size = 0;
    }

    private void ensureCapacity(int additional) {
        long needed = (long) size + additional;
        if (needed > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException(
                    "A record batch of more than 2 GiB cannot be staged; produce smaller batches");
        }
        if (needed > bytes.length) {
            int grown = (int) Math.min(Integer.MAX_VALUE - 8, Math.max(needed, 2L * bytes.length));
            bytes = Arrays.copyOf(bytes, grown);
        }
    }

    @Override
    public boolean isOpen() {
        return true;
    }

    @Override
    public void close() {
        // Nothing to release; see the class comment.
    }
}

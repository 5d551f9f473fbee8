package io.arrowhttp.internal.encoding;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.WritableByteChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Collects the IPC messages of one record batch so they reach the HTTP layer as a single write.
 *
 * <p>Arrow's writer emits a batch as many small writes (metadata, each buffer, padding). Passed
 * straight to a container they would be cut into as many HTTP chunks, or copied again through the
 * container's own buffer. Staged here, a batch becomes one chunk.
 *
 * <p>Two ways to stage:
 * <ul>
 *   <li><b>Copying</b>: every byte is copied into a heap array, handed over in one
 *       {@link OutputStream#write(byte[], int, int)}.</li>
 *   <li><b>Referencing</b>, when the caller knows that the buffers Arrow's writer passes stay valid
 *       and unchanged until {@link #drainTo} and the response can take buffers
 *       ({@link GatheringByteChannel}): large direct buffers (Arrow memory) are kept by reference,
 *       only the small pieces between them (metadata, padding) are copied, and the batch is handed
 *       over in one gathering write. The batch's data then goes from Arrow memory to the socket
 *       with no copy in the JVM.</li>
 * </ul>
 * The array grows to the largest batch seen and is reused, so memory stays at one batch whatever
 * the length of the stream.
 *
 * <p>{@link #close()} leaves the response alone: Arrow's writer closes its channel when it
 * closes, and the response stream belongs to the container.
 */
public final class BatchStagingChannel implements WritableByteChannel {

    /** Smaller direct buffers are copied: a referenced buffer costs an entry in the gathered write. */
    static final int SMALLEST_REFERENCED_BYTES = 4 * 1024;

    private final boolean referencing;
    private final List<ByteBuffer> referenced = new ArrayList<>();
    private int[] copiedBefore = new int[16];
    private byte[] bytes;
    private int size;
    private long referencedBytes;
    private boolean discarded;

    /**
     * @param referencing whether direct buffers may be kept by reference until {@link #drainTo};
     *     only then may {@code drainTo} be given a {@link GatheringByteChannel}
     */
    BatchStagingChannel(int initialCapacity, boolean referencing) {
        this.bytes = new byte[Math.max(initialCapacity, 1024)];
        this.referencing = referencing;
    }

    @Override
    public int write(ByteBuffer source) {
        int length = source.remaining();
        if (discarded) {
            source.position(source.limit());
            return length;
        }
        if (referencing && source.isDirect() && length >= SMALLEST_REFERENCED_BYTES) {
            if (referenced.size() == copiedBefore.length) {
                copiedBefore = Arrays.copyOf(copiedBefore, 2 * copiedBefore.length);
            }
            copiedBefore[referenced.size()] = size;
            referenced.add(source.slice());
            referencedBytes += length;
            source.position(source.limit());
            return length;
        }
        ensureCapacity(length);
        source.get(bytes, size, length);
        size += length;
        return length;
    }

    /** Bytes staged and not yet handed over. */
    public long size() {
        return size + referencedBytes;
    }

    /**
     * Hands the staged bytes to {@code out} in one write, then starts over. With buffers kept by
     * reference, {@code out} must be a {@link GatheringByteChannel}, which gets them all in one
     * gathering write and must have sent them, keeping no reference, when it returns.
     */
    public void drainTo(OutputStream out) throws IOException {
        if (discarded) {
            return;
        }
        if (referenced.isEmpty()) {
            if (size > 0) {
                out.write(bytes, 0, size);
            }
        } else {
            gather((GatheringByteChannel) out);
        }
        size = 0;
        referenced.clear();
        referencedBytes = 0;
    }

    /**
     * Writes a copy of the staged bytes to {@code target}, leaving them staged; returns how many.
     * The buffers kept by reference are read, not consumed.
     */
    public long copyTo(GatheringByteChannel target) throws IOException {
        if (discarded) {
            return 0;
        }
        ByteBuffer[] all = pieces();
        long expected = size + referencedBytes;
        long written = 0;
        while (written < expected) {
            long moved = target.write(all);
            if (moved < 0) {
                throw new IOException("The copy took no more bytes");
            }
            written += moved;
        }
        return written;
    }

    private ByteBuffer[] pieces() {
        List<ByteBuffer> pieces = new ArrayList<>(2 * referenced.size() + 1);
        int copiedFrom = 0;
        for (int i = 0; i < referenced.size(); i++) {
            if (copiedBefore[i] > copiedFrom) {
                pieces.add(ByteBuffer.wrap(bytes, copiedFrom, copiedBefore[i] - copiedFrom));
                copiedFrom = copiedBefore[i];
            }
            pieces.add(referenced.get(i).duplicate());
        }
        if (size > copiedFrom) {
            pieces.add(ByteBuffer.wrap(bytes, copiedFrom, size - copiedFrom));
        }
        return pieces.toArray(ByteBuffer[]::new);
    }

    private void gather(GatheringByteChannel out) throws IOException {
        long expected = size + referencedBytes;
        long written = out.write(pieces());
        if (written != expected) {
            throw new IOException("The response took " + written + " of a batch's " + expected + " bytes");
        }
    }

    /** Drops what is staged, and everything staged from now on is dropped too: nothing more is sent. */
    public void discard() {
        discarded = true;
        size = 0;
        referenced.clear();
        referencedBytes = 0;
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

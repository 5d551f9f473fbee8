package io.arrowhttp.internal.encoding;

import java.io.EOFException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Bytes of a stored Arrow stream, sent as they are: a whole stream or a byte range of one. It is
 * an {@link ArrowReader} without batches only so that an {@code ArrowStream} carries it, with the
 * protections every stream has (stream limits, stalled clients, deadlines); the stream copies its
 * pieces instead of encoding batches, and adds no end-of-stream marker of its own.
 *
 * <h2>Ownership</h2>
 * Owns the file channel: {@link #close()} closes it. It allocates no Arrow memory beyond the empty
 * root every reader has.
 */
public final class StoredRangeReader extends ArrowReader {

    /** Bytes per write and flush, as for the largest chunks of a batch. */
    static final int PIECE_BYTES = 512 * 1024;

    private final FileChannel file;
    private final long end;
    private final Schema schema;
    private long position;

    public StoredRangeReader(FileChannel file, long start, long count, Schema schema, BufferAllocator allocator) {
        super(allocator);
        this.file = file;
        this.position = start;
        this.end = start + count;
        this.schema = schema;
    }

    /**
     * Writes the next piece of the range to {@code target}.
     *
     * @return its bytes, or -1 after the last piece
     * @throws IOException when the file ends before the range does: it changed while being sent
     */
    long writeNextPiece(WritableByteChannel target) throws IOException {
        if (position >= end) {
            return -1;
        }
        long count = Math.min(PIECE_BYTES, end - position);
        long sent = 0;
        while (sent < count) {
            long moved = file.transferTo(position + sent, count - sent, target);
            if (moved <= 0) {
                throw new EOFException("The file of a stored stream ended early: it changed while being sent");
            }
            sent += moved;
        }
        position += count;
        return count;
    }

    @Override
    public boolean loadNextBatch() {
        return false;
    }

    @Override
    public long bytesRead() {
        return 0;
    }

    @Override
    protected void closeReadSource() throws IOException {
        file.close();
    }

    @Override
    protected Schema readSchema() {
        return schema;
    }
}

package io.arrowhttp.source.files;

import io.arrowhttp.dataset.SharedBuffers;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The batches of several readers of one schema, one reader after the other, at most
 * {@code limit} rows in all: each batch's buffers are shared into this reader's root, not copied.
 *
 * <h2>Ownership</h2>
 * Owns the readers it is given and closes each when it is read to its end, the rest when this
 * reader closes; its own root comes from the allocator it is given, like any reader's.
 */
final class ConcatenatedReader extends ArrowReader {

    private final Deque<ArrowReader> readers;
    private final Schema schema;
    private long remaining;

    ConcatenatedReader(BufferAllocator allocator, List<ArrowReader> readers, long limit) {
        super(allocator);
        this.readers = new ArrayDeque<>(readers);
        this.remaining = limit;
        try {
            this.schema = readers.get(0).getVectorSchemaRoot().getSchema();
        } catch (IOException e) {
            throw new IllegalStateException("An opened Arrow file has no schema", e);
        }
    }

    @Override
    public boolean loadNextBatch() throws IOException {
        prepareLoadNextBatch();
        VectorSchemaRoot root = getVectorSchemaRoot();
        while (remaining > 0 && !readers.isEmpty()) {
            ArrowReader current = readers.peekFirst();
            if (current.loadNextBatch()) {
                SharedBuffers.share(current.getVectorSchemaRoot(), root);
                if (root.getRowCount() > remaining) {
                    root.setRowCount((int) remaining);
                }
                remaining -= root.getRowCount();
                return true;
            }
            readers.removeFirst().close();
        }
        return false;
    }

    @Override
    public long bytesRead() {
        return 0;
    }

    @Override
    protected void closeReadSource() throws IOException {
        IOException failure = null;
        while (!readers.isEmpty()) {
            try {
                readers.removeFirst().close();
            } catch (IOException e) {
                failure = failure == null ? e : failure;
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    protected Schema readSchema() {
        return schema;
    }
}

package io.arrowhttp.internal.encoding;

import io.arrowhttp.dataset.DerivedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;

/**
 * The batches of another reader, unchanged, whose encoded stream is also written to a
 * {@link StreamCopy} while it is sent ({@link BatchEncoders} sees to that, when the response's
 * buffers are not compressed; otherwise nothing is copied and the copy is abandoned).
 *
 * <h2>Ownership</h2>
 * As every {@link DerivedReader}: owns the source reader and allocates from the response's
 * allocator. Closing it abandons the copy unless it was completed.
 */
public final class CopiedReader extends DerivedReader {

    private final StreamCopy copy;

    /** On failure, {@code source} is closed and the copy abandoned. */
    public static CopiedReader of(ArrowReader source, BufferAllocator allocator, StreamCopy copy) {
        try {
            return new CopiedReader(source, allocator, copy);
        } catch (IOException | RuntimeException e) {
            copy.abandon();
            try {
                source.close();
            } catch (IOException | RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
        }
    }

    private CopiedReader(ArrowReader source, BufferAllocator allocator, StreamCopy copy) throws IOException {
        super(source, allocator, source.getVectorSchemaRoot().getSchema());
        this.copy = copy;
    }

    StreamCopy copy() {
        return copy;
    }

    @Override
    protected boolean fill(VectorSchemaRoot root) throws IOException {
        if (!source.loadNextBatch()) {
            return false;
        }
        handOver(source.getVectorSchemaRoot(), root);
        return true;
    }

    @Override
    protected void closeSource() throws IOException {
        try {
            super.closeSource();
        } finally {
            copy.abandon();
        }
    }
}

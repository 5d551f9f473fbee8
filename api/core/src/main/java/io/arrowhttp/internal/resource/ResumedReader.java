package io.arrowhttp.internal.resource;

import io.arrowhttp.dataset.DerivedReader;
import io.arrowhttp.dataset.EncodedBatches;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;

/**
 * The batches of a dataset's reader from a given one on, for a response that resumes a broken
 * download ({@code start_batch}). Readers of stored batches skip without reading
 * ({@link EncodedBatches#skipBatches}); any other reader's first batches are read and dropped, so
 * a resumed response costs the server what the skipped part cost, and the client only the rest.
 *
 * <h2>Ownership</h2>
 * As every {@link DerivedReader}: owns the source reader, and allocates from the response's
 * allocator.
 */
final class ResumedReader extends DerivedReader {

    private long toSkip;

    private ResumedReader(ArrowReader source, BufferAllocator allocator, long toSkip) throws IOException {
        super(source, allocator, source.getVectorSchemaRoot().getSchema());
        this.toSkip = toSkip;
    }

    /**
     * {@code source} from batch {@code first} on; {@code source} itself when it can skip on its
     * own. On failure, {@code source} is closed.
     */
    static ArrowReader from(ArrowReader source, BufferAllocator allocator, long first) {
        try {
            if (source instanceof EncodedBatches stored) {
                stored.skipBatches(first);
                return source;
            }
            return new ResumedReader(source, allocator, first);
        } catch (IOException | RuntimeException e) {
            try {
                source.close();
            } catch (IOException | RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
        }
    }

    @Override
    protected boolean fill(VectorSchemaRoot root) throws IOException {
        while (toSkip > 0) {
            toSkip--;
            if (!source.loadNextBatch()) {
                toSkip = 0;
                return false;
            }
        }
        if (!source.loadNextBatch()) {
            return false;
        }
        handOver(source.getVectorSchemaRoot(), root);
        return true;
    }
}

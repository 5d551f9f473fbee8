package io.arrowhttp.dataset;

import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;

/** Batches handed from one root to another without a copy. */
public final class SharedBuffers {

    private SharedBuffers() {}

    /**
     * Makes the vectors of {@code to} share the buffers of the vectors of {@code from}, position by
     * position, and sets {@code to}'s row count: no copy, and {@code from} keeps its buffers. For a
     * source that refills one root for every batch, whose next fill then reuses that memory instead
     * of allocating it again, and for a writer bound to one root that writes batches of several.
     *
     * <h2>Ownership</h2>
     * Both roots hold a reference to each buffer until they are next filled or closed, so what
     * {@code to} holds must be used before {@code from} is refilled. The two roots' allocators must
     * share a root allocator.
     */
    public static void share(VectorSchemaRoot from, VectorSchemaRoot to) {
        try (ArrowRecordBatch batch = new VectorUnloader(from).getRecordBatch()) {
            new VectorLoader(to).load(batch);
        }
    }
}

package io.arrowhttp.dataset;

import java.io.IOException;
import java.util.Objects;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * An {@link ArrowReader} for batches made in code (generated, computed, converted row by row)
 * rather than read from an Arrow source: implement {@link #fill}, which is called for each batch
 * with the same {@link VectorSchemaRoot}, emptied.
 *
 * <p>The root and its vectors are allocated from the allocator given to the constructor and freed
 * by {@link #close()}; {@link #closeSource()} is where a subclass releases anything else it holds.
 */
public abstract class GeneratingReader extends ArrowReader {

    private final Schema schema;

    protected GeneratingReader(BufferAllocator allocator, Schema schema) {
        super(allocator);
        this.schema = Objects.requireNonNull(schema, "schema");
    }

    /**
     * Puts the next batch into {@code root} and sets its row count.
     *
     * @return false when there are no more batches (leave {@code root} empty then)
     */
    protected abstract boolean fill(VectorSchemaRoot root) throws IOException;

    /**
     * Hands every vector of {@code from} over to the vector at the same position of {@code to}
     * (their buffers are transferred, not copied, and {@code from}'s vectors are left empty), and
     * sets {@code to}'s row count: for subclasses that read batches from another Arrow source.
     */
    protected static void handOver(VectorSchemaRoot from, VectorSchemaRoot to) {
        for (int i = 0; i < to.getFieldVectors().size(); i++) {
            from.getVector(i).makeTransferPair(to.getVector(i)).transfer();
        }
        to.setRowCount(from.getRowCount());
    }

    /**
     * Makes the vectors of {@code to} share the buffers of the vectors of {@code from}, position by
     * position, and sets {@code to}'s row count: no copy, and {@code from} keeps its buffers. For
     * subclasses whose source refills one root for every batch: the source's next fill then reuses
     * that memory instead of allocating it again. Both roots hold a reference to each buffer until
     * they are next filled or closed, so {@code to}'s batch must be sent before the source refills.
     */
    protected static void share(VectorSchemaRoot from, VectorSchemaRoot to) {
        try (ArrowRecordBatch batch = new VectorUnloader(from).getRecordBatch()) {
            new VectorLoader(to).load(batch);
        }
    }

    /** Releases what the subclass holds beyond the vectors. Called once, by {@link #close()}. */
    protected void closeSource() throws IOException {}

    @Override
    public final boolean loadNextBatch() throws IOException {
        prepareLoadNextBatch();
        return fill(getVectorSchemaRoot());
    }

    @Override
    public long bytesRead() {
        return 0;
    }

    @Override
    protected final void closeReadSource() throws IOException {
        closeSource();
    }

    @Override
    protected final Schema readSchema() {
        return schema;
    }
}

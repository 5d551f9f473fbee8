package io.arrowhttp.dataset;

import java.io.IOException;
import java.util.Objects;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
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

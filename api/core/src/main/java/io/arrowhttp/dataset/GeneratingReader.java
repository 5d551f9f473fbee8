package io.arrowhttp.dataset;

import java.io.IOException;
import java.util.Objects;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BaseVariableWidthViewVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.arrow.vector.util.TransferPair;

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
     * Hands rows {@code start} to {@code start + length} of {@code from} over to {@code to}: the
     * whole vector's buffers when that is every row, else a slice made by Arrow's
     * {@code splitAndTransfer}, repaired where that leaves invalid Arrow. Arrow Java copies the
     * inline values of view vectors ({@code Utf8View}, {@code BinaryView}), at any depth, into an
     * uninitialized buffer and leaves the padding after each short value as it found it, which
     * Arrow's full validation rejects; their unused view bytes are zeroed here.
     */
    protected static void handOver(FieldVector from, FieldVector to, int start, int length) {
        TransferPair transfer = from.makeTransferPair(to);
        if (start == 0 && length == from.getValueCount()) {
            transfer.transfer();
        } else {
            transfer.splitAndTransfer(start, length);
            zeroViewPadding(to);
        }
    }

    /** Zeroes the bytes of every view of {@code vector} and its children that hold no value. */
    private static void zeroViewPadding(FieldVector vector) {
        if (vector instanceof BaseVariableWidthViewVector views) {
            ArrowBuf buffer = views.getDataBuffer();
            for (int i = 0; i < views.getValueCount(); i++) {
                long view = (long) i * BaseVariableWidthViewVector.ELEMENT_SIZE;
                if (views.isNull(i)) {
                    buffer.setZero(view, BaseVariableWidthViewVector.ELEMENT_SIZE);
                    continue;
                }
                int valueLength = buffer.getInt(view);
                if (valueLength <= BaseVariableWidthViewVector.INLINE_SIZE) {
                    long used = BaseVariableWidthViewVector.LENGTH_WIDTH + (long) valueLength;
                    buffer.setZero(view + used, BaseVariableWidthViewVector.ELEMENT_SIZE - used);
                }
            }
        }
        for (FieldVector child : vector.getChildrenFromFields()) {
            zeroViewPadding(child);
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

package io.arrowhttp.testing;

import io.arrowhttp.dataset.Dataset;
import io.arrowhttp.dataset.DatasetRequest;
import io.arrowhttp.dataset.GeneratingReader;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * A dataset whose batches are numbered rows (batch b, row r holds b * rowsPerBatch + r), with hooks
 * that let a test fail it part way or hold it before a batch.
 */
public final class ScriptedDataset implements Dataset {

    public static final Schema SCHEMA = new Schema(List.of(Field.notNullable("n", new ArrowType.Int(64, true))));

    private final String name;
    private final int batches;
    private final int rowsPerBatch;
    private final int failBeforeBatch;
    private final int holdBeforeBatch;
    private final CountDownLatch release;
    private final boolean closeFails;
    private final AtomicInteger produced = new AtomicInteger();
    private final AtomicInteger opened = new AtomicInteger();
    private final CountDownLatch closed = new CountDownLatch(1);

    private ScriptedDataset(
            String name,
            int batches,
            int rowsPerBatch,
            int failBeforeBatch,
            int holdBeforeBatch,
            CountDownLatch release,
            boolean closeFails) {
        this.name = name;
        this.batches = batches;
        this.rowsPerBatch = rowsPerBatch;
        this.failBeforeBatch = failBeforeBatch;
        this.holdBeforeBatch = holdBeforeBatch;
        this.release = release;
        this.closeFails = closeFails;
    }

    public static ScriptedDataset of(String name, int batches, int rowsPerBatch) {
        return new ScriptedDataset(name, batches, rowsPerBatch, -1, -1, null, false);
    }

    /** Throws a producer failure instead of producing batch {@code index} (0-based). */
    public static ScriptedDataset failing(String name, int batches, int rowsPerBatch, int index) {
        return new ScriptedDataset(name, batches, rowsPerBatch, index, -1, null, false);
    }

    /**
     * As {@link #failing}, and closing the reader then fails too, as a database connection that
     * went away does.
     */
    public static ScriptedDataset failingAndUnclosable(String name, int batches, int rowsPerBatch, int index) {
        return new ScriptedDataset(name, batches, rowsPerBatch, index, -1, null, true);
    }

    /** Waits for {@code release} before producing batch {@code index} (0-based); at most 30 s. */
    public static ScriptedDataset holding(
            String name, int batches, int rowsPerBatch, int index, CountDownLatch release) {
        return new ScriptedDataset(name, batches, rowsPerBatch, -1, index, release, false);
    }

    /** Readers opened so far. */
    public int opened() {
        return opened.get();
    }

    /** Batches produced so far, over all responses. */
    public int produced() {
        return produced.get();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String description() {
        return "numbered rows for tests";
    }

    @Override
    public Schema schema() {
        return SCHEMA;
    }

    @Override
    public Object metadata(DatasetRequest request) {
        return Map.of("batches", batches, "rowsPerBatch", rowsPerBatch);
    }

    @Override
    public ArrowReader open(DatasetRequest request, BufferAllocator allocator) {
        opened.incrementAndGet();
        return new Reader(allocator);
    }

    private final class Reader extends GeneratingReader {
        private int next;

        Reader(BufferAllocator allocator) {
            super(allocator, SCHEMA);
        }

        @Override
        protected boolean fill(VectorSchemaRoot root) throws IOException {
            if (next == batches) {
                return false;
            }
            if (next == failBeforeBatch) {
                throw new IllegalStateException("scripted producer failure before batch " + next);
            }
            if (next == holdBeforeBatch) {
                try {
                    if (!release.await(30, TimeUnit.SECONDS)) {
                        throw new IllegalStateException("test never released batch " + next);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted", e);
                }
            }
            BigIntVector vector = (BigIntVector) root.getVector(0);
            vector.allocateNew(rowsPerBatch);
            for (int row = 0; row < rowsPerBatch; row++) {
                vector.set(row, (long) next * rowsPerBatch + row);
            }
            root.setRowCount(rowsPerBatch);
            next++;
            produced.incrementAndGet();
            return true;
        }

        @Override
        protected void closeSource() throws IOException {
            if (closeFails) {
                throw new IOException("scripted close failure: the connection is closed");
            }
        }
    }
}

package io.arrowhttp.testing;

import io.arrowhttp.dataset.Dataset;
import io.arrowhttp.dataset.DatasetRequest;
import io.arrowhttp.dataset.GeneratingReader;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * A slow producer that behaves as a producer should: it waits {@code pause} before every batch
 * but the first, and stops waiting as soon as its call is cancelled. It records whether its
 * cancel callback ran.
 */
public final class PacedDataset implements Dataset {

    private final String name;
    private final int batches;
    private final long pauseMillis;
    private volatile CountDownLatch lastCancelled = new CountDownLatch(1);

    public PacedDataset(String name, int batches, long pauseMillis) {
        this.name = name;
        this.batches = batches;
        this.pauseMillis = pauseMillis;
    }

    /** Counted down when the cancel callback of the latest response ran. */
    public CountDownLatch lastCancelled() {
        return lastCancelled;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String description() {
        return "slow numbered rows for tests";
    }

    @Override
    public Schema schema() {
        return ScriptedDataset.SCHEMA;
    }

    @Override
    public Object metadata(DatasetRequest request) {
        return Map.of("pauseMillis", pauseMillis);
    }

    @Override
    public GeneratingReader open(DatasetRequest request, BufferAllocator allocator) {
        CountDownLatch cancelled = new CountDownLatch(1);
        lastCancelled = cancelled;
        request.call().onCancel(cancelled::countDown);
        return new GeneratingReader(allocator, ScriptedDataset.SCHEMA) {
            private int next;

            @Override
            protected boolean fill(VectorSchemaRoot root) throws IOException {
                if (next == batches || request.call().isCancelled()) {
                    return false;
                }
                if (next > 0) {
                    try {
                        cancelled.await(pauseMillis, TimeUnit.MILLISECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IOException(e);
                    }
                }
                BigIntVector vector = (BigIntVector) root.getVector(0);
                vector.allocateNew(10);
                for (int row = 0; row < 10; row++) {
                    vector.set(row, next * 10L + row);
                }
                root.setRowCount(10);
                next++;
                return true;
            }
        };
    }
}

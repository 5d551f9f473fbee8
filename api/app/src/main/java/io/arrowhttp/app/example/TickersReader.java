package io.arrowhttp.app.example;

import io.arrowhttp.dataset.GeneratingReader;
import java.nio.ByteOrder;
import java.nio.IntBuffer;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.message.ArrowFieldNode;

/**
 * One response's batches of {@link TickersDataset}: random slices of the base batch.
 *
 * <p>The reader copies the base batch into Arrow memory once, and each batch's price, volume and
 * ticker bytes are then slices of that copy, not copies: with a server that sends Arrow buffers as
 * they are, the example's data goes from this one copy to the socket. Only the tickers' offsets are
 * written per batch, since a slice's offsets must start at zero. The reader holds about 1 MB of
 * Arrow memory however many rows it produces.
 *
 * <h2>Ownership</h2>
 * The copy of the base batch and the offsets buffer are allocated from the allocator given to the
 * constructor and released by {@link #close()}; the vectors hold their own references to the
 * slices they are given, released when they are next filled or closed.
 */
final class TickersReader extends GeneratingReader {

    private final TickersDataset.BaseBatch base;
    private final SplittableRandom random;
    private long remaining;
    private ArrowBuf tickerBytes;
    private ArrowBuf prices;
    private ArrowBuf volumes;
    private ArrowBuf offsets;
    /** The offsets buffer as ints: written without ArrowBuf's checks on every value. */
    private IntBuffer offsetValues;

    TickersReader(BufferAllocator allocator, TickersDataset.BaseBatch base, long rows, SplittableRandom random) {
        super(allocator, TickersDataset.SCHEMA);
        this.base = base;
        this.remaining = rows;
        this.random = random;
    }

    @Override
    protected boolean fill(VectorSchemaRoot root) {
        if (remaining == 0) {
            return false;
        }
        if (offsets == null) {
            copyBase();
        }
        int rows = (int) Math.min(TickersDataset.BATCH_ROWS, remaining);
        int offset = random.nextInt(TickersDataset.BASE_ROWS - rows);
        // No row is null: the vectors make their validity from the count (all set).
        ArrowFieldNode allValid = new ArrowFieldNode(rows, 0);
        ArrowBuf noValidity = allocator.getEmpty();
        int[] baseOffsets = base.tickerOffsets();
        int start = baseOffsets[offset];
        for (int i = 0; i <= rows; i++) {
            offsetValues.put(i, baseOffsets[offset + i] - start);
        }
        ArrowBuf tickers = tickerBytes.slice(start, baseOffsets[offset + rows] - start);
        long from = (long) offset * Long.BYTES;
        long length = (long) rows * Long.BYTES;
        root.getVector(0).loadFieldBuffers(allValid, List.of(noValidity, offsets, tickers));
        root.getVector(1).loadFieldBuffers(allValid, List.of(noValidity, prices.slice(from, length)));
        root.getVector(2).loadFieldBuffers(allValid, List.of(noValidity, volumes.slice(from, length)));
        root.setRowCount(rows);
        remaining -= rows;
        return true;
    }

    private void copyBase() {
        tickerBytes = copy(base.tickerBytes());
        prices = copy(base.prices());
        volumes = copy(base.volumes());
        offsets = allocator.buffer((long) (TickersDataset.BATCH_ROWS + 1) * BaseVariableWidthVector.OFFSET_WIDTH);
        offsetValues = offsets.nioBuffer(0, (int) offsets.capacity())
                .order(ByteOrder.LITTLE_ENDIAN)
                .asIntBuffer();
    }

    private ArrowBuf copy(byte[] bytes) {
        ArrowBuf buffer = allocator.buffer(bytes.length);
        buffer.setBytes(0, bytes);
        return buffer;
    }

    @Override
    protected void closeSource() {
        for (ArrowBuf buffer : new ArrowBuf[] {tickerBytes, prices, volumes, offsets}) {
            if (buffer != null) {
                buffer.close();
            }
        }
    }
}

package io.arrowhttp.example;

import io.arrowhttp.dataset.GeneratingReader;
import java.util.SplittableRandom;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVectorHelper;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * One response's batches of {@link TickersDataset}: random slices of the base batch, copied into
 * the same vectors for every batch. The vectors are sized once for a full batch, so the reader
 * holds about 150 KB of Arrow memory however many rows it produces.
 */
final class TickersReader extends GeneratingReader {

    private final TickersDataset.BaseBatch base;
    private final SplittableRandom random;
    private long remaining;
    private boolean allocated;

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
        int rows = (int) Math.min(TickersDataset.BATCH_ROWS, remaining);
        int offset = random.nextInt(TickersDataset.BASE_ROWS - rows);
        VarCharVector ticker = (VarCharVector) root.getVector(0);
        BigIntVector price = (BigIntVector) root.getVector(1);
        BigIntVector volume = (BigIntVector) root.getVector(2);
        if (!allocated) {
            ticker.allocateNew(TickersDataset.BATCH_ROWS * 4L, TickersDataset.BATCH_ROWS);
            price.allocateNew(TickersDataset.BATCH_ROWS);
            volume.allocateNew(TickersDataset.BATCH_ROWS);
            allocated = true;
        }
        copyTickers(ticker, offset, rows);
        copyLongs(price, base.prices(), offset, rows);
        copyLongs(volume, base.volumes(), offset, rows);
        root.setRowCount(rows);
        remaining -= rows;
        return true;
    }

    private void copyTickers(VarCharVector vector, int offset, int rows) {
        int[] offsets = base.tickerOffsets();
        int start = offsets[offset];
        ArrowBuf offsetBuffer = vector.getOffsetBuffer();
        for (int i = 0; i <= rows; i++) {
            offsetBuffer.setInt((long) i * VarCharVector.OFFSET_WIDTH, offsets[offset + i] - start);
        }
        vector.getDataBuffer().setBytes(0, base.tickerBytes(), start, offsets[offset + rows] - start);
        setAllValid(vector.getValidityBuffer(), rows);
        vector.setLastSet(rows - 1);
    }

    private static void copyLongs(BigIntVector vector, byte[] source, int offset, int rows) {
        vector.getDataBuffer().setBytes(0, source, offset * Long.BYTES, (long) rows * Long.BYTES);
        setAllValid(vector.getValidityBuffer(), rows);
    }

    private static void setAllValid(ArrowBuf validity, int rows) {
        validity.setOne(0, BitVectorHelper.getValidityBufferSizeFromCount(rows));
    }
}

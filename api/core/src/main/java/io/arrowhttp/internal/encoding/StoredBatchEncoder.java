package io.arrowhttp.internal.encoding;

import static io.arrowhttp.internal.encoding.ReaderSteps.read;

import io.arrowhttp.dataset.EncodedBatches;
import io.arrowhttp.protocol.EndOfStreamMarker;
import java.nio.ByteBuffer;

/** Copies messages stored already encoded, as they are, and adds the end-of-stream marker. */
final class StoredBatchEncoder implements BatchEncoder {

    private final EncodedBatches stored;
    private final BatchStagingChannel staging;

    StoredBatchEncoder(EncodedBatches stored, BatchStagingChannel staging) {
        this.stored = stored;
        this.staging = staging;
    }

    @Override
    public BatchStagingChannel staging() {
        return staging;
    }

    @Override
    public void start() {
        read(() -> {
            stored.writeOpening(staging);
            return null;
        });
    }

    @Override
    public long next() {
        return read(() -> stored.writeNextBatch(staging));
    }

    @Override
    public void end() {
        staging.write(ByteBuffer.wrap(EndOfStreamMarker.bytes()));
    }

    @Override
    public void close() {
        // The reader, closed with the stream, frees what the stored batches used.
    }
}

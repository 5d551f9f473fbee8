package io.arrowhttp.internal.encoding;

import static io.arrowhttp.internal.encoding.ReaderSteps.read;

/** Copies bytes of a stored stream as they are, in pieces, with nothing added. */
final class VerbatimEncoder implements BatchEncoder {

    private final StoredRangeReader range;
    private final BatchStagingChannel staging;

    VerbatimEncoder(StoredRangeReader range, BatchStagingChannel staging) {
        this.range = range;
        this.staging = staging;
    }

    @Override
    public BatchStagingChannel staging() {
        return staging;
    }

    @Override
    public void start() {
        // The range holds whatever it holds of the schema.
    }

    @Override
    public long next() {
        return read(() -> range.writeNextPiece(staging) < 0 ? -1 : 0);
    }

    @Override
    public void end() {
        // The range holds the end-of-stream marker when it reaches the stream's end.
    }

    @Override
    public boolean verbatim() {
        return true;
    }

    @Override
    public void close() {
        // The reader, closed with the stream, closes the file.
    }
}

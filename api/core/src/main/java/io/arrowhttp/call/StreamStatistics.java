package io.arrowhttp.call;

/**
 * What one Arrow stream sent, read after (or while) it was written.
 *
 * @param batches record batches written
 * @param rows rows in those batches
 * @param bytes bytes of the IPC stream, schema and end-of-stream marker included
 * @param chunks writes handed to the HTTP layer, each flushed on its own: one per record batch,
 *     plus the last one that carries the end-of-stream marker
 * @param elapsedNanos from the first byte staged to the last one handed over
 */
public record StreamStatistics(long batches, long rows, long bytes, long chunks, long elapsedNanos) {

    /** Elapsed time in seconds. */
    public double elapsedSeconds() {
        return elapsedNanos / 1e9;
    }

    /** Average bytes a chunk, or 0 when nothing was written. */
    public double averageChunkBytes() {
        return chunks == 0 ? 0 : (double) bytes / chunks;
    }
}

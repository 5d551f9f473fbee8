package io.arrowhttp.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

/** Checks how the record batches of a chunked multipart response were cut into HTTP chunks. */
public final class ChunkLayout {

    /**
     * Every record batch of the Arrow part lies whole in one chunk, and no chunk holds two:
     * one chunk per batch.
     */
    public static void assertOneChunkPerBatch(RawHttp.Exchange exchange, int batches) {
        byte[] body = exchange.body();
        List<IpcMessages.Located> messages =
                IpcMessages.locate(body, MultipartBody.partBodyStart(body, MultipartBody.ARROW_PART_HEADER));
        int chunkStart = 0;
        int batchChunks = 0;
        for (int chunk = 0; chunk < exchange.chunks().size(); chunk++) {
            int start = chunkStart;
            int end = start + exchange.chunks().get(chunk).length;
            List<IpcMessages.Located> batchesHere = messages.stream()
                    .filter(IpcMessages.Located::isRecordBatch)
                    .filter(m -> m.start() < end && m.end() > start)
                    .toList();
            if (!batchesHere.isEmpty()) {
                assertEquals(1, batchesHere.size(), "chunk " + chunk + " holds more than one batch");
                IpcMessages.Located batch = batchesHere.get(0);
                assertTrue(batch.start() >= start && batch.end() <= end, "batch split over chunks at chunk " + chunk);
                batchChunks++;
            }
            chunkStart = end;
        }
        assertEquals(
                batches,
                messages.stream().filter(IpcMessages.Located::isRecordBatch).count());
        assertEquals(batches, batchChunks);
    }

    private ChunkLayout() {}
}

package io.arrowhttp.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.arrowhttp.call.StreamStatistics;
import io.arrowhttp.dataset.DatasetRequest;
import io.arrowhttp.internal.provider.ArrowStreamBodyWriter;
import io.arrowhttp.protocol.ArrowMediaTypes;
import io.arrowhttp.response.ArrowStream;
import io.arrowhttp.testing.IpcMessages;
import io.arrowhttp.testing.ScriptedDataset;
import jakarta.ws.rs.core.MultivaluedHashMap;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.annotation.Annotation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.arrow.flatbuf.MessageHeader;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ArrowStreamTest {

    private BufferAllocator root;

    @BeforeEach
    void createAllocator() {
        root = new RootAllocator();
    }

    @AfterEach
    void everyBufferWasReleased() {
        assertEquals(0, root.getAllocatedMemory(), "Arrow memory leaked");
        root.close();
    }

    private ArrowStream stream(ScriptedDataset dataset) {
        BufferAllocator child = root.newChildAllocator("response", 0, Long.MAX_VALUE);
        return ArrowStream.of(dataset.open(DatasetRequest.of(Map.of()), child), child);
    }

    @Test
    void bodyWriterWritesAStreamThatArrowReadsBack() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new ArrowStreamBodyWriter()
                .writeTo(
                        stream(ScriptedDataset.of("n", 4, 100)),
                        ArrowStream.class,
                        ArrowStream.class,
                        new Annotation[0],
                        ArrowMediaTypes.ARROW_STREAM_TYPE,
                        new MultivaluedHashMap<>(),
                        out);

        try (ArrowStreamReader reader = new ArrowStreamReader(new ByteArrayInputStream(out.toByteArray()), root)) {
            assertEquals(ScriptedDataset.SCHEMA, reader.getVectorSchemaRoot().getSchema());
            long expected = 0;
            int batches = 0;
            while (reader.loadNextBatch()) {
                BigIntVector n = (BigIntVector) reader.getVectorSchemaRoot().getVector("n");
                assertEquals(100, n.getValueCount());
                for (int i = 0; i < n.getValueCount(); i++) {
                    assertEquals(expected++, n.get(i));
                }
                batches++;
            }
            assertEquals(4, batches);
        }
    }

    @Test
    void writesSchemaBeforeFirstBatchAndEndsWithEndOfStreamMarker() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        stream(ScriptedDataset.of("n", 2, 10)).writeTo(out);

        List<IpcMessages.Located> messages = IpcMessages.locate(out.toByteArray(), 0);
        assertEquals(4, messages.size());
        assertEquals(MessageHeader.Schema, messages.get(0).type());
        assertTrue(messages.get(1).isRecordBatch());
        assertTrue(messages.get(2).isRecordBatch());
        assertEquals(-1, messages.get(3).type());
        assertEquals(out.size(), messages.get(3).end());
    }

    @Test
    void handsEachBatchOverInOneWriteFollowedByAFlush() throws IOException {
        RecordingStream out = new RecordingStream();
        ArrowStream stream = stream(ScriptedDataset.of("n", 3, 1000));
        stream.writeTo(out);

        // writes: [schema + batch 0], [batch 1], [batch 2], [end-of-stream]; a flush after each batch.
        assertEquals(List.of("write", "flush", "write", "flush", "write", "flush", "write"), out.events);
        List<IpcMessages.Located> messages = IpcMessages.locate(out.toByteArray(), 0);
        assertEquals(messages.get(1).end(), out.writeEnds.get(0), "first write ends with batch 0");
        assertEquals(messages.get(2).end(), out.writeEnds.get(1));
        assertEquals(messages.get(3).end(), out.writeEnds.get(2));
        StreamStatistics stats = stream.statistics();
        assertEquals(3, stats.batches());
        assertEquals(3000, stats.rows());
        assertEquals(out.size(), stats.bytes());
        assertEquals(4, stats.chunks());
    }

    @Test
    void leavesTheResponseStreamOpen() throws IOException {
        RecordingStream out = new RecordingStream();
        stream(ScriptedDataset.of("n", 1, 10)).writeTo(out);
        assertFalse(out.closed);
    }

    @Test
    void producerFailureEndsTheStreamWithTheFailureMarkerInsteadOfTheEndOfStreamMarker() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ArrowStream stream = stream(ScriptedDataset.failing("n", 5, 10, 2));

        IllegalStateException failure = assertThrows(IllegalStateException.class, () -> stream.writeTo(out));
        assertTrue(failure.getMessage().contains("before batch 2"));

        List<IpcMessages.Located> messages = IpcMessages.locate(out.toByteArray(), 0);
        assertEquals(4, messages.size(), "schema, two batches and the failure marker");
        assertTrue(messages.get(2).isRecordBatch());
        assertEquals(IpcMessages.FAILURE_MARKER, messages.get(3).type());
        assertEquals(out.size(), messages.get(3).end());
    }

    @Test
    void releasesItsMemoryWhenClosedUnwritten() {
        ArrowStream stream = stream(ScriptedDataset.of("n", 1, 10));
        stream.close();
        stream.close();
        assertThrows(IllegalStateException.class, () -> stream.writeTo(new ByteArrayOutputStream()));
    }

    @Test
    void refusesASecondWrite() throws IOException {
        ArrowStream stream = stream(ScriptedDataset.of("n", 1, 10));
        stream.writeTo(new ByteArrayOutputStream());
        IllegalStateException second =
                assertThrows(IllegalStateException.class, () -> stream.writeTo(new ByteArrayOutputStream()));
        assertTrue(second.getMessage().contains("new one for each response"));
    }

    @Test
    void clientFailureIsReportedAsIoExceptionAndStillReleasesMemory() {
        ArrowStream stream = stream(ScriptedDataset.of("n", 5, 1000));
        OutputStream broken = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("Broken pipe");
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                throw new IOException("Broken pipe");
            }
        };
        assertThrows(IOException.class, () -> stream.writeTo(broken));
        assertArrayEquals(
                new long[] {0, 0},
                new long[] {stream.statistics().batches(), stream.statistics().rows()});
    }

    /** Records the calls an HTTP layer would see. */
    private static final class RecordingStream extends ByteArrayOutputStream {
        final List<String> events = new ArrayList<>();
        final List<Integer> writeEnds = new ArrayList<>();
        boolean closed;

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            super.write(b, off, len);
            events.add("write");
            writeEnds.add(size());
        }

        @Override
        public synchronized void write(int b) {
            throw new AssertionError("single-byte writes would become one chunk each");
        }

        @Override
        public void flush() {
            events.add("flush");
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}

package io.arrowhttp.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.arrowhttp.client.internal.PartitionFetch;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Test;

/** The parallel fetch's own rules, with locations that fail as servers do. */
class PartitionFetchTest {

    private static final URI DOWN = URI.create("http://127.0.0.1:1/down");

    @Test
    void anEndpointIsTriedAtItsNextLocationWhenOneCannotBeReached() throws IOException {
        Map<URI, byte[]> served = Map.of(
                URI.create("http://a/0"), ids(0, 3),
                URI.create("http://b/1"), ids(3, 2));
        List<Long> read = new ArrayList<>();
        try (BufferAllocator allocator = new RootAllocator()) {
            PartitionFetch.Totals totals = PartitionFetch.run(
                    List.of(List.of(DOWN, URI.create("http://a/0")), List.of(URI.create("http://b/1"))),
                    2,
                    true,
                    allocator,
                    (location, startBatch, child) -> open(served, location, child),
                    (endpoint, batch) -> read.add(((BigIntVector) batch.getVector("id")).get(0)));
            assertEquals(5, totals.rows());
            assertEquals(0, allocator.getAllocatedMemory());
        }
        assertEquals(List.of(0L, 1L, 2L, 3L, 4L), read);
    }

    @Test
    void aLocationThatBreaksOffIsResumedAtTheNextLocationAfterTheLastBatchHandedOver() throws IOException {
        URI breaks = URI.create("http://a/0");
        URI resumes = URI.create("http://b/0");
        byte[] whole = ids(0, 5);
        // Schema and two batches, without the end-of-stream marker, then a reset connection.
        int twoBatches = ids(0, 2).length - 8;
        List<String> asked = new ArrayList<>();
        List<Long> read = new ArrayList<>();
        try (BufferAllocator allocator = new RootAllocator()) {
            PartitionFetch.Totals totals = PartitionFetch.run(
                    List.of(List.of(breaks, resumes)),
                    1,
                    true,
                    allocator,
                    (location, startBatch, child) -> {
                        asked.add(location + " from " + startBatch);
                        InputStream body = location.equals(breaks)
                                ? new BreakingStream(whole, twoBatches)
                                : new ByteArrayInputStream(ids(startBatch, 5 - (int) startBatch));
                        return source(new ArrowStreamReader(body, child));
                    },
                    (endpoint, batch) -> read.add(((BigIntVector) batch.getVector("id")).get(0)));
            assertEquals(5, totals.rows());
            assertEquals(0, allocator.getAllocatedMemory());
        }
        assertEquals(List.of("http://a/0 from 0", "http://b/0 from 2"), asked);
        assertEquals(List.of(0L, 1L, 2L, 3L, 4L), read, "every batch once, in order");
    }

    @Test
    void batchesAsTheyArriveDoNotWaitForTheEndpointsBefore() throws IOException {
        URI slow = URI.create("http://a/0");
        URI quick = URI.create("http://b/1");
        CountDownLatch quickDone = new CountDownLatch(3);
        List<String> read = new ArrayList<>();
        try (BufferAllocator allocator = new RootAllocator()) {
            PartitionFetch.Totals totals = PartitionFetch.run(
                    List.of(List.of(slow), List.of(quick)),
                    2,
                    false,
                    allocator,
                    (location, startBatch, child) -> {
                        if (location.equals(slow)) {
                            // Endpoint 0 answers only once endpoint 1 has been handed over whole.
                            try {
                                if (!quickDone.await(10, TimeUnit.SECONDS)) {
                                    throw new IOException("endpoint 1 was held back behind endpoint 0");
                                }
                            } catch (InterruptedException e) {
                                throw new InterruptedIOException();
                            }
                            return open(Map.of(slow, ids(0, 2)), location, child);
                        }
                        return open(Map.of(quick, ids(10, 3)), location, child);
                    },
                    (endpoint, batch) -> {
                        read.add(endpoint + ":" + ((BigIntVector) batch.getVector("id")).get(0));
                        if (endpoint == 1) {
                            quickDone.countDown();
                        }
                    });
            assertEquals(5, totals.rows());
            assertEquals(0, allocator.getAllocatedMemory());
        }
        assertEquals(List.of("1:10", "1:11", "1:12", "0:0", "0:1"), read);
    }

    /** The first {@code length} bytes of a body, then the failure of a connection reset. */
    private static final class BreakingStream extends InputStream {

        private final byte[] bytes;
        private final int length;
        private int position;

        BreakingStream(byte[] bytes, int length) {
            this.bytes = bytes;
            this.length = length;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] into, int offset, int wanted) throws IOException {
            if (position >= length) {
                throw new IOException("Connection reset");
            }
            int count = Math.min(wanted, length - position);
            System.arraycopy(bytes, position, into, offset, count);
            position += count;
            return count;
        }
    }

    @Test
    void anEndpointThatFailsEverywhereFailsTheFetchNamingIt() {
        try (BufferAllocator allocator = new RootAllocator()) {
            IOException failed = assertThrows(
                    IOException.class,
                    () -> PartitionFetch.run(
                            List.of(List.of(URI.create("http://a/0")), List.of(DOWN)),
                            2,
                            true,
                            allocator,
                            (location, startBatch, child) ->
                                    open(Map.of(URI.create("http://a/0"), ids(0, 2)), location, child),
                            (endpoint, batch) -> {}));
            assertTrue(failed.getMessage().startsWith("Endpoint 1 failed at every location"), failed.getMessage());
            assertEquals(0, allocator.getAllocatedMemory());
        }
    }

    private static PartitionFetch.Source open(Map<URI, byte[]> served, URI location, BufferAllocator allocator)
            throws IOException {
        byte[] bytes = served.get(location);
        if (bytes == null) {
            throw new ConnectException("Connection refused: " + location);
        }
        return source(new ArrowStreamReader(new ByteArrayInputStream(bytes), allocator));
    }

    private static PartitionFetch.Source source(ArrowReader reader) {
        return new PartitionFetch.Source() {
            @Override
            public ArrowReader reader() {
                return reader;
            }

            @Override
            public void close() throws IOException {
                reader.close();
            }
        };
    }

    /** A stream of {@code count} batches of one id each, from {@code first}. */
    private static byte[] ids(long first, int count) {
        Schema schema = new Schema(List.of(Field.notNullable("id", new ArrowType.Int(64, true))));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (BufferAllocator allocator = new RootAllocator();
                VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator);
                ArrowStreamWriter writer = new ArrowStreamWriter(root, null, out)) {
            BigIntVector id = (BigIntVector) root.getVector("id");
            for (int i = 0; i < count; i++) {
                id.allocateNew(1);
                id.set(0, first + i);
                root.setRowCount(1);
                writer.writeBatch();
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toByteArray();
    }
}

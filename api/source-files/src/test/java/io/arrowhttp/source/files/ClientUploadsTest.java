package io.arrowhttp.source.files;

import static io.arrowhttp.source.files.ArrowFileStoreTest.stream;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.arrowhttp.client.ArrowHttpClient;
import io.arrowhttp.client.Compression;
import io.arrowhttp.client.DatasetStream;
import io.arrowhttp.client.GetOptions;
import io.arrowhttp.client.UploadListener;
import io.arrowhttp.client.UploadOptions;
import io.arrowhttp.protocol.ArrowHttpException;
import io.arrowhttp.protocol.ErrorCode;
import io.arrowhttp.protocol.UploadResult;
import io.arrowhttp.server.auth.WritePermission;
import io.arrowhttp.testing.TestServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The Java client's uploads: streamed from an Arrow reader, compressed either way, heard and cancelled. */
class ClientUploadsTest {

    @TempDir
    static Path temporary;

    private static TestServer server;
    private static BufferAllocator allocator;
    private static ArrowHttpClient client;

    @BeforeAll
    static void start() {
        allocator = new RootAllocator();
        server = TestServer.withFeature(
                builder -> builder.uploads(new ArrowFileStore(temporary.resolve("uploads")), WritePermission.anyone()));
        client = ArrowHttpClient.builder(server.uri("/"))
                .readTimeout(Duration.ofSeconds(20))
                .build();
    }

    @AfterAll
    static void stop() {
        client.close();
        server.close();
        allocator.close();
    }

    @ParameterizedTest
    @EnumSource(Compression.class)
    void everyCompressionUploadsTheSameValues(Compression compression) throws IOException {
        String name = "packed-" + compression.option();
        List<Long> heard = new ArrayList<>();
        UploadResult put;
        try (ArrowStreamReader batches = reader(0, 4, 5000)) {
            put = client.put(
                    name,
                    batches,
                    UploadOptions.defaults()
                            .compression(compression)
                            .description("Packed with " + compression.option())
                            .metadata(Map.of("owner", "etl"))
                            .listener((rows, count, bytes) -> heard.add(rows)));
        }
        assertEquals(20_000, put.rows());
        assertEquals(List.of(5000L, 10_000L, 15_000L, 20_000L), heard);
        assertEquals("Packed with " + compression.option(), put.dataset().description());
        try (ArrowStreamReader more = reader(20_000, 1, 100)) {
            assertEquals(
                    100, client.append(name, more, UploadOptions.defaults()).rows());
        }
        assertEquals(20_100, ids(name).size());
        assertEquals(20_099L, ids(name).get(20_099));
    }

    @Test
    void aCancelledUploadLeavesTheDatasetAsItWas() throws IOException {
        try (ArrowStreamReader batches = reader(0, 1, 10)) {
            client.put("cancelled", batches, UploadOptions.defaults());
        }
        UploadListener cancelAfterTwo = new UploadListener() {
            private long sent;

            @Override
            public void onBatch(long rows, long batches, long bytes) {
                sent = batches;
            }

            @Override
            public boolean isCancelled() {
                return sent >= 2;
            }
        };
        try (ArrowStreamReader batches = reader(100, 5, 1000)) {
            ArrowHttpException cancelled = assertThrows(
                    ArrowHttpException.class,
                    () -> client.put(
                            "cancelled", batches, UploadOptions.defaults().listener(cancelAfterTwo)));
            assertEquals(ErrorCode.CANCELLED, cancelled.code());
        }
        assertEquals(10, ids("cancelled").size());
    }

    @Test
    void aRefusedUploadComesBackWithTheServersCode() throws IOException {
        try (ArrowStreamReader batches = reader(0, 1, 10)) {
            ArrowHttpException refused = assertThrows(
                    ArrowHttpException.class, () -> client.append("nothing-here", batches, UploadOptions.defaults()));
            assertEquals(ErrorCode.NOT_FOUND, refused.code());
        }
    }

    @Test
    void aParallelFetchHandsOverEveryPartitionInOrder() throws IOException {
        try (ArrowStreamReader batches = reader(0, 2, 1000)) {
            client.put("parallel", batches, UploadOptions.defaults());
        }
        for (long first = 2000; first < 8000; first += 2000) {
            try (ArrowStreamReader batches = reader(first, 4, 500)) {
                client.append("parallel", batches, UploadOptions.defaults());
            }
        }
        List<Long> ids = new ArrayList<>();
        List<Integer> endpoints = new ArrayList<>();
        ArrowHttpClient.PartitionTotals totals;
        try (BufferAllocator fetching = new RootAllocator()) {
            totals = client.fetchPartitions("parallel", GetOptions.defaults(), 2, fetching, (endpoint, batch) -> {
                endpoints.add(endpoint);
                BigIntVector id = (BigIntVector) batch.getVector("id");
                for (int i = 0; i < batch.getRowCount(); i++) {
                    ids.add(id.get(i));
                }
            });
        }
        assertEquals(4, totals.endpoints());
        assertEquals(8000, totals.rows());
        assertEquals(LongStream.range(0, 8000).boxed().toList(), ids);
        assertEquals(List.of(0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3), endpoints);
    }

    @Test
    void aConsumerThatFailsStopsEveryStreamAndHoldsNoMemory() throws IOException {
        for (int part = 0; part < 3; part++) {
            try (ArrowStreamReader batches = reader(part * 30_000L, 6, 5000)) {
                if (part == 0) {
                    client.put("stopped", batches, UploadOptions.defaults());
                } else {
                    client.append("stopped", batches, UploadOptions.defaults());
                }
            }
        }
        try (BufferAllocator fetching = new RootAllocator()) {
            IOException stop = new IOException("enough");
            IOException thrown = assertThrows(
                    IOException.class,
                    () -> client.fetchPartitions("stopped", GetOptions.defaults(), 3, fetching, (endpoint, batch) -> {
                        throw stop;
                    }));
            assertEquals(stop, thrown);
            assertEquals(0, fetching.getAllocatedMemory());
        }
    }

    private static ArrowStreamReader reader(long first, int batches, int rows) throws IOException {
        return new ArrowStreamReader(new ByteArrayInputStream(stream(first, batches, rows, null)), allocator);
    }

    private static List<Long> ids(String name) throws IOException {
        List<Long> ids = new ArrayList<>();
        try (DatasetStream stream = client.get(name, GetOptions.defaults(), allocator)) {
            while (stream.reader().loadNextBatch()) {
                BigIntVector id =
                        (BigIntVector) stream.reader().getVectorSchemaRoot().getVector("id");
                for (int i = 0; i < id.getValueCount(); i++) {
                    ids.add(id.get(i));
                }
            }
        }
        return ids;
    }
}

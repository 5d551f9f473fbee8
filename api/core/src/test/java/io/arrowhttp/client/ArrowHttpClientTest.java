package io.arrowhttp.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.arrowhttp.protocol.ArrowHttpException;
import io.arrowhttp.protocol.DatasetInfo;
import io.arrowhttp.protocol.ErrorCode;
import io.arrowhttp.protocol.StreamStatus;
import io.arrowhttp.server.ArrowHttpFeature;
import io.arrowhttp.testing.PacedDataset;
import io.arrowhttp.testing.ScriptedDataset;
import io.arrowhttp.testing.ServerStatus;
import io.arrowhttp.testing.TestServer;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.glassfish.jersey.server.ResourceConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Java client against a real server on 127.0.0.1. */
class ArrowHttpClientTest {

    private static final CountDownLatch RELEASE_HELD = new CountDownLatch(1);

    private static BufferAllocator serverAllocator;
    private static TestServer server;
    private static ScriptedDataset held;
    private static ArrowHttpClient client;
    private BufferAllocator allocator;

    @BeforeAll
    static void start() {
        serverAllocator = new RootAllocator();
        held = ScriptedDataset.holding("held", 3, 10, 1, RELEASE_HELD);
        server = TestServer.start(new ResourceConfig()
                .register(ArrowHttpFeature.builder(serverAllocator)
                        .dataset(ScriptedDataset.of("small", 4, 1000))
                        .dataset(ScriptedDataset.failing("failing", 10, 1000, 2))
                        .dataset(ScriptedDataset.of("large", 5000, 10_000))
                        .dataset(new PacedDataset("paced", 100, 200))
                        .dataset(held)
                        .statusEndpoint()
                        .build()));
        client = ArrowHttpClient.builder(server.uri("/"))
                .connectTimeout(Duration.ofSeconds(5))
                .readTimeout(Duration.ofSeconds(30))
                .build();
    }

    @AfterAll
    static void stop() {
        RELEASE_HELD.countDown();
        client.close();
        server.close();
        assertEquals(0, serverAllocator.getAllocatedMemory(), "server-side Arrow memory leaked");
        serverAllocator.close();
    }

    @BeforeEach
    void createAllocator() {
        allocator = new RootAllocator();
    }

    @AfterEach
    void clientReleasedEverything() {
        assertEquals(0, allocator.getAllocatedMemory(), "client-side Arrow memory leaked");
        allocator.close();
    }

    @Test
    void readsTheCatalog() throws IOException {
        List<DatasetInfo> datasets = client.listDatasets();
        assertEquals(
                List.of("small", "failing", "large", "paced", "held"),
                datasets.stream().map(DatasetInfo::name).toList());
        DatasetInfo small = client.info("small");
        assertEquals("numbered rows for tests", small.description());
        assertNull(small.totalRecords());
        assertEquals(
                server.uri("/datasets/small"),
                small.endpoints().get(0).locations().get(0));
        assertEquals(ScriptedDataset.SCHEMA, small.schema());
        assertEquals(ScriptedDataset.SCHEMA, client.schema("small"));
    }

    @Test
    void decodesBatchesWhileTheServerStillProducesThem() {
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            try (DatasetStream stream = client.get("held", GetOptions.defaults().footnotes(), allocator)) {
                assertEquals(3, stream.metadata().get("batches").asInt());
                ArrowStreamReader reader = stream.reader();
                assertTrue(reader.loadNextBatch());
                assertEquals(1, held.produced() % 3, "only the first batch exists on the server yet");
                RELEASE_HELD.countDown();
                assertTrue(reader.loadNextBatch());
                assertTrue(reader.loadNextBatch());
                assertFalse(reader.loadNextBatch());
                assertTrue(stream.footnotes().orElseThrow().contains("3 Arrow record batch(es) with 30 rows"));
            }
        });
    }

    @Test
    void readsEveryValueThenTheStatus() throws IOException {
        try (DatasetStream stream = client.get("small", GetOptions.defaults().status(), allocator)) {
            long expected = 0;
            while (stream.reader().loadNextBatch()) {
                BigIntVector n =
                        (BigIntVector) stream.reader().getVectorSchemaRoot().getVector(0);
                for (int i = 0; i < n.getValueCount(); i++) {
                    assertEquals(expected++, n.get(i));
                }
            }
            assertEquals(4000, expected);
            StreamStatus status = stream.status().orElseThrow();
            assertEquals("OK", status.code());
            assertEquals(4000, status.rows());
        }
    }

    @Test
    void aRefusalIsAnArrowHttpExceptionWithTheServersCode() {
        ArrowHttpException notFound =
                assertThrows(ArrowHttpException.class, () -> client.get("nothing", GetOptions.defaults(), allocator));
        assertEquals(ErrorCode.NOT_FOUND, notFound.code());
        assertTrue(notFound.getMessage().contains("small"), notFound.getMessage());
        assertEquals(
                ErrorCode.NOT_FOUND,
                assertThrows(ArrowHttpException.class, () -> client.info("nothing"))
                        .code());
    }

    @Test
    void aFailureReportedInTheStatusPartCarriesItsCode() throws IOException {
        try (DatasetStream stream = client.get("failing", GetOptions.defaults().status(), allocator)) {
            assertTrue(stream.reader().loadNextBatch());
            assertTrue(stream.reader().loadNextBatch());
            IOException failure =
                    assertThrows(IOException.class, () -> stream.reader().loadNextBatch());
            ArrowHttpException cause = assertInstanceOf(ArrowHttpException.class, failure.getCause());
            assertEquals(ErrorCode.INTERNAL, cause.code());
            assertTrue(cause.getMessage().contains("error id"), cause.getMessage());
        }
    }

    @Test
    void aResponseCutShortIsNeverAQuietEndOfData() throws IOException {
        try (DatasetStream stream = client.get("failing", GetOptions.defaults(), allocator)) {
            IOException failure = assertThrows(IOException.class, () -> {
                while (stream.reader().loadNextBatch()) {
                    assertTrue(stream.reader().getVectorSchemaRoot().getRowCount() > 0);
                }
            });
            assertEquals(
                    ErrorCode.UNAVAILABLE,
                    assertInstanceOf(ArrowHttpException.class, failure.getCause())
                            .code());
        }
    }

    @Test
    void cancellingEndsTheTransferAndTheServerFreesTheResponse() throws Exception {
        long cancelledBefore = serverStatus().get("cancelledStreams").asLong();
        for (int i = 0; i < 10; i++) {
            try (DatasetStream stream = client.get("large", GetOptions.defaults(), allocator)) {
                assertTrue(stream.reader().loadNextBatch());
                stream.cancel();
                assertThrows(IOException.class, () -> {
                    while (stream.reader().loadNextBatch()) {
                        assertTrue(stream.reader().getVectorSchemaRoot().getRowCount() > 0);
                    }
                });
            }
        }
        JsonNode status = ServerStatus.awaitIdle(server.uri("/status"));
        assertEquals(0, status.get("allocatedBytes").asLong(), status.toString());
        assertEquals(cancelledBefore + 10, status.get("cancelledStreams").asLong(), status.toString());
    }

    @Test
    void closingWithoutReadingEndsTheTransfer() throws IOException {
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            DatasetStream stream = client.get("large", GetOptions.defaults(), allocator);
            stream.close();
        });
    }

    @Test
    void aDeadlineEndsASlowStreamAsTimedOut() throws IOException {
        try (DatasetStream stream =
                client.get("paced", GetOptions.defaults().status().timeout(Duration.ofMillis(500)), allocator)) {
            IOException failure = assertThrows(IOException.class, () -> {
                while (stream.reader().loadNextBatch()) {
                    assertTrue(stream.reader().getVectorSchemaRoot().getRowCount() > 0);
                }
            });
            assertEquals(
                    ErrorCode.TIMED_OUT,
                    assertInstanceOf(ArrowHttpException.class, failure.getCause())
                            .code());
        }
    }

    private static JsonNode serverStatus() throws IOException {
        return ServerStatus.read(server.uri("/status"));
    }
}

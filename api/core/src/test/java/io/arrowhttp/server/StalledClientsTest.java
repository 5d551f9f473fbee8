package io.arrowhttp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.arrowhttp.testing.ScriptedDataset;
import io.arrowhttp.testing.ServerStatus;
import io.arrowhttp.testing.StalledClient;
import io.arrowhttp.testing.TestServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Clients that stop reading: their responses end after the write timeout, freeing thread and memory. */
class StalledClientsTest {

    private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(1);

    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.withFeature(feature -> feature
                // 200,000 batches of 80 KB: far more than any socket buffer holds.
                .dataset(ScriptedDataset.of("endless", 200_000, 10_000))
                .writeTimeout(WRITE_TIMEOUT)
                .statusEndpoint());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void aClientThatStopsReadingIsEndedAfterTheWriteTimeoutAndItsMemoryFreed() throws Exception {
        long cancelledBefore =
                ServerStatus.read(server.uri("/status")).get("cancelledStreams").asLong();
        List<StalledClient> stalled = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                StalledClient client = StalledClient.request(server.port(), "/datasets/endless");
                stalled.add(client);
                assertTrue(client.isOk(), client.head());
            }
            JsonNode busy = ServerStatus.read(server.uri("/status"));
            assertEquals(3, busy.get("activeStreams").asLong(), busy.toString());
            assertTrue(busy.get("allocatedBytes").asLong() > 0);

            // The clients still hold their connections open: only the write timeout can end these.
            JsonNode idle = ServerStatus.awaitIdle(server.uri("/status"));
            assertEquals(0, idle.get("activeStreams").asLong(), idle.toString());
            assertEquals(0, idle.get("allocatedBytes").asLong(), idle.toString());
            assertEquals(cancelledBefore + 3, idle.get("cancelledStreams").asLong(), idle.toString());
        } finally {
            for (StalledClient client : stalled) {
                client.close();
            }
        }
    }
}

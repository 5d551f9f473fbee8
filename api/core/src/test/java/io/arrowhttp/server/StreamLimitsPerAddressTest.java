package io.arrowhttp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.arrowhttp.testing.RawHttp;
import io.arrowhttp.testing.ScriptedDataset;
import io.arrowhttp.testing.ServerStatus;
import io.arrowhttp.testing.StalledClient;
import io.arrowhttp.testing.TestServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One client address cannot take every stream: clients that open streams and read nothing get
 * {@code 429} once their address has its share, while other addresses (another loopback address,
 * or another client named by a trusted proxy) still get streams.
 */
class StreamLimitsPerAddressTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** One, as the test server has few worker threads (2 per core) and every stalled stream holds one. */
    private static final int PER_ADDRESS = 1;

    private static final String HOSTILE = "127.0.0.1";
    private static final String OTHER = "127.0.0.2";
    private static final String PROXY = "127.0.0.3";

    private static TestServer server;
    private static ScriptedDataset endless;
    private final List<StalledClient> stalled = new ArrayList<>();

    @BeforeAll
    static void start() {
        endless = ScriptedDataset.of("endless", 200_000, 10_000);
        server = TestServer.withFeature(feature -> feature.dataset(endless)
                .dataset(ScriptedDataset.of("small", 3, 100))
                .maxConcurrentStreams(3)
                .maxConcurrentStreamsPerAddress(PER_ADDRESS)
                .trustedProxies(List.of(PROXY))
                .statusEndpoint());
    }

    @AfterEach
    void releaseStalledClients() throws Exception {
        for (StalledClient client : stalled) {
            client.close();
        }
        stalled.clear();
        JsonNode idle = ServerStatus.awaitIdle(server.uri("/status"), Map.of());
        assertEquals(0, idle.get("activeStreams").asLong(), idle.toString());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void manyStalledReadersFromOneAddressGet429WhileAnotherAddressStillReads() throws Exception {
        for (int i = 0; i < PER_ADDRESS; i++) {
            assertTrue(stall(HOSTILE, "").isOk());
        }
        int opened = endless.opened();
        for (int i = 0; i < 8; i++) {
            StalledClient refused = stall(HOSTILE, "");
            assertTrue(refused.head().startsWith("HTTP/1.1 429"), refused.head());
            assertTrue(refused.head().contains("Retry-After: 2"), refused.head());
            assertTrue(refused.head().contains("application/problem+json"), refused.head());
        }
        RawHttp.Exchange problem =
                RawHttp.sendFrom(HOSTILE, server.port(), "GET", "/datasets/endless", "1.1", Map.of());
        assertEquals("HTTP/1.1 429 Too Many Requests", problem.statusLine());
        JsonNode body = JSON.readTree(problem.body());
        assertEquals("RESOURCE_EXHAUSTED", body.get("code").asText());
        assertTrue(body.get("detail").asText().contains("as one address may (" + PER_ADDRESS + ")"), body.toString());
        assertEquals(opened, endless.opened(), "nothing was produced for the refused calls");

        RawHttp.Exchange other = RawHttp.sendFrom(OTHER, server.port(), "GET", "/datasets/small", "1.1", Map.of());
        assertTrue(other.statusLine().startsWith("HTTP/1.1 200"), other.statusLine());
        assertTrue(other.endedProperly(), "the other address read its whole stream");
        StalledClient reading = stall(OTHER, "");
        assertTrue(reading.isOk(), reading.head());
    }

    @Test
    void aStreamThatEndsGivesItsAddressItsPlaceBack() throws Exception {
        List<StalledClient> mine = new ArrayList<>();
        for (int i = 0; i < PER_ADDRESS; i++) {
            mine.add(stall(HOSTILE, ""));
        }
        assertTrue(stall(HOSTILE, "").head().startsWith("HTTP/1.1 429"));
        mine.get(0).close();
        JsonNode status = awaitActiveStreams(PER_ADDRESS - 1);
        assertEquals(PER_ADDRESS - 1, status.get("activeStreams").asLong(), status.toString());
        assertTrue(stall(HOSTILE, "").isOk());
    }

    @Test
    void behindATrustedProxyTheForwardedAddressIsCountedAndForgedHeadersFromOthersAreNot() throws Exception {
        for (int i = 0; i < PER_ADDRESS; i++) {
            assertTrue(stall(PROXY, "X-Forwarded-For: 198.51.100.7\r\n").isOk());
        }
        assertTrue(stall(PROXY, "X-Forwarded-For: 198.51.100.7\r\n").head().startsWith("HTTP/1.1 429"));
        assertTrue(stall(PROXY, "X-Forwarded-For: 198.51.100.8\r\n").isOk(), "another client behind the proxy");

        // A client that is not a trusted proxy cannot escape its share by naming others.
        for (int i = 0; i < PER_ADDRESS; i++) {
            assertTrue(
                    stall(HOSTILE, "X-Forwarded-For: 203.0.113." + i + "\r\n").isOk());
        }
        assertTrue(stall(HOSTILE, "X-Forwarded-For: 203.0.113.99\r\n").head().startsWith("HTTP/1.1 429"));
    }

    private StalledClient stall(String from, String headerLines) throws Exception {
        StalledClient client = StalledClient.requestFrom(from, server.port(), "/datasets/endless", headerLines);
        stalled.add(client);
        return client;
    }

    private static JsonNode awaitActiveStreams(long expected) throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        JsonNode status;
        do {
            status = JSON.readTree(RawHttp.get(server.port(), "/status", "1.1").body());
            if (status.get("activeStreams").asLong() == expected) {
                return status;
            }
            Thread.sleep(20);
        } while (System.nanoTime() < deadline);
        return status;
    }
}

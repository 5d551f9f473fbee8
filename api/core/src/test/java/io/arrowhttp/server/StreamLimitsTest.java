package io.arrowhttp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.arrowhttp.server.auth.TokenAuthenticator;
import io.arrowhttp.testing.RawHttp;
import io.arrowhttp.testing.ScriptedDataset;
import io.arrowhttp.testing.ServerStatus;
import io.arrowhttp.testing.StalledClient;
import io.arrowhttp.testing.TestServer;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Bounds on concurrent streams: beyond the total a request is refused with 503, beyond one
 * caller's share with 429, both with Retry-After and before anything is produced.
 */
class StreamLimitsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ALICE = "alice-token-0123456789-0123456789-0123456789";
    private static final String BOB = "bob-token-0123456789-0123456789-0123456789-01";

    private static TestServer server;
    private static ScriptedDataset endless;
    private final List<StalledClient> stalled = new ArrayList<>();

    @BeforeAll
    static void start() {
        endless = ScriptedDataset.of("endless", 200_000, 10_000);
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        server = TestServer.withFeature(feature -> feature.dataset(endless)
                .dataset(ScriptedDataset.of("small", 3, 100))
                .maxConcurrentStreams(3)
                .maxConcurrentStreamsPerCaller(2)
                .maxConcurrentStreamsPerAddress(0)
                .authentication(TokenAuthenticator.builder(key)
                        .apiTokens(Map.of("alice", ALICE, "bob", BOB))
                        .allowInsecureHttp()
                        .build())
                .statusEndpoint());
    }

    @AfterEach
    void releaseStalledClients() throws Exception {
        for (StalledClient client : stalled) {
            client.close();
        }
        stalled.clear();
        JsonNode idle = ServerStatus.awaitIdle(server.uri("/status"), bearer(ALICE));
        assertEquals(0, idle.get("activeStreams").asLong(), idle.toString());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void oneCallerBeyondItsShareIsRefusedWith429WhileOthersAreServed() throws Exception {
        stall(ALICE);
        stall(ALICE);
        int opened = endless.opened();
        RawHttp.Exchange refused = get(ALICE);
        assertTrue(refused.statusLine().startsWith("HTTP/1.1 429"), refused.statusLine());
        assertProblemWithRetryAfter(refused, "RESOURCE_EXHAUSTED");
        assertEquals(opened, endless.opened(), "nothing was produced for the refused call");

        StalledClient bob = stall(BOB);
        assertTrue(bob.isOk(), bob.head());
    }

    @Test
    void beyondTheTotalEveryoneIsRefusedWith503() throws Exception {
        stall(ALICE);
        stall(ALICE);
        stall(BOB);
        RawHttp.Exchange refused = get(BOB);
        assertTrue(refused.statusLine().startsWith("HTTP/1.1 503"), refused.statusLine());
        assertProblemWithRetryAfter(refused, "UNAVAILABLE");
    }

    @Test
    void aFinishedStreamGivesItsPlaceBack() throws Exception {
        for (int i = 0; i < 5; i++) {
            RawHttp.Exchange small = RawHttp.send(server.port(), "GET", "/datasets/small", "1.1", bearer(ALICE));
            assertTrue(small.statusLine().startsWith("HTTP/1.1 200"), small.statusLine());
        }
    }

    private static StalledClient stallOf(String token) throws Exception {
        return StalledClient.request(server.port(), "/datasets/endless", "Authorization: Bearer " + token + "\r\n");
    }

    private StalledClient stall(String token) throws Exception {
        StalledClient client = stallOf(token);
        stalled.add(client);
        assertTrue(client.isOk(), client.head());
        return client;
    }

    private static RawHttp.Exchange get(String token) throws Exception {
        return RawHttp.send(server.port(), "GET", "/datasets/endless", "1.1", bearer(token));
    }

    private static Map<String, String> bearer(String token) {
        return Map.of("Authorization", "Bearer " + token);
    }

    private static void assertProblemWithRetryAfter(RawHttp.Exchange refused, String code) throws Exception {
        assertEquals("application/problem+json", refused.header("Content-Type"));
        assertEquals("2", refused.header("Retry-After"));
        assertEquals(code, JSON.readTree(refused.body()).get("code").asText());
    }
}

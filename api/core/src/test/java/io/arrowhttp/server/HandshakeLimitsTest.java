package io.arrowhttp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.arrowhttp.testing.LogCapture;
import io.arrowhttp.testing.RawHttp;
import io.arrowhttp.testing.ScriptedDataset;
import io.arrowhttp.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A flood of wrong passwords for one user from one client is cut off early, with a 429, and logged once. */
class HandshakeLimitsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.withUser("alice", "alice-password", ScriptedDataset.of("small", 2, 10));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void wrongPasswordsForAUserFromOneAddressAreRefusedWith429AfterTenAndLoggedOnce() throws Exception {
        try (LogCapture log = LogCapture.of("io.arrowhttp")) {
            for (int i = 0; i < 10; i++) {
                RawHttp.Exchange wrong = handshake("alice", "guess-" + i);
                assertTrue(wrong.statusLine().startsWith("HTTP/1.1 401"), wrong.statusLine());
            }
            RawHttp.Exchange refused = handshake("alice", "alice-password");
            assertTrue(refused.statusLine().startsWith("HTTP/1.1 429"), refused.statusLine());
            assertEquals("application/problem+json", refused.header("Content-Type"));
            assertTrue(Long.parseLong(refused.header("Retry-After")) > 0);
            assertEquals(
                    "RESOURCE_EXHAUSTED",
                    JSON.readTree(refused.body()).get("code").asText());
            long bursts = log.messages().stream()
                    .filter(message -> message.contains("failed handshakes in 60 s for user"))
                    .count();
            assertEquals(1, bursts, String.join("\n", log.messages()));
        }
    }

    @Test
    void xForwardedForIsIgnoredWithoutTrustedProxies() throws Exception {
        for (int i = 0; i < 10; i++) {
            handshake("mallory", "guess-" + i, "203.0.113." + (i + 1));
        }
        RawHttp.Exchange refused = handshake("mallory", "guess", "203.0.113.99");
        assertTrue(refused.statusLine().startsWith("HTTP/1.1 429"), refused.statusLine());
    }

    private static RawHttp.Exchange handshake(String user, String password, String forwardedFor) throws Exception {
        String basic = Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        return RawHttp.send(
                server.port(),
                "POST",
                "/auth/handshake",
                "1.1",
                Map.of("Authorization", "Basic " + basic, "X-Forwarded-For", forwardedFor));
    }

    private static RawHttp.Exchange handshake(String user, String password) throws Exception {
        String basic = Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        return RawHttp.send(server.port(), "POST", "/auth/handshake", "1.1", Map.of("Authorization", "Basic " + basic));
    }
}

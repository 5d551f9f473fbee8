package io.arrowhttp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.arrowhttp.protocol.HeaderNames;
import io.arrowhttp.testing.RawHttp;
import io.arrowhttp.testing.ScriptedDataset;
import io.arrowhttp.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A refused handshake challenges for Basic credentials, except when a page's script sent it: there
 * the browser would answer a Basic challenge with its own password dialog over the page.
 */
class HandshakeChallengeTest {

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
    void aWrongPasswordFromAProgramIsChallengedForBasicCredentials() throws Exception {
        RawHttp.Exchange refused = wrongPassword(null);
        assertTrue(refused.statusLine().startsWith("HTTP/1.1 401"), refused.statusLine());
        assertEquals(HeaderNames.BASIC_CHALLENGE, refused.header("WWW-Authenticate"));
        assertEquals(HeaderNames.BASIC_CHALLENGE, wrongPassword("navigate").header("WWW-Authenticate"));
    }

    @Test
    void aWrongPasswordFromAPageScriptIsRefusedWithoutTheBasicChallengeThatOpensTheBrowsersDialog() throws Exception {
        RawHttp.Exchange refused = wrongPassword("cors");
        assertTrue(refused.statusLine().startsWith("HTTP/1.1 401"), refused.statusLine());
        assertEquals(HeaderNames.BEARER_CHALLENGE, refused.header("WWW-Authenticate"));
        assertEquals("application/problem+json", refused.header("Content-Type"));
    }

    private static RawHttp.Exchange wrongPassword(String fetchMode) throws Exception {
        String basic = Base64.getEncoder().encodeToString("alice:guess".getBytes(StandardCharsets.UTF_8));
        Map<String, String> headers = new HashMap<>(Map.of("Authorization", "Basic " + basic));
        if (fetchMode != null) {
            headers.put(HeaderNames.SEC_FETCH_MODE, fetchMode);
        }
        return RawHttp.send(server.port(), "POST", "/auth/handshake", "1.1", headers);
    }
}

package io.arrowhttp.server;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.arrowhttp.testing.LogCapture;
import io.arrowhttp.testing.RawHttp;
import io.arrowhttp.testing.ScriptedDataset;
import io.arrowhttp.testing.TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Whatever a client puts in a request, no log line of the server can be forged from it: control
 * characters arrive as escapes and every value is bounded in length.
 */
class LogForgingTest {

    // No slash: the forged path stays one segment, so it reaches the authentication filter.
    private static final String FORGED_LINE = "2026-12-01 13:46:00 INFO io.arrowhttp.access: GET tickers 200";
    private static final int LONGEST_LINE = 2_000;

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
    void aNewlineInThePathCannotForgeALine() throws IOException {
        for (String forging : List.of("%0a", "%0d", "%1b%5b2J", "%00", "%e2%80%a8")) {
            String path = "/datasets/x" + forging + FORGED_LINE.replace(" ", "%20");
            assertNoForgedLine(() -> RawHttp.get(server.port(), path, "1.1"));
        }
    }

    @Test
    void aNewlineInTheHandshakeUserCannotForgeALine() throws IOException {
        String basic = Base64.getEncoder()
                .encodeToString(("eve\n" + FORGED_LINE + "\u001b[2J\u0000:wrong").getBytes(StandardCharsets.UTF_8));
        assertNoForgedLine(() -> RawHttp.send(
                server.port(), "POST", "/auth/handshake", "1.1", Map.of("Authorization", "Basic " + basic)));
    }

    @Test
    void aForgedOrHugeMethodCannotForgeOrFloodALine() throws IOException {
        for (String method : List.of("FAKE\rLINE", "GET\u001b[2J", "G\u0000T", "X".repeat(5_000))) {
            assertNoForgedLine(() -> rawRequest(method + " /datasets HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
        }
    }

    @Test
    void aLongPathIsCutInTheLog() throws IOException {
        assertNoForgedLine(() -> RawHttp.get(server.port(), "/datasets/" + "y".repeat(20_000), "1.1"));
    }

    @Test
    void secretsSentInTheQueryStringNeverReachTheLog() throws IOException {
        String secret = "s3cr3t-value-0123456789";
        try (LogCapture log = LogCapture.of("io.arrowhttp")) {
            RawHttp.get(
                    server.port(),
                    "/datasets/x?limit=5&token=" + secret + "&access_token=" + secret + "&x_api_key=" + secret,
                    "1.1");
            awaitAnyMessage(log);
            String all = String.join("\n", log.messages());
            assertFalse(all.contains(secret), all);
            assertTrue(all.contains("limit=5&token=REDACTED&access_token=REDACTED&x_api_key=REDACTED"), all);
        }
    }

    private static void assertNoForgedLine(Request request) throws IOException {
        try (LogCapture log = LogCapture.of("io.arrowhttp")) {
            request.send();
            // The access log line is written when the request ends, after the response.
            awaitAnyMessage(log);
            for (String message : log.messages()) {
                assertFalse(message.chars().anyMatch(Character::isISOControl), "control character in: " + message);
                assertTrue(message.length() < LONGEST_LINE, "a line of " + message.length() + " characters");
            }
        }
    }

    private static void awaitAnyMessage(LogCapture log) throws IOException {
        long deadline = System.nanoTime() + 2_000_000_000L;
        while (log.messages().isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
        }
    }

    /** Sends bytes as they are and reads whatever comes back, or nothing if the server closes. */
    private static void rawRequest(String request) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 5_000);
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.shutdownOutput();
            try (InputStream in = socket.getInputStream()) {
                in.readAllBytes();
            } catch (IOException closedOrReset) {
                // What the server answers to a broken request is not the point here.
            }
        }
    }

    @FunctionalInterface
    private interface Request {
        void send() throws IOException;
    }
}

package io.arrowhttp.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.arrowhttp.app.ServerSettings;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Requests the application never sees, refused by Jersey's container or Grizzly's HTTP parser,
 * are answered like every other refusal: a problem body with its code and a request id, one
 * access-log line, and never a stack trace or the input echoed in HTML.
 */
class MalformedRequestsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static StandaloneServer server;

    @BeforeAll
    static void start() throws IOException {
        // As the server's main does: what Grizzly logs through java.util.logging goes to Logback.
        LogSetup.configure(new String[0]);
        server = StandaloneServer.start("127.0.0.1", 0, ServerSettings.defaults());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void everyRefusalIsAProblemWithARequestIdAndAnAccessLogLine() throws Exception {
        List<Case> cases = List.of(
                new Case("GET /datasets/<script>alert(1)</script> HTTP/1.1\r\nHost: x\r\n\r\n", 400),
                new Case("GET /?rows=10% HTTP/1.1\r\nHost: x\r\n\r\n", 400),
                new Case("GET /datasets/" + "a".repeat(20_000) + " HTTP/1.1\r\nHost: x\r\n\r\n", 400),
                new Case("GET /status HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(20_000) + "\r\n\r\n", 400),
                new Case("GET /status HTTP/1.2\r\nHost: x\r\n\r\n", 505),
                new Case("GET /status HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello", 400),
                new Case("GET /datasets HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400),
                new Case("GET /datasets HTTP/1.1\r\nHost: a:\u001b[31mRED\u001b[0m\r\n\r\n", 400),
                new Case("GET /datasets HTTP/1.1\r\nHost: a:-1\r\n\r\n", 400),
                new Case("GET /datasets HTTP/1.1\r\nHost: a:" + "9".repeat(3_000) + "\r\n\r\n", 400),
                new Case("GET /status HTTP/1.1\r\nHost: x\r\nContent-Type: a/b;q=2\r\n\r\n", 400),
                new Case("GET /datasets HTTP/1.1\r\nHost: x\r\nContent-Type: garbage\r\n\r\n", 400),
                new Case(
                        "PUT /datasets/u HTTP/1.1\r\nHost: x\r\nContent-Type: application/vnd.apache.arrow.stream\r\n"
                                + "Content-Length: 0\r\nContent-Length: 0\r\n\r\n",
                        400),
                new Case("GET /status HTTP/1.1\r\nHost: x\r\nContent-Length: 0, 0\r\n\r\n", 400),
                new Case(
                        "GET /status HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"
                                + "24\r\nGET /metrics HTTP/1.1\r\nHost: x\r\n\r\n\r\n0\r\n\r\n",
                        400),
                new Case("GET /status HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: \"chunked\"\r\n\r\n0\r\n\r\n", 400),
                new Case(
                        "GET /status HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                                + "Transfer-Encoding: identity\r\n\r\n0\r\n\r\n",
                        400));
        for (Case refused : cases) {
            try (LogLines log = LogLines.of("io.arrowhttp.access")) {
                String response = exchange(refused.request());
                String shown = refused.request()
                        .substring(0, Math.min(60, refused.request().length()));
                assertTrue(response.startsWith("HTTP/1.1 " + refused.status()), shown + " => " + response);
                assertTrue(response.contains("Content-Type: application/problem+json"), response);
                assertTrue(response.matches("(?s).*X-Request-Id: [0-9a-f]{24}\r\n.*"), response);
                assertFalse(response.contains("<html") || response.contains("<script>"), response);
                assertFalse(
                        response.contains("at org.") || response.contains("Exception"), "a stack trace: " + response);
                JsonNode problem = JSON.readTree(response.substring(response.indexOf("\r\n\r\n") + 4));
                assertEquals(refused.status(), problem.get("status").asInt());
                awaitLine(log);
                assertEquals(1, log.messages().size(), String.join("\n", log.messages()));
                assertTrue(
                        log.messages().get(0).contains(" " + refused.status() + " "),
                        log.messages().get(0));
                String requestId = response.replaceAll("(?s).*X-Request-Id: ([0-9a-f]{24})\r\n.*", "$1");
                assertEquals(
                        requestId,
                        log.events().get(0).getMDCPropertyMap().get("requestId"),
                        "the line carries the request id for the log's pattern");
            }
        }
    }

    @Test
    void aMalformedChunkIsA400WithOneAccessLineAndNoStackTrace() throws Exception {
        String request = "PUT /datasets/chunks HTTP/1.1\r\nHost: x\r\n"
                + "Content-Type: application/vnd.apache.arrow.stream\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "zz\r\nabc\r\n";
        try (LogLines access = LogLines.of("io.arrowhttp.access");
                LogLines grizzly = LogLines.of("org.glassfish.grizzly")) {
            String response = exchange(request);
            assertTrue(response.startsWith("HTTP/1.1 400 "), response);
            assertTrue(response.contains("Content-Type: application/problem+json"), response);
            awaitLine(access);
            Thread.sleep(200); // Grizzly would log right after the answer
            assertEquals(1, access.messages().size(), String.join("\n", access.messages()));
            assertTrue(
                    grizzly.events().stream().noneMatch(event -> event.getThrowableProxy() != null),
                    "no stack trace: " + String.join("\n", grizzly.messages()));
        }
    }

    @Test
    void aRequestWithBothContentLengthAndChunkedIsRefusedAndNothingAfterItIsRead() throws Exception {
        String smuggling = "PUT /datasets/sm HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n"
                + "Transfer-Encoding: chunked\r\nContent-Type: application/vnd.apache.arrow.stream\r\n\r\n"
                + "0\r\n\r\nGET /datasets/smuggled HTTP/1.1\r\nHost: x\r\n\r\n";
        // Whole, and cut inside its head as a client may send it.
        for (int cut : new int[] {smuggling.length(), 30, 70}) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 5_000);
                socket.setSoTimeout(10_000);
                OutputStream out = socket.getOutputStream();
                out.write(smuggling.substring(0, cut).getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                if (cut < smuggling.length()) {
                    Thread.sleep(100); // usually a read of its own for the server; the answer is the same either way
                    out.write(smuggling.substring(cut).getBytes(StandardCharsets.ISO_8859_1));
                }
                String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
                assertTrue(response.startsWith("HTTP/1.1 400 "), cut + ": " + response);
                assertTrue(response.contains("Connection: close"), response);
                assertTrue(response.contains("both Transfer-Encoding and Content-Length"), response);
                assertEquals(1, response.split("HTTP/1.1 ", -1).length - 1, "one answer only: " + response);
            }
        }
    }

    @Test
    void aControlCharacterInAHeaderValueIsRefusedAndTheConnectionClosedWhileATabIsAccepted() throws Exception {
        for (String value : new String[] {"abc\u0001", "abc\u007f", "a\u0000b", "\u001b[31mred", "abc\r\r"}) {
            try (LogLines log = LogLines.of("io.arrowhttp.access")) {
                String response = exchange("GET /status HTTP/1.1\r\nHost: x\r\nX-Note: " + value
                        + "\r\nAccept: */*\r\n\r\n" + "GET /status HTTP/1.1\r\nHost: x\r\n\r\n");
                String shown =
                        value.chars().mapToObj(Integer::toHexString).toList().toString();
                assertTrue(response.startsWith("HTTP/1.1 400 "), shown + " => " + response);
                assertTrue(response.contains("Connection: close"), response);
                assertTrue(response.contains("Content-Type: application/problem+json"), response);
                assertTrue(response.contains("header X-Note holds a control character"), response);
                assertTrue(response.matches("(?s).*X-Request-Id: [0-9a-f]{24}\r\n.*"), response);
                assertEquals(1, response.split("HTTP/1.1 ", -1).length - 1, "one answer only: " + response);
                awaitLine(log);
                assertEquals(1, log.messages().size(), String.join("\n", log.messages()));
            }
        }
        String tabbed = exchange("GET /status HTTP/1.1\r\nHost: x\r\nX-Note: a\tb\t\r\nConnection: close\r\n\r\n");
        assertTrue(tabbed.startsWith("HTTP/1.1 200 "), tabbed);
    }

    @Test
    void headsAProxyCouldReadOtherwiseAreRefusedAndNothingAfterThemIsRead() throws Exception {
        String next = "GET /datasets/smuggled/info HTTP/1.1\r\nHost: x\r\n\r\n";
        Map<String, String> heads = Map.of(
                "GET /status HTTP/1.1\r\nHost: x\r\nContent-Length : " + next.length() + "\r\n\r\n" + next,
                "whitespace before its colon",
                "GET /status HTTP/1.1\r\nHost: x\r\nX-Note: a\r\n b\r\n\r\n" + next,
                "obs-fold",
                "GET /status HTTP/1.1\r\nHost: x\r\nNo colon here\r\n\r\n" + next,
                "no name and colon",
                "GET /status HTTP/1.1\nHost: x\nContent-Length: " + next.length() + "\n\n" + next,
                "a line feed alone");
        for (Map.Entry<String, String> head : heads.entrySet()) {
            String response = exchange(head.getKey());
            assertTrue(response.startsWith("HTTP/1.1 400 "), head.getValue() + ": " + response);
            assertTrue(response.contains(head.getValue()), response);
            assertTrue(response.contains("Connection: close"), response);
            assertEquals(1, response.split("HTTP/1.1 ", -1).length - 1, "one answer only: " + response);
        }
    }

    @Test
    void aSmugglingHeadPipelinedInTheSameReadAsTheRequestBeforeIsRefusedWithTheWholeRead() throws Exception {
        String smuggling = "PUT /datasets/sm HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n"
                + "Transfer-Encoding: chunked\r\nContent-Type: application/vnd.apache.arrow.stream\r\n\r\n"
                + "0\r\n\r\nGET /datasets/smuggled HTTP/1.1\r\nHost: x\r\n\r\n";
        String[] before = {
            "GET /status HTTP/1.1\r\nHost: x\r\n\r\n",
            "GET /status HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc",
        };
        for (String first : before) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 5_000);
                socket.setSoTimeout(10_000);
                socket.getOutputStream().write((first + smuggling).getBytes(StandardCharsets.ISO_8859_1));
                socket.getOutputStream().flush();
                String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
                String[] answers = response.split("(?=HTTP/1\\.1 )");
                // The read holding the smuggling head is refused before the parser sees any of it:
                // one answer, the 400, and nothing of the smuggled request.
                assertEquals(1, answers.length, "one answer only: " + response);
                assertTrue(answers[0].startsWith("HTTP/1.1 400 "), response);
                assertTrue(answers[0].contains("Connection: close"), response);
                assertTrue(answers[0].contains("both Transfer-Encoding and Content-Length"), response);
            }
        }
    }

    @Test
    void anHttp09RequestIsClosedAtOnce() throws Exception {
        long started = System.nanoTime();
        assertEquals("", exchange("GET /status\r\n"));
        assertTrue(System.nanoTime() - started < 2_000_000_000L, "closed at once, not after an idle timeout");
    }

    /** Sends bytes as they are, reads until the server closes (every case here closes). */
    private static String exchange(String request) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 5_000);
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            ByteArrayOutputStream response = new ByteArrayOutputStream();
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[8192];
            for (int n = in.read(buffer); n > 0; n = in.read(buffer)) {
                response.write(buffer, 0, n);
                String text = response.toString(StandardCharsets.ISO_8859_1);
                int end = text.indexOf("\r\n\r\n");
                if (end > 0 && text.matches("(?s).*Content-Length: (\\d+)\r\n.*")) {
                    int length = Integer.parseInt(text.replaceAll("(?s).*Content-Length: (\\d+)\r\n.*", "$1"));
                    if (text.length() >= end + 4 + length) {
                        break;
                    }
                }
            }
            return response.toString(StandardCharsets.ISO_8859_1);
        }
    }

    private static void awaitLine(LogLines log) throws InterruptedException {
        long deadline = System.nanoTime() + 2_000_000_000L;
        while (log.messages().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }

    private record Case(String request, int status) {}
}

package io.arrowhttp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.arrowhttp.dataset.DatasetRequest;
import io.arrowhttp.dataset.SourceFailures;
import io.arrowhttp.protocol.ArrowHttpException;
import io.arrowhttp.protocol.ErrorCode;
import io.arrowhttp.testing.IpcMessages;
import io.arrowhttp.testing.MultipartBody;
import io.arrowhttp.testing.PacedDataset;
import io.arrowhttp.testing.RawHttp;
import io.arrowhttp.testing.ScriptedDataset;
import io.arrowhttp.testing.ServerStatus;
import io.arrowhttp.testing.TestServer;
import io.arrowhttp.testing.ThrowingDataset;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.glassfish.jersey.server.ResourceConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The closing status part, deadlines, cancellation, the error model and GET /status. */
class CallLifecycleTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static BufferAllocator allocator;
    private static TestServer server;
    private static PacedDataset paced;

    @BeforeAll
    static void start() {
        allocator = new RootAllocator();
        paced = new PacedDataset("paced", 100, 200);
        ArrowHttpFeature.Builder builder = ArrowHttpFeature.builder(allocator)
                .dataset(ScriptedDataset.of("small", 4, 1000))
                .dataset(ScriptedDataset.failing("failing", 10, 1000, 2))
                .dataset(ScriptedDataset.failingAndUnclosable("unclosable", 10, 1000, 2))
                .dataset(ScriptedDataset.of("large", 5000, 10_000))
                .dataset(paced)
                .dataset(new ThrowingDataset("unexpected", () -> new IllegalStateException("secret internal detail")))
                .dataset(new ThrowingDataset(
                        "outage",
                        () -> SourceFailures.openFailed(
                                DatasetRequest.of(Map.of()),
                                "outage",
                                new IOException("connection to db.internal:5432 refused"))))
                .responseTimeout(Duration.ofSeconds(3))
                .statusEndpoint();
        for (ErrorCode code : ErrorCode.values()) {
            builder.dataset(new ThrowingDataset(
                    "code-" + code.name(), () -> new ArrowHttpException(code, "refused with " + code)));
        }
        server = TestServer.start(new ResourceConfig().register(builder.build()));
    }

    @AfterAll
    static void stop() {
        server.close();
        assertEquals(0, allocator.getAllocatedMemory(), "Arrow memory leaked");
        allocator.close();
    }

    /** The body of the last part, which is the status part when asked for. */
    private static JsonNode lastPart(RawHttp.Exchange exchange) throws IOException {
        String body = exchange.bodyText();
        int start = body.lastIndexOf("Content-Type: application/json\r\n\r\n")
                + "Content-Type: application/json\r\n\r\n".length();
        int end = body.indexOf("\r\n--", start);
        return JSON.readTree(end < 0 ? body.substring(start) : body.substring(start, end));
    }

    private static JsonNode status() throws IOException {
        return ServerStatus.read(server.uri("/status"));
    }

    @Test
    void statusPartReportsASuccessfulStream() throws IOException {
        RawHttp.Exchange exchange =
                RawHttp.get(server.port(), "/datasets/small?include_status&include_footnotes", "1.1");

        assertTrue(exchange.endedProperly());
        JsonNode status = lastPart(exchange);
        assertEquals("OK", status.get("code").asText());
        assertEquals(4000, status.get("rows").asLong());
        assertEquals(4, status.get("batches").asLong());
        assertTrue(status.get("bytes").asLong() > 32_000);
        String boundary = exchange.header("Content-Type").replaceAll(".*boundary=", "");
        assertTrue(exchange.bodyText().endsWith("}\r\n--" + boundary + "--\r\n"), "the status part comes last");
        assertTrue(exchange.bodyText().indexOf("Content-Type: text/plain")
                < exchange.bodyText().lastIndexOf("Content-Type: application/json"));
    }

    @Test
    void statusPartReportsAProducerFailureAndTheResponseIsStillBroken() throws IOException {
        RawHttp.Exchange exchange = RawHttp.get(server.port(), "/datasets/failing?include_status", "1.1");

        assertFalse(exchange.endedProperly(), "the response must still look broken over HTTP");
        String boundary = exchange.header("Content-Type").replaceAll(".*boundary=", "");
        assertFalse(exchange.bodyText().contains("--" + boundary + "--"));
        byte[] body = exchange.body();
        List<IpcMessages.Located> messages =
                IpcMessages.locate(body, MultipartBody.partBodyStart(body, MultipartBody.ARROW_PART_HEADER));
        assertEquals(
                2, messages.stream().filter(IpcMessages.Located::isRecordBatch).count());
        assertEquals(
                IpcMessages.FAILURE_MARKER,
                messages.get(messages.size() - 1).type(),
                "no reader of the Arrow part alone may take it for complete");
        JsonNode status = lastPart(exchange);
        assertEquals("INTERNAL", status.get("code").asText());
        assertEquals(2000, status.get("rows").asLong());
        assertTrue(status.get("errorId").asText().matches("[0-9a-f]{16}"), status.toString());
        assertFalse(status.toString().contains("scripted producer failure"), "internals stay in the log");
    }

    @Test
    void aSourceThatAlsoFailsToCloseStillEndsWithTheMarkerAndTheStatusPart() throws IOException {
        RawHttp.Exchange exchange = RawHttp.get(server.port(), "/datasets/unclosable?include_status", "1.1");

        assertFalse(exchange.endedProperly(), "the response must still look broken over HTTP");
        byte[] body = exchange.body();
        List<IpcMessages.Located> messages =
                IpcMessages.locate(body, MultipartBody.partBodyStart(body, MultipartBody.ARROW_PART_HEADER));
        assertEquals(
                IpcMessages.FAILURE_MARKER,
                messages.get(messages.size() - 1).type(),
                "the failure marker goes out though closing the source failed");
        JsonNode status = lastPart(exchange);
        assertEquals("INTERNAL", status.get("code").asText());
        assertEquals(2000, status.get("rows").asLong());
    }

    @Test
    void theServersTimeLimitEndsASlowStreamAsTimedOut() throws IOException {
        long timedOutBefore = status().get("timedOutStreams").asLong();
        RawHttp.Exchange exchange = RawHttp.get(server.port(), "/datasets/paced?include_status", "1.1");

        assertFalse(exchange.endedProperly());
        JsonNode status = lastPart(exchange);
        assertEquals("TIMED_OUT", status.get("code").asText());
        assertTrue(status.get("batches").asLong() < 100);
        assertEquals(timedOutBefore + 1, status().get("timedOutStreams").asLong());
    }

    @Test
    void theClientsDeadlineEndsASlowStreamAsTimedOut() throws IOException {
        RawHttp.Exchange exchange = rawGetWithHeader("/datasets/paced?include_status", "X-Request-Timeout: 0.5");

        JsonNode status = lastPart(exchange);
        assertEquals("TIMED_OUT", status.get("code").asText());
        // One batch every 200 ms: half a second allows about 3, the server's 3 s about 15.
        assertTrue(status.get("batches").asLong() <= 6, "the client's deadline applied, not the server's: " + status);
    }

    private static RawHttp.Exchange rawGetWithHeader(String path, String header) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(20_000);
            socket.getOutputStream()
                    .write(("GET " + path + " HTTP/1.0\r\nHost: x\r\n" + header + "\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            byte[] all = socket.getInputStream().readAllBytes();
            String text = new String(all, StandardCharsets.ISO_8859_1);
            int headersEnd = text.indexOf("\r\n\r\n") + 4;
            Map<String, String> headers = new LinkedHashMap<>();
            for (String line : text.substring(0, headersEnd).split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0) {
                    headers.put(
                            line.substring(0, colon).toLowerCase(Locale.ROOT),
                            line.substring(colon + 1).trim());
                }
            }
            return new RawHttp.Exchange(
                    text.substring(0, text.indexOf("\r\n")),
                    headers,
                    Arrays.copyOfRange(all, headersEnd, all.length),
                    List.of(),
                    false);
        }
    }

    @Test
    void aBadDeadlineHeaderIsRefused() throws IOException {
        for (String value : new String[] {"soon", "0", "-3"}) {
            HttpURLConnection connection =
                    (HttpURLConnection) server.uri("/datasets/small").toURL().openConnection();
            connection.setRequestProperty("X-Request-Timeout", value);
            assertEquals(400, connection.getResponseCode(), value);
            try (InputStream error = connection.getErrorStream()) {
                assertTrue(JSON.readTree(error).get("detail").asText().contains("X-Request-Timeout"));
            }
        }
    }

    @Test
    void aSlowProducerHearsThatTheClientWentAway() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream()
                    .write("GET /datasets/paced HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            assertTrue(in.read(new byte[4096]) > 0);
        }
        assertTrue(paced.lastCancelled().await(10, TimeUnit.SECONDS), "the producer's cancel callback ran");
    }

    @Test
    void clientsThatLeaveAfterTheFirstBatchLeaveNothingBehind() throws Exception {
        long cancelledBefore = status().get("cancelledStreams").asLong();
        for (int i = 0; i < 30; i++) {
            try (Socket socket = new Socket("127.0.0.1", server.port())) {
                socket.setSoTimeout(10_000);
                socket.getOutputStream()
                        .write("GET /datasets/large HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                assertEquals(100_000, socket.getInputStream().readNBytes(100_000).length);
            }
        }
        JsonNode status = ServerStatus.awaitIdle(server.uri("/status"));
        assertEquals(0, status.get("allocatedBytes").asLong(), status.toString());
        assertEquals(0, status.get("activeStreams").asLong(), status.toString());
        assertEquals(0, status.get("openResponseAllocators").asLong(), status.toString());
        assertEquals(cancelledBefore + 30, status.get("cancelledStreams").asLong(), status.toString());
        assertTrue(RawHttp.get(server.port(), "/datasets/small", "1.1").endedProperly(), "still serves normally");
    }

    @Test
    void everyErrorCodeHasItsStatusAndProblemBody() throws IOException {
        for (ErrorCode code : ErrorCode.values()) {
            HttpURLConnection connection = (HttpURLConnection)
                    server.uri("/datasets/code-" + code.name()).toURL().openConnection();
            assertEquals(code.httpStatus(), connection.getResponseCode(), code.name());
            assertEquals("application/problem+json", connection.getContentType(), code.name());
            try (InputStream error = connection.getErrorStream()) {
                JsonNode problem = JSON.readTree(error);
                assertEquals(code.name(), problem.get("code").asText());
                assertEquals(code.httpStatus(), problem.get("status").asInt());
                assertEquals("refused with " + code, problem.get("detail").asText());
                assertNotNull(problem.get("title"));
            }
        }
    }

    @Test
    void anUnexpectedFailureIsA500WithAnIdAndNoInternals() throws IOException {
        HttpURLConnection connection =
                (HttpURLConnection) server.uri("/datasets/unexpected").toURL().openConnection();
        assertEquals(500, connection.getResponseCode());
        try (InputStream error = connection.getErrorStream()) {
            JsonNode problem = JSON.readTree(error);
            assertEquals("INTERNAL", problem.get("code").asText());
            assertTrue(problem.get("errorId").asText().matches("[0-9a-f]{16}"));
            assertTrue(problem.get("detail")
                    .asText()
                    .contains(problem.get("errorId").asText()));
            assertFalse(problem.toString().contains("secret internal detail"));
            assertFalse(problem.toString().contains("IllegalStateException"));
        }
    }

    @Test
    void anOutageIsA503WhoseDetailQuotesTheSameIdAsItsErrorIdAndNoInternals() throws IOException {
        HttpURLConnection connection =
                (HttpURLConnection) server.uri("/datasets/outage").toURL().openConnection();
        assertEquals(503, connection.getResponseCode());
        try (InputStream error = connection.getErrorStream()) {
            JsonNode problem = JSON.readTree(error);
            assertEquals("UNAVAILABLE", problem.get("code").asText());
            String id = problem.get("errorId").asText();
            assertTrue(id.matches("[0-9a-f]{16}"), id);
            assertTrue(problem.get("detail").asText().endsWith("quoting " + id), problem.toString());
            assertFalse(problem.toString().contains("db.internal"), problem.toString());
        }
    }
}

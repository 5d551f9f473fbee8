package io.arrowhttp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.arrowhttp.protocol.ArrowMediaTypes;
import io.arrowhttp.testing.ChunkLayout;
import io.arrowhttp.testing.IpcMessages;
import io.arrowhttp.testing.MultipartBody;
import io.arrowhttp.testing.RawHttp;
import io.arrowhttp.testing.ScriptedDataset;
import io.arrowhttp.testing.TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.glassfish.jersey.server.ResourceConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What the feature puts on the wire, seen through raw sockets and a plain HTTP client. */
class StreamingOverHttpTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final CountDownLatch RELEASE_HELD = new CountDownLatch(1);

    private static BufferAllocator allocator;
    private static TestServer server;
    private static ScriptedDataset held;
    private static ScriptedDataset small;

    @BeforeAll
    static void start() {
        allocator = new RootAllocator();
        held = ScriptedDataset.holding("held", 3, 10, 1, RELEASE_HELD);
        small = ScriptedDataset.of("small", 5, 1000);
        server = TestServer.start(new ResourceConfig()
                .register(ArrowHttpFeature.builder(allocator)
                        .dataset(small)
                        .dataset(ScriptedDataset.of("tiny", 3, 2))
                        .dataset(ScriptedDataset.failing("failing", 10, 1000, 2))
                        .dataset(ScriptedDataset.of("large", 5000, 10_000))
                        .dataset(held)
                        .rootDataset("small")
                        .build())
                .register(PlainResource.class));
    }

    /** A resource of the user's own, not about Arrow. */
    @jakarta.ws.rs.Path("plain")
    public static class PlainResource {
        @jakarta.ws.rs.GET
        @jakarta.ws.rs.Produces("text/plain")
        public String get() {
            return "hello";
        }
    }

    @Test
    void otherResourcesOfTheApplicationKeepTheirContentLength() throws IOException {
        RawHttp.Exchange exchange = RawHttp.get(server.port(), "/plain", "1.1");

        assertEquals("5", exchange.header("Content-Length"));
        assertNull(exchange.header("Transfer-Encoding"));
    }

    @Test
    void anAcceptHeaderThatExcludesMultipartIsRefusedWithAProblem() throws IOException {
        HttpURLConnection connection =
                (HttpURLConnection) server.uri("/datasets/small").toURL().openConnection();
        connection.setRequestProperty("Accept", "application/json");
        assertEquals(406, connection.getResponseCode());
        assertEquals("application/problem+json", connection.getContentType());
        try (InputStream error = connection.getErrorStream()) {
            assertTrue(new String(error.readAllBytes(), StandardCharsets.UTF_8).contains("Accept header"));
        }
    }

    @AfterAll
    static void stop() {
        RELEASE_HELD.countDown();
        server.close();
        assertEquals(0, allocator.getAllocatedMemory(), "Arrow memory leaked");
        allocator.close();
    }

    @Test
    void sendsOneChunkPerRecordBatch() throws IOException {
        RawHttp.Exchange exchange = RawHttp.get(server.port(), "/datasets/small", "1.1");

        assertEquals("HTTP/1.1 200 OK", exchange.statusLine());
        assertEquals("chunked", exchange.header("Transfer-Encoding"));
        assertNull(exchange.header("Content-Length"));
        assertTrue(exchange.endedProperly());
        ChunkLayout.assertOneChunkPerBatch(exchange, 5);
    }

    @Test
    void tinyBatchesAreNotHeldBackForAContentLength() throws IOException {
        RawHttp.Exchange exchange = RawHttp.get(server.port(), "/datasets/tiny", "1.1");

        assertEquals("chunked", exchange.header("Transfer-Encoding"));
        ChunkLayout.assertOneChunkPerBatch(exchange, 3);
    }

    @Test
    void clientDecodesFirstBatchWhileTheServerHoldsTheNextOne() {
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            HttpURLConnection connection =
                    (HttpURLConnection) server.uri("/datasets/held").toURL().openConnection();
            connection.setConnectTimeout(5_000);
            connection.setReadTimeout(20_000);
            try (InputStream in = connection.getInputStream()) {
                MultipartBody.skipToPartBody(in, MultipartBody.ARROW_PART_HEADER);
                try (BufferAllocator clientAllocator = new RootAllocator();
                        ArrowStreamReader reader = new ArrowStreamReader(in, clientAllocator)) {
                    assertTrue(reader.loadNextBatch());
                    assertEquals(1, held.produced() % 3, "the server has produced only the first batch");
                    BigIntVector n = (BigIntVector) reader.getVectorSchemaRoot().getVector(0);
                    assertEquals(0, n.get(0));

                    RELEASE_HELD.countDown();
                    assertTrue(reader.loadNextBatch());
                    assertTrue(reader.loadNextBatch());
                    assertFalse(reader.loadNextBatch());
                }
            }
        });
    }

    @Test
    void producerFailureAfterTheStatusLineLeavesAVisiblyBrokenResponse() throws IOException {
        RawHttp.Exchange exchange = RawHttp.get(server.port(), "/datasets/failing", "1.1");

        assertEquals("HTTP/1.1 200 OK", exchange.statusLine());
        assertFalse(exchange.endedProperly(), "a terminating chunk was sent");
        String boundary = exchange.header("Content-Type").replaceAll(".*boundary=", "");
        assertFalse(exchange.bodyText().contains("--" + boundary + "--"), "close delimiter was sent");
        byte[] body = exchange.body();
        List<IpcMessages.Located> messages =
                IpcMessages.locate(body, MultipartBody.partBodyStart(body, MultipartBody.ARROW_PART_HEADER));
        assertEquals(
                2, messages.stream().filter(IpcMessages.Located::isRecordBatch).count());
        assertTrue(
                messages.stream().noneMatch(m -> m.type() == IpcMessages.END_OF_STREAM), "end-of-stream marker sent");
        assertEquals(
                IpcMessages.FAILURE_MARKER, messages.get(messages.size() - 1).type());
    }

    @Test
    void producerFailureIsAnErrorForAnHttpClient() {
        IOException failure = assertThrows(IOException.class, () -> {
            HttpURLConnection connection =
                    (HttpURLConnection) server.uri("/datasets/failing").toURL().openConnection();
            connection.setReadTimeout(20_000);
            try (InputStream in = connection.getInputStream()) {
                in.readAllBytes();
            }
        });
        assertTrue(failure.getMessage() != null);
    }

    @Test
    void http10ClientGetsAPlainBodyEndedByClosingTheConnection() throws IOException {
        RawHttp.Exchange exchange = RawHttp.get(server.port(), "/datasets/small", "1.0");

        assertTrue(exchange.statusLine().endsWith(" 200 OK"), exchange.statusLine());
        assertNull(exchange.header("Transfer-Encoding"));
        assertNull(exchange.header("Content-Length"));
        assertEquals("1.0", exchange.header("MIME-Version"));
        String boundary = exchange.header("Content-Type").replaceAll(".*boundary=", "");
        assertTrue(exchange.bodyText().endsWith("\r\n--" + boundary + "--\r\n"));
        byte[] body = exchange.body();
        List<IpcMessages.Located> messages =
                IpcMessages.locate(body, MultipartBody.partBodyStart(body, MultipartBody.ARROW_PART_HEADER));
        assertEquals(
                5, messages.stream().filter(IpcMessages.Located::isRecordBatch).count());
        assertEquals(-1, messages.get(messages.size() - 1).type());
    }

    @Test
    void http10ProducerFailureEndsWithoutCloseDelimiter() throws IOException {
        RawHttp.Exchange exchange = RawHttp.get(server.port(), "/datasets/failing", "1.0");

        assertNull(exchange.header("Transfer-Encoding"));
        String boundary = exchange.header("Content-Type").replaceAll(".*boundary=", "");
        assertFalse(exchange.bodyText().contains("--" + boundary + "--"));
    }

    @Test
    void clientsThatGoAwayReleaseTheirResponsesMemory() throws Exception {
        for (int i = 0; i < 20; i++) {
            try (Socket socket = new Socket("127.0.0.1", server.port())) {
                socket.setSoTimeout(10_000);
                socket.getOutputStream()
                        .write(("GET /datasets/large HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                byte[] some = socket.getInputStream().readNBytes(200_000);
                assertEquals(200_000, some.length);
            }
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while ((allocator.getAllocatedMemory() != 0
                        || !allocator.getChildAllocators().isEmpty())
                && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(0, allocator.getAllocatedMemory());
        assertTrue(allocator.getChildAllocators().isEmpty(), "response allocators left open");
        RawHttp.Exchange after = RawHttp.get(server.port(), "/datasets/small", "1.1");
        assertTrue(after.endedProperly());
    }

    @Test
    void headAnswersTheHeadersOfGetWithoutOpeningTheDataset() throws IOException {
        int opened = small.opened();
        RawHttp.Exchange get = RawHttp.get(server.port(), "/datasets/small", "1.1");
        RawHttp.Exchange head = RawHttp.send(server.port(), "HEAD", "/datasets/small", "1.1", Map.of());
        assertTrue(head.statusLine().startsWith("HTTP/1.1 200"), head.statusLine());
        assertTrue(
                head.header("Content-Type").matches("multipart/mixed;\\s*boundary=[A-Za-z0-9_-]{38}"),
                head.header("Content-Type"));
        assertEquals(get.header("MIME-Version"), head.header("MIME-Version"));
        assertEquals(get.header("Content-Length"), head.header("Content-Length"), "no length, as for GET");
        assertEquals(get.header("Transfer-Encoding"), head.header("Transfer-Encoding"));
        assertEquals(0, head.body().length);
        assertEquals(opened + 1, small.opened(), "HEAD opened no reader; GET did");

        RawHttp.Exchange arrowHead = RawHttp.send(
                server.port(), "HEAD", "/datasets/small", "1.1", Map.of("Accept", ArrowMediaTypes.ARROW_STREAM));
        assertEquals(ArrowMediaTypes.ARROW_STREAM, arrowHead.header("Content-Type"));
        RawHttp.Exchange rootHead = RawHttp.send(server.port(), "HEAD", "/", "1.1", Map.of());
        assertTrue(rootHead.statusLine().startsWith("HTTP/1.1 200"), rootHead.statusLine());
        RawHttp.Exchange unknown = RawHttp.send(server.port(), "HEAD", "/datasets/nope", "1.1", Map.of());
        assertTrue(unknown.statusLine().startsWith("HTTP/1.1 404"), unknown.statusLine());
        assertEquals(opened + 1, small.opened());
    }

    @Test
    void theBoundaryIsAlwaysTheServersOwnWhateverTheClientAsks() throws IOException {
        for (String accept : List.of(
                "multipart/mixed;boundary=\"\"",
                "multipart/mixed; boundary=" + "x".repeat(5000),
                "multipart/mixed; boundary=\"chosen by the client\"; foo=bar")) {
            RawHttp.Exchange exchange =
                    RawHttp.send(server.port(), "GET", "/datasets/small", "1.1", Map.of("Accept", accept));
            assertTrue(exchange.statusLine().startsWith("HTTP/1.1 200"), exchange.statusLine());
            assertTrue(
                    exchange.header("Content-Type").matches("multipart/mixed;\\s*boundary=[A-Za-z0-9_-]{38}"),
                    exchange.header("Content-Type"));
            String boundary = exchange.header("Content-Type").replaceAll(".*boundary=", "");
            assertTrue(exchange.bodyText().startsWith("--" + boundary + "\r\n"), accept);
        }
    }

    @Test
    void aMediaRangeWithQualityZeroIsRefused() throws IOException {
        RawHttp.Exchange refused =
                RawHttp.send(server.port(), "GET", "/datasets/small", "1.1", Map.of("Accept", "multipart/mixed;q=0"));
        assertTrue(refused.statusLine().startsWith("HTTP/1.1 406"), refused.statusLine());
        assertEquals("application/problem+json", refused.header("Content-Type"));

        RawHttp.Exchange arrow = RawHttp.send(
                server.port(),
                "GET",
                "/datasets/small",
                "1.1",
                Map.of("Accept", "multipart/mixed;q=0, application/vnd.apache.arrow.stream"));
        assertEquals(ArrowMediaTypes.ARROW_STREAM, arrow.header("Content-Type"));
    }

    @Test
    void aQualityOutOfRangeIsAMalformedAcceptHeader() throws IOException {
        for (String accept : List.of("a/b;q=2", "multipart/mixed;q=0.5555", "multipart/mixed;q=x")) {
            RawHttp.Exchange exchange =
                    RawHttp.send(server.port(), "GET", "/datasets/small", "1.1", Map.of("Accept", accept));
            assertTrue(exchange.statusLine().startsWith("HTTP/1.1 400"), accept + ": " + exchange.statusLine());
            assertEquals("application/problem+json", exchange.header("Content-Type"));
            assertEquals(
                    "INVALID_ARGUMENT",
                    JSON.readTree(exchange.body()).get("code").asText());
        }
    }

    @Test
    void rootServesTheRootDataset() throws IOException {
        RawHttp.Exchange exchange = RawHttp.get(server.port(), "/", "1.1");
        assertTrue(exchange.bodyText().contains("{\"batches\":5")
                || exchange.bodyText().contains("\"batches\":5"));
    }

    @Test
    void unknownDatasetIsANotFoundProblem() throws IOException {
        RawHttp.Exchange exchange = RawHttp.get(server.port(), "/datasets/nope", "1.1");

        assertTrue(exchange.statusLine().startsWith("HTTP/1.1 404"));
        assertEquals("application/problem+json", exchange.header("Content-Type"));
        JsonNode problem = JSON.readTree(exchange.body());
        assertEquals(404, problem.get("status").asInt());
        assertEquals("NOT_FOUND", problem.get("code").asText());
        assertTrue(problem.get("detail").asText().contains("small"), "lists the datasets there are");
    }

    @Test
    void unknownPathIsANotFoundProblem() throws IOException {
        RawHttp.Exchange exchange = RawHttp.get(server.port(), "/no/such/path", "1.1");

        assertTrue(exchange.statusLine().startsWith("HTTP/1.1 404"));
        assertEquals("application/problem+json", exchange.header("Content-Type"));
        assertEquals("NOT_FOUND", JSON.readTree(exchange.body()).get("code").asText());
    }

    @Test
    void wrongMethodIsAProblemThatSaysWhichMethodsWork() throws IOException {
        HttpURLConnection connection =
                (HttpURLConnection) server.uri("/datasets/small").toURL().openConnection();
        connection.setRequestMethod("DELETE");
        assertEquals(405, connection.getResponseCode());
        assertEquals("application/problem+json", connection.getContentType());
        assertTrue(connection.getHeaderField("Allow").contains("GET"));
        try (InputStream error = connection.getErrorStream()) {
            String text = new String(error.readAllBytes(), StandardCharsets.UTF_8);
            assertFalse(text.contains("Exception"), text);
        }
    }
}

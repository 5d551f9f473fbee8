package io.arrowhttp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.arrowhttp.client.ArrowHttpClient;
import io.arrowhttp.client.ClientMiddleware;
import io.arrowhttp.client.DatasetStream;
import io.arrowhttp.client.GetOptions;
import io.arrowhttp.protocol.ArrowHttpException;
import io.arrowhttp.protocol.ErrorCode;
import io.arrowhttp.server.middleware.CallInfo;
import io.arrowhttp.server.middleware.CallOutcome;
import io.arrowhttp.server.middleware.ServerMiddleware;
import io.arrowhttp.testing.RawHttp;
import io.arrowhttp.testing.ScriptedDataset;
import io.arrowhttp.testing.TestServer;
import jakarta.ws.rs.core.MultivaluedMap;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.glassfish.jersey.server.ResourceConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Server middleware (request ids, access log, refusal, headers, completion), CORS and client middleware. */
class MiddlewareTest {

    /** How each call ended, by its path and query: a call's completion may come after its client has read everything. */
    private static final Map<String, CallOutcome> OUTCOMES = new ConcurrentHashMap<>();

    private static final List<String> ACCESS_LOG = new CopyOnWriteArrayList<>();
    private static final Logger ACCESS_LOGGER = Logger.getLogger("io.arrowhttp.access");
    private static final Handler CAPTURE = new Handler() {
        @Override
        public void publish(LogRecord record) {
            ACCESS_LOG.add(record.getMessage());
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };

    private static BufferAllocator allocator;
    private static TestServer server;
    private static ScriptedDataset small;

    /** Adds a header, records how each call ended, and refuses calls that ask for it. */
    static final class Recording implements ServerMiddleware.Factory {
        @Override
        public ServerMiddleware onCallStarted(CallInfo call) {
            if (call.path().contains("forbidden")) {
                throw new ArrowHttpException(ErrorCode.UNAUTHORIZED, "This caller may not read that");
            }
            return new ServerMiddleware() {
                @Override
                public void onBeforeSendingHeaders(MultivaluedMap<String, Object> headers) {
                    headers.putSingle("X-Seen-By", "recording " + call.method());
                }

                @Override
                public void onCallCompleted(CallOutcome outcome) {
                    OUTCOMES.put(call.path(), outcome);
                }
            };
        }
    }

    @BeforeAll
    static void start() {
        ACCESS_LOGGER.addHandler(CAPTURE);
        allocator = new RootAllocator();
        small = ScriptedDataset.of("small", 4, 1000);
        server = TestServer.start(new ResourceConfig()
                .register(ArrowHttpFeature.builder(allocator)
                        .dataset(small)
                        .dataset(ScriptedDataset.failing("failing", 10, 1000, 2))
                        .middleware(new Recording())
                        .corsOrigins(List.of("https://app.example"))
                        .build()));
    }

    @AfterAll
    static void stop() {
        ACCESS_LOGGER.removeHandler(CAPTURE);
        server.close();
        assertEquals(0, allocator.getAllocatedMemory());
        allocator.close();
    }

    private static HttpURLConnection get(String path, String... headers) throws IOException {
        HttpURLConnection connection =
                (HttpURLConnection) server.uri(path).toURL().openConnection();
        connection.setReadTimeout(20_000);
        for (int i = 0; i < headers.length; i += 2) {
            connection.setRequestProperty(headers[i], headers[i + 1]);
        }
        return connection;
    }

    private static long read(HttpURLConnection connection) throws IOException {
        try (InputStream in =
                connection.getResponseCode() < 400 ? connection.getInputStream() : connection.getErrorStream()) {
            return in.readAllBytes().length;
        }
    }

    private static CallOutcome awaitOutcome(String path) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!OUTCOMES.containsKey(path) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        CallOutcome outcome = OUTCOMES.get(path);
        assertNotNull(outcome, "no outcome for " + path + " in " + OUTCOMES.keySet());
        return outcome;
    }

    @Test
    void aRequestIdIsEchoedOrMade() throws IOException {
        HttpURLConnection given = get("/datasets/small", "X-Request-Id", "order-42");
        read(given);
        assertEquals("order-42", given.getHeaderField("X-Request-Id"));

        HttpURLConnection made = get("/datasets/small");
        read(made);
        assertTrue(made.getHeaderField("X-Request-Id").matches("[0-9a-f]{24}"), made.getHeaderField("X-Request-Id"));

        HttpURLConnection unsafe = get("/datasets/small", "X-Request-Id", "<script>");
        read(unsafe);
        assertTrue(unsafe.getHeaderField("X-Request-Id").matches("[0-9a-f]{24}"), "a strange id is replaced");
    }

    @Test
    void middlewareAddsHeadersToEveryResponse() throws IOException, InterruptedException {
        HttpURLConnection dataset = get("/datasets/small");
        read(dataset);
        assertEquals("recording GET", dataset.getHeaderField("X-Seen-By"));
        HttpURLConnection missing = get("/datasets/none");
        read(missing);
        assertEquals(404, missing.getResponseCode());
        assertEquals("recording GET", missing.getHeaderField("X-Seen-By"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (ACCESS_LOG.stream().noneMatch(line -> line.startsWith("GET /datasets/none 404"))
                && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertTrue(
                ACCESS_LOG.stream()
                        .anyMatch(line -> line.startsWith("GET /datasets/none 404") && !line.contains("failed")),
                "a mapped refusal is told by its status: " + ACCESS_LOG);
    }

    @Test
    void middlewareCanRefuseACallBeforeAnythingIsRead() throws Exception {
        int producedBefore = small.produced();
        HttpURLConnection refused = get("/datasets/small?forbidden");
        assertEquals(403, refused.getResponseCode());
        assertEquals("application/problem+json", refused.getContentType());
        try (InputStream error = refused.getErrorStream()) {
            assertEquals(
                    "UNAUTHORIZED",
                    new ObjectMapper().readTree(error).get("code").asText());
        }
        assertEquals(producedBefore, small.produced(), "the dataset was never read");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (ACCESS_LOG.stream().noneMatch(line -> line.startsWith("GET /datasets/small?forbidden 403"))
                && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertTrue(
                ACCESS_LOG.stream()
                        .anyMatch(line -> line.startsWith("GET /datasets/small?forbidden 403")
                                && line.endsWith("failed: UNAUTHORIZED")),
                ACCESS_LOG.toString());
    }

    @Test
    void completionSeesStatusBytesAndRowsOfAStreamedResponse() throws Exception {
        long bodyBytes = read(get("/datasets/small?call=streamed"));
        CallOutcome outcome = awaitOutcome("/datasets/small?call=streamed");
        assertEquals(200, outcome.status());
        assertEquals(4000, outcome.rows());
        assertEquals(bodyBytes, outcome.bytes());
        assertNull(outcome.error());
        assertTrue(outcome.succeeded());
    }

    @Test
    void completionSeesAStreamThatFailedAfterTheStatusLine() throws Exception {
        RawHttp.get(server.port(), "/datasets/failing?call=failed", "1.1");
        CallOutcome outcome = awaitOutcome("/datasets/failing?call=failed");
        assertEquals(200, outcome.status());
        assertEquals(2000, outcome.rows());
        assertEquals(ErrorCode.INTERNAL, ((ArrowHttpException) outcome.error()).code());
    }

    @Test
    void theAccessLogHasOneLinePerCall() throws IOException, InterruptedException {
        read(get("/datasets/small?x=1", "X-Request-Id", "log-check-1"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (ACCESS_LOG.stream().noneMatch(line -> line.contains("id=log-check-1")) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        String line = ACCESS_LOG.stream()
                .filter(l -> l.contains("id=log-check-1"))
                .findFirst()
                .orElseThrow();
        assertTrue(line.matches("GET /datasets/small\\?x=1 200 \\d+ bytes 4000 rows [0-9.]+ ms id=log-check-1"), line);
    }

    @Test
    void corsPreflightIsAnsweredForAllowedOriginsOnly() throws IOException {
        RawHttp.Exchange preflight = RawHttp.send(
                server.port(),
                "OPTIONS",
                "/datasets/small",
                "1.1",
                Map.of(
                        "Origin",
                        "https://app.example",
                        "Access-Control-Request-Method",
                        "GET",
                        "Access-Control-Request-Headers",
                        "X-Request-Timeout"));
        assertTrue(preflight.statusLine().startsWith("HTTP/1.1 204"), preflight.statusLine());
        assertEquals("https://app.example", preflight.header("Access-Control-Allow-Origin"));
        assertTrue(preflight.header("Access-Control-Allow-Methods").contains("GET"));
        assertTrue(preflight.header("Access-Control-Allow-Headers").contains("X-Request-Timeout"));

        RawHttp.Exchange stranger = RawHttp.send(
                server.port(),
                "OPTIONS",
                "/datasets/small",
                "1.1",
                Map.of("Origin", "https://evil.example", "Access-Control-Request-Method", "GET"));
        assertTrue(stranger.statusLine().startsWith("HTTP/1.1 403"), stranger.statusLine());
        assertNull(stranger.header("Access-Control-Allow-Origin"));
    }

    @Test
    void corsResponsesNameTheAllowedOriginOnly() throws IOException {
        RawHttp.Exchange allowed =
                RawHttp.send(server.port(), "GET", "/datasets/small", "1.1", Map.of("Origin", "https://app.example"));
        assertEquals("https://app.example", allowed.header("Access-Control-Allow-Origin"));
        assertTrue(allowed.header("Access-Control-Expose-Headers").contains("X-Request-Id"));
        RawHttp.Exchange other =
                RawHttp.send(server.port(), "GET", "/datasets/small", "1.1", Map.of("Origin", "https://evil.example"));
        assertNull(other.header("Access-Control-Allow-Origin"));
        assertNull(RawHttp.get(server.port(), "/datasets/small", "1.1").header("Access-Control-Allow-Origin"));
    }

    @Test
    void clientMiddlewareAddsHeadersAndSeesResponses() throws IOException {
        List<String> seen = new CopyOnWriteArrayList<>();
        ClientMiddleware middleware = new ClientMiddleware() {
            @Override
            public void onBeforeRequest(URI uri, MultivaluedMap<String, Object> headers) {
                headers.putSingle("X-Request-Id", "client-7");
            }

            @Override
            public void onResponse(URI uri, int status, MultivaluedMap<String, String> headers) {
                seen.add(status + " " + headers.getFirst("X-Request-Id"));
            }
        };
        try (ArrowHttpClient client = ArrowHttpClient.builder(server.uri("/"))
                        .middleware(middleware)
                        .build();
                BufferAllocator clientAllocator = new RootAllocator()) {
            try (DatasetStream stream = client.get("small", GetOptions.defaults(), clientAllocator)) {
                while (stream.reader().loadNextBatch()) {
                    assertEquals(1000, stream.reader().getVectorSchemaRoot().getRowCount());
                }
            }
            assertEquals(List.of("200 client-7"), seen);
        }
    }
}

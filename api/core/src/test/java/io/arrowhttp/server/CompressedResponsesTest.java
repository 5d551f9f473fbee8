package io.arrowhttp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.aayushatharva.brotli4j.Brotli4jLoader;
import com.aayushatharva.brotli4j.decoder.BrotliInputStream;
import com.fasterxml.jackson.databind.JsonNode;
import com.github.luben.zstd.ZstdInputStream;
import io.arrowhttp.client.ArrowHttpClient;
import io.arrowhttp.client.Compression;
import io.arrowhttp.client.DatasetStream;
import io.arrowhttp.client.GetOptions;
import io.arrowhttp.protocol.ProtocolJson;
import io.arrowhttp.protocol.internal.BufferCodecs;
import io.arrowhttp.response.CompressionPolicy;
import io.arrowhttp.testing.ScriptedDataset;
import io.arrowhttp.testing.TestServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.zip.GZIPInputStream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.compression.NoCompressionCodec;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Compression as clients ask for it over HTTP: IPC buffer codecs from {@code Accept}'s
 * {@code codecs} or the query, content codings from {@code Accept-Encoding}, never both, none
 * unless asked; each decoded and compared, batch by batch, with the uncompressed data. The server
 * applies every coding offered ({@link CompressionPolicy#ASKED}), as this test is of the codings;
 * the default policy is {@code CompressionPolicyTest}'s.
 */
class CompressedResponsesTest {

    private static final int BATCHES = 20;
    private static final int ROWS = 10_000;
    private static final Map<String, CountDownLatch> RELEASES = Map.of(
            "held-zstd", new CountDownLatch(1),
            "held-gzip", new CountDownLatch(1),
            "held-ipc", new CountDownLatch(1),
            "held-curl-zstd", new CountDownLatch(1),
            "held-curl-br", new CountDownLatch(1),
            "held-curl-gzip", new CountDownLatch(1));

    private static BufferAllocator allocator;
    private static TestServer server;
    private static ArrowHttpClient client;

    @BeforeAll
    static void start() {
        allocator = new RootAllocator();
        server = TestServer.withFeature(feature -> {
            feature.compression(CompressionPolicy.ASKED);
            feature.dataset(ScriptedDataset.of("numbers", BATCHES, ROWS));
            RELEASES.forEach((name, release) -> feature.dataset(ScriptedDataset.holding(name, 3, 1000, 1, release)));
            return feature;
        });
        client = ArrowHttpClient.builder(server.uri("/"))
                .readTimeout(Duration.ofSeconds(30))
                .build();
    }

    @AfterAll
    static void stop() {
        RELEASES.values().forEach(CountDownLatch::countDown);
        client.close();
        server.close();
        allocator.close();
    }

    private static HttpURLConnection get(String path, String accept, String acceptEncoding) throws IOException {
        HttpURLConnection connection =
                (HttpURLConnection) server.uri(path).toURL().openConnection();
        connection.setConnectTimeout(5_000);
        connection.setReadTimeout(20_000);
        if (accept != null) {
            connection.setRequestProperty("Accept", accept);
        }
        if (acceptEncoding != null) {
            connection.setRequestProperty("Accept-Encoding", acceptEncoding);
        }
        return connection;
    }

    /** Reads a bare Arrow stream and checks it holds the numbers dataset, row by row. */
    private static void assertNumbers(InputStream arrow) throws IOException {
        try (BufferAllocator readerAllocator = new RootAllocator();
                ArrowStreamReader reader = new ArrowStreamReader(arrow, readerAllocator, BufferCodecs.INSTANCE)) {
            long expected = 0;
            int batches = 0;
            while (reader.loadNextBatch()) {
                BigIntVector n = (BigIntVector) reader.getVectorSchemaRoot().getVector(0);
                for (int i = 0; i < n.getValueCount(); i++) {
                    assertEquals(expected++, n.get(i));
                }
                batches++;
            }
            assertEquals(BATCHES, batches);
            assertEquals((long) BATCHES * ROWS, expected);
        }
    }

    private static byte[] body(HttpURLConnection connection) throws IOException {
        try (InputStream in = connection.getInputStream()) {
            return in.readAllBytes();
        }
    }

    @Test
    void anIpcCodecInAcceptCompressesTheBuffersAndLabelsTheStream() throws IOException {
        for (String codec : new String[] {"zstd", "lz4"}) {
            HttpURLConnection connection =
                    get("/datasets/numbers", "application/vnd.apache.arrow.stream; codecs=\"" + codec + "\"", null);
            assertEquals(200, connection.getResponseCode());
            assertEquals("application/vnd.apache.arrow.stream;codecs=" + codec, connection.getContentType());
            assertNull(connection.getHeaderField("Content-Encoding"));
            byte[] body = body(connection);
            assertNumbers(new ByteArrayInputStream(body));
            // Without Arrow's codecs the batches cannot be read: they really are compressed.
            assertThrows(RuntimeException.class, () -> {
                try (BufferAllocator plainAllocator = new RootAllocator();
                        ArrowStreamReader plain = new ArrowStreamReader(
                                new ByteArrayInputStream(body), plainAllocator, NoCompressionCodec.Factory.INSTANCE)) {
                    plain.loadNextBatch();
                }
            });
        }
    }

    @Test
    void compressedBuffersAreSmallerThanPlainOnes() throws IOException {
        int plain = body(get("/datasets/numbers", "application/vnd.apache.arrow.stream", null)).length;
        int zstd = body(get("/datasets/numbers", "application/vnd.apache.arrow.stream; codecs=zstd", null)).length;
        assertTrue(zstd * 4 < plain, "zstd " + zstd + " bytes, plain " + plain);
    }

    @Test
    void theCodecsQueryParameterServesClientsThatCannotSetHeaders() throws IOException {
        HttpURLConnection connection = get("/datasets/numbers?codecs=lz4", "application/vnd.apache.arrow.stream", null);
        assertEquals("application/vnd.apache.arrow.stream;codecs=lz4", connection.getContentType());
        assertNumbers(new ByteArrayInputStream(body(connection)));
    }

    @Test
    void unknownOrNoCodecsGivePlainBuffersLabelledPlain() throws IOException {
        for (String accept : new String[] {
            "application/vnd.apache.arrow.stream; codecs=\"snappy\"", "application/vnd.apache.arrow.stream; codecs=\"\""
        }) {
            HttpURLConnection connection = get("/datasets/numbers", accept, null);
            assertEquals("application/vnd.apache.arrow.stream", connection.getContentType(), accept);
            try (BufferAllocator plainAllocator = new RootAllocator();
                    ArrowStreamReader plain =
                            new ArrowStreamReader(new ByteArrayInputStream(body(connection)), plainAllocator)) {
                assertTrue(plain.loadNextBatch(), accept);
            }
        }
    }

    @Test
    void eachContentCodingCodesTheWholeBody() throws IOException {
        for (String coding : new String[] {"zstd", "br", "gzip"}) {
            HttpURLConnection connection = get("/datasets/numbers", "application/vnd.apache.arrow.stream", coding);
            assertEquals(200, connection.getResponseCode());
            assertEquals(coding, connection.getHeaderField("Content-Encoding"));
            assertEquals("application/vnd.apache.arrow.stream", connection.getContentType());
            assertTrue(connection.getHeaderField("Vary").contains("Accept-Encoding"));
            byte[] body = body(connection);
            assertNumbers(decode(coding, new ByteArrayInputStream(body)));
        }
    }

    @Test
    void aBrowsersHeadersGetPlainBuffersUnderTheContentCodingItPrefers() throws IOException {
        // What a page's fetch() sends in Chromium: the Arrow JavaScript library decodes no IPC
        // codec, so none may be chosen; the body is coded with the best coding the browser lists.
        HttpURLConnection connection =
                get("/datasets/numbers", "application/vnd.apache.arrow.stream, */*;q=0.8", "gzip, deflate, br, zstd");
        assertEquals(200, connection.getResponseCode());
        assertEquals("application/vnd.apache.arrow.stream", connection.getContentType());
        assertEquals("zstd", connection.getHeaderField("Content-Encoding"));
        try (BufferAllocator plainAllocator = new RootAllocator();
                ArrowStreamReader plain = new ArrowStreamReader(
                        decode("zstd", new ByteArrayInputStream(body(connection))),
                        plainAllocator,
                        NoCompressionCodec.Factory.INSTANCE)) {
            int batches = 0;
            while (plain.loadNextBatch()) {
                batches++;
            }
            assertEquals(BATCHES, batches);
        }
    }

    @Test
    void aMultipartResponseIsCodedWholeAndItsPartsStayIntact() throws IOException {
        HttpURLConnection connection = get("/datasets/numbers?include_footnotes", "multipart/mixed", "gzip");
        assertEquals("gzip", connection.getHeaderField("Content-Encoding"));
        assertTrue(connection.getContentType().startsWith("multipart/mixed;"));
        try (BufferAllocator clientAllocator = new RootAllocator();
                DatasetStream stream = client.get(
                        "numbers",
                        GetOptions.defaults().footnotes().compression(Compression.HTTP_GZIP),
                        clientAllocator)) {
            assertEquals(Compression.HTTP_GZIP, stream.compression().orElseThrow());
            long rows = 0;
            while (stream.reader().loadNextBatch()) {
                rows += stream.reader().getVectorSchemaRoot().getRowCount();
            }
            assertEquals((long) BATCHES * ROWS, rows);
            assertTrue(
                    stream.footnotes().orElseThrow().contains(BATCHES + " Arrow record batch(es)"),
                    stream.footnotes().orElse(""));
        }
    }

    @Test
    void theJavaClientAsksForAndDecodesEveryCompression() throws IOException {
        long plainBytes;
        try (BufferAllocator clientAllocator = new RootAllocator();
                DatasetStream stream = client.get("numbers", GetOptions.defaults(), clientAllocator)) {
            assertTrue(stream.compression().isEmpty());
            while (stream.reader().loadNextBatch()) {
                // all of it
            }
            plainBytes = stream.bytesReceived();
        }
        for (Compression compression : Compression.values()) {
            try (BufferAllocator clientAllocator = new RootAllocator();
                    DatasetStream stream =
                            client.get("numbers", GetOptions.defaults().compression(compression), clientAllocator)) {
                assertEquals(compression, stream.compression().orElseThrow(), compression.name());
                long expected = 0;
                while (stream.reader().loadNextBatch()) {
                    BigIntVector n =
                            (BigIntVector) stream.reader().getVectorSchemaRoot().getVector(0);
                    for (int i = 0; i < n.getValueCount(); i++) {
                        assertEquals(expected++, n.get(i), compression.name());
                    }
                }
                assertEquals((long) BATCHES * ROWS, expected, compression.name());
                assertTrue(
                        stream.bytesReceived() < plainBytes * 3 / 4,
                        compression + ": " + stream.bytesReceived() + " bytes on the wire, plain " + plainBytes);
            }
        }
    }

    @Test
    void theMultipartArrowPartIsLabelledWithItsCodec() throws IOException {
        HttpURLConnection connection = get(
                "/datasets/numbers", "multipart/mixed, application/vnd.apache.arrow.stream; codecs=lz4; q=0.5", null);
        assertTrue(connection.getContentType().startsWith("multipart/mixed;"), connection.getContentType());
        String body = new String(body(connection), StandardCharsets.ISO_8859_1);
        assertTrue(
                body.contains("Content-Type: application/vnd.apache.arrow.stream;codecs=lz4\r\n"),
                body.substring(0, Math.min(400, body.length())));
    }

    @Test
    void anIpcCodecWinsOverAContentCoding() throws IOException {
        HttpURLConnection connection =
                get("/datasets/numbers", "application/vnd.apache.arrow.stream; codecs=zstd", "gzip, br, zstd");
        assertEquals("application/vnd.apache.arrow.stream;codecs=zstd", connection.getContentType());
        assertNull(connection.getHeaderField("Content-Encoding"));
        assertNumbers(new ByteArrayInputStream(body(connection)));
    }

    @Test
    void refusingEveryCodingIsA406ProblemThatNamesTheOffer() throws IOException {
        for (String acceptEncoding : new String[] {"compress, identity;q=0", "gzip;q=7"}) {
            HttpURLConnection connection = get("/datasets/numbers", null, acceptEncoding);
            assertEquals(406, connection.getResponseCode(), acceptEncoding);
            assertEquals("application/problem+json", connection.getContentType());
            JsonNode problem;
            try (InputStream in = connection.getErrorStream()) {
                problem = ProtocolJson.mapper().readTree(in);
            }
            assertTrue(problem.get("detail").asText().contains("zstd, br, gzip and identity"), problem.toString());
            assertTrue(problem.hasNonNull("requestId") || connection.getHeaderField("X-Request-Id") != null);
        }
    }

    @Test
    void theCatalogListsWhatTheServerCanCompressWith() throws IOException {
        HttpURLConnection connection = get("/datasets/numbers/info", "application/json", null);
        JsonNode info;
        try (InputStream in = connection.getInputStream()) {
            info = ProtocolJson.mapper().readTree(in);
        }
        assertEquals(
                "[\"zstd\",\"lz4\"]", info.get("compression").get("ipcCodecs").toString());
        assertEquals(
                "[\"zstd\",\"br\",\"gzip\"]",
                info.get("compression").get("contentCodings").toString());
    }

    @Test
    void headAnswersWithTheHeadersOfTheGet() throws IOException {
        HttpURLConnection connection =
                get("/datasets/numbers", "application/vnd.apache.arrow.stream; codecs=lz4", null);
        connection.setRequestMethod("HEAD");
        assertEquals(200, connection.getResponseCode());
        assertEquals("application/vnd.apache.arrow.stream;codecs=lz4", connection.getContentType());
        HttpURLConnection coded = get("/datasets/numbers", null, "br");
        coded.setRequestMethod("HEAD");
        assertEquals("br", coded.getHeaderField("Content-Encoding"));
    }

    /**
     * The Java client's Brotli decoder (brotli4j) keeps the last bytes of a flush until more
     * input comes, so Brotli's flush is checked with curl below instead.
     */
    @ParameterizedTest
    @ValueSource(strings = {"zstd", "gzip", "ipc"})
    void eachBatchIsDecodableWhenItIsSentWhateverTheCompression(String coding) {
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            String name = "held-" + coding;
            boolean ipc = coding.equals("ipc");
            HttpURLConnection connection = get(
                    "/datasets/" + name,
                    ipc ? "application/vnd.apache.arrow.stream; codecs=zstd" : "application/vnd.apache.arrow.stream",
                    ipc ? null : coding);
            try (InputStream in = decode(ipc ? "identity" : coding, connection.getInputStream());
                    BufferAllocator clientAllocator = new RootAllocator();
                    ArrowStreamReader reader = new ArrowStreamReader(in, clientAllocator, BufferCodecs.INSTANCE)) {
                // The server holds the second batch until released: the first must arrive whole.
                assertTrue(reader.loadNextBatch());
                assertEquals(1000, reader.getVectorSchemaRoot().getRowCount());
                RELEASES.get(name).countDown();
                assertTrue(reader.loadNextBatch());
                assertTrue(reader.loadNextBatch());
                assertFalse(reader.loadNextBatch());
            }
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"zstd", "br", "gzip"})
    void curlDecodesEachCodedBatchWhenItIsSent(String coding) throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/curl")), "curl is not installed");
        String name = "held-curl-" + coding;
        Process curl = new ProcessBuilder(
                        "/usr/bin/curl",
                        "-sSN",
                        "--max-time",
                        "30",
                        "--compressed",
                        "-H",
                        "Accept: application/vnd.apache.arrow.stream",
                        "-H",
                        "Accept-Encoding: " + coding,
                        server.uri("/datasets/" + name).toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        try {
            assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
                try (BufferAllocator clientAllocator = new RootAllocator();
                        ArrowStreamReader reader = new ArrowStreamReader(curl.getInputStream(), clientAllocator)) {
                    // curl writes what it has decoded; the second batch is held until released.
                    assertTrue(reader.loadNextBatch());
                    assertEquals(1000, reader.getVectorSchemaRoot().getRowCount());
                    RELEASES.get(name).countDown();
                    assertTrue(reader.loadNextBatch());
                    assertTrue(reader.loadNextBatch());
                    assertFalse(reader.loadNextBatch());
                }
                assertEquals(0, curl.waitFor());
            });
        } finally {
            curl.destroyForcibly();
        }
    }

    private static InputStream decode(String coding, InputStream in) throws IOException {
        return switch (coding) {
            case "zstd" -> new ZstdInputStream(in);
            case "br" -> {
                Brotli4jLoader.ensureAvailability();
                yield new BrotliInputStream(in);
            }
            case "gzip" -> new GZIPInputStream(in);
            default -> in;
        };
    }
}

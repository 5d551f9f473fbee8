package io.arrowhttp.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.ws.rs.client.Client;
import jakarta.ws.rs.client.ClientBuilder;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.glassfish.jersey.media.multipart.BodyPart;
import org.glassfish.jersey.media.multipart.MultiPart;
import org.glassfish.jersey.media.multipart.MultiPartFeature;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What every deployment of the application must serve, checked with the JAX-RS client. A
 * deployment (standalone server, Tomcat, Payara) extends this class and says where it listens.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class TickersContract {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Schema SCHEMA = new Schema(List.of(
            Field.notNullable("ticker", ArrowType.Utf8.INSTANCE),
            Field.notNullable("price", new ArrowType.Int(64, true)),
            Field.notNullable("volume", new ArrowType.Int(64, true))));

    private Client client;
    private BufferAllocator allocator;

    /** Where the application answers, ending with a slash: {@code http://127.0.0.1:port/context/}. */
    protected abstract URI baseUri();

    @BeforeAll
    void createClient() {
        client = ClientBuilder.newBuilder()
                .connectTimeout(5, TimeUnit.SECONDS)
                .readTimeout(60, TimeUnit.SECONDS)
                .register(MultiPartFeature.class)
                .build();
    }

    @AfterAll
    void closeClient() {
        client.close();
    }

    @BeforeEach
    void createAllocator() {
        allocator = new RootAllocator();
    }

    @AfterEach
    void clientReleasedEveryBuffer() {
        assertEquals(0, allocator.getAllocatedMemory(), "client-side Arrow memory leaked");
        allocator.close();
    }

    private Response get(String pathAndQuery) {
        return client.target(baseUri().resolve(pathAndQuery)).request().get();
    }

    private MultiPart multipart(Response response) {
        assertEquals(200, response.getStatus());
        assertEquals("multipart", response.getMediaType().getType());
        assertEquals("mixed", response.getMediaType().getSubtype());
        return response.readEntity(MultiPart.class);
    }

    /** Rows and batches of an Arrow part, after checking every value. */
    private long[] readArrow(BodyPart part, Set<String> tickers) throws IOException {
        assertEquals("application/vnd.apache.arrow.stream", part.getMediaType().toString());
        long rows = 0;
        long batches = 0;
        try (InputStream in = part.getEntityAs(InputStream.class);
                ArrowStreamReader reader = new ArrowStreamReader(in, allocator)) {
            VectorSchemaRoot root = reader.getVectorSchemaRoot();
            assertEquals(SCHEMA, root.getSchema());
            while (reader.loadNextBatch()) {
                VarCharVector ticker = (VarCharVector) root.getVector("ticker");
                BigIntVector price = (BigIntVector) root.getVector("price");
                BigIntVector volume = (BigIntVector) root.getVector("volume");
                for (int i = 0; i < root.getRowCount(); i++) {
                    assertTrue(
                            tickers.contains(ticker.getObject(i).toString()),
                            ticker.getObject(i).toString());
                    long p = price.get(i);
                    assertTrue(p >= 100 && p <= 100_000 && p % 100 == 0, "price " + p);
                    long v = volume.get(i);
                    assertTrue(v >= 1 && v <= 10_000, "volume " + v);
                }
                rows += root.getRowCount();
                batches++;
            }
        }
        return new long[] {rows, batches};
    }

    private Set<String> readTickers(BodyPart part) throws IOException {
        assertEquals(MediaType.APPLICATION_JSON_TYPE, part.getMediaType());
        JsonNode tickers = JSON.readTree(part.getEntityAs(String.class));
        assertEquals(60, tickers.size());
        Set<String> names = new HashSet<>();
        for (JsonNode entry : tickers) {
            String ticker = entry.get("ticker").asText();
            assertTrue(ticker.matches("[A-Z]{3,4}"), ticker);
            String[] words = entry.get("description").asText().split(" ");
            assertEquals(ticker.length(), words.length, "one word per letter: " + entry);
            for (int i = 0; i < words.length; i++) {
                assertTrue(words[i].matches("[A-Z][a-z]+"), "capitalised word: " + words[i]);
                assertEquals(ticker.charAt(i), words[i].charAt(0), "word starts with the ticker's letter");
            }
            names.add(ticker);
        }
        assertEquals(60, names.size(), "tickers are distinct");
        return names;
    }

    @Test
    void rootAnswersJsonThenArrowWithTheRequestedRows() throws IOException {
        try (MultiPart body = multipart(get("?rows=20000"))) {
            List<BodyPart> parts = body.getBodyParts();
            assertEquals(2, parts.size());
            Set<String> tickers = readTickers(parts.get(0));
            long[] rowsAndBatches = readArrow(parts.get(1), tickers);
            assertEquals(20_000, rowsAndBatches[0]);
            assertEquals(4, rowsAndBatches[1], "batches of 6144 rows: 3 full and one of 1568");
        }
    }

    @Test
    void largeResponseArrivesChunkedOneBatchPerChunk() throws IOException {
        RawHttp.Exchange exchange = RawHttp.get(baseUri().getPort(), baseUri().getPath() + "?rows=1000000", "1.1");

        assertTrue(exchange.statusLine().startsWith("HTTP/1.1 200"), exchange.statusLine());
        assertEquals("chunked", exchange.header("Transfer-Encoding"));
        assertTrue(exchange.endedProperly());
        ChunkLayout.assertOneChunkPerBatch(exchange, 163);
    }

    @Test
    void http10ClientGetsTheWholeBodyWithoutChunks() throws IOException {
        RawHttp.Exchange exchange = RawHttp.get(baseUri().getPort(), baseUri().getPath() + "?rows=7000", "1.0");

        assertTrue(exchange.statusLine().contains(" 200"), exchange.statusLine());
        assertEquals(null, exchange.header("Transfer-Encoding"));
        String boundary = exchange.header("Content-Type").replaceAll(".*boundary=", "");
        assertTrue(exchange.bodyText().endsWith("\r\n--" + boundary + "--\r\n"));
    }

    @Test
    void headAnswersGetsHeadersWithoutALengthOrABody() throws IOException {
        RawHttp.Exchange get = RawHttp.get(baseUri().getPort(), baseUri().getPath() + "?rows=1000", "1.1");
        RawHttp.Exchange head =
                RawHttp.send(baseUri().getPort(), "HEAD", baseUri().getPath() + "?rows=1000", "1.1", Map.of());
        assertTrue(head.statusLine().startsWith("HTTP/1.1 200"), head.statusLine());
        assertTrue(
                head.header("Content-Type").matches("multipart/mixed;\\s*boundary=[A-Za-z0-9_-]{38}"),
                head.header("Content-Type"));
        assertEquals(get.header("Content-Length"), head.header("Content-Length"), "GET streams without a length");
        assertEquals(get.header("Transfer-Encoding"), head.header("Transfer-Encoding"));
        assertEquals(0, head.body().length);
    }

    @Test
    void catalogDescribesTheTickersWithALocationOfThisDeployment() throws IOException {
        JsonNode datasets;
        try (Response response = get("datasets")) {
            assertEquals(200, response.getStatus());
            datasets = JSON.readTree(response.readEntity(String.class)).get("datasets");
        }
        assertEquals(1, datasets.size());
        JsonNode tickers = datasets.get(0);
        assertEquals("tickers", tickers.get("name").asText());
        assertEquals(42_000_000, tickers.get("totalRecords").asLong());
        assertEquals(SCHEMA, Schema.fromJSON(tickers.get("schema").toString()));
        URI location = URI.create(
                tickers.get("endpoints").get(0).get("locations").get(0).asText());
        assertEquals(baseUri().resolve("datasets/tickers"), location);
    }

    @Test
    void arrowAcceptGetsTheBareStream() throws IOException {
        try (Response response = client.target(baseUri().resolve("datasets/tickers?rows=7000"))
                        .request()
                        .accept("application/vnd.apache.arrow.stream")
                        .get();
                InputStream in = response.readEntity(InputStream.class);
                ArrowStreamReader reader = new ArrowStreamReader(in, allocator)) {
            assertEquals(
                    "application/vnd.apache.arrow.stream",
                    response.getMediaType().toString());
            long rows = 0;
            while (reader.loadNextBatch()) {
                rows += reader.getVectorSchemaRoot().getRowCount();
            }
            assertEquals(7000, rows);
        }
    }

    @Test
    void everyResponseCarriesTheRequestId() throws IOException {
        try (Response response = client.target(baseUri().resolve("datasets/tickers?rows=10"))
                .request()
                .header("X-Request-Id", "contract-check-1")
                .get()) {
            assertEquals("contract-check-1", response.getHeaderString("X-Request-Id"));
            response.readEntity(MultiPart.class).close();
        }
        try (Response missing = get("datasets/none")) {
            assertTrue(
                    missing.getHeaderString("X-Request-Id").matches("[0-9a-f]{24}"),
                    missing.getHeaderString("X-Request-Id"));
        }
    }

    @Test
    void datasetPathServesTheSameDataset() throws IOException {
        try (MultiPart body = multipart(get("datasets/tickers?rows=6145"))) {
            Set<String> tickers = readTickers(body.getBodyParts().get(0));
            assertEquals(6145, readArrow(body.getBodyParts().get(1), tickers)[0]);
        }
    }

    @Test
    void footnotesComeLastAndOnlyWhenAsked() throws IOException {
        for (String query : List.of("?include_footnotes&rows=13000", "?rows=13000&include_footnotes=true")) {
            try (MultiPart body = multipart(get(query))) {
                List<BodyPart> parts = body.getBodyParts();
                assertEquals(3, parts.size(), query);
                Set<String> tickers = readTickers(parts.get(0));
                readArrow(parts.get(1), tickers);
                assertEquals(MediaType.TEXT_PLAIN_TYPE, parts.get(2).getMediaType());
                String text = parts.get(2).getEntityAs(String.class);
                assertTrue(text.contains("3 Arrow record batch(es) with 13000 rows"), text);
                assertTrue(text.contains("HTTP"), text);
                assertTrue(text.contains("Average size of each chunk"), text);
            }
        }
        try (MultiPart body = multipart(get("?rows=10"))) {
            assertEquals(2, body.getBodyParts().size());
        }
    }

    @Test
    void everyResponseHasItsOwnUnguessableBoundary() throws IOException {
        Set<String> boundaries = new HashSet<>();
        for (int i = 0; i < 3; i++) {
            try (Response response = get("?rows=1")) {
                String boundary = response.getMediaType().getParameters().get("boundary");
                assertTrue(boundary.matches("[A-Za-z0-9_-]{38}"), boundary);
                boundaries.add(boundary);
                response.readEntity(MultiPart.class).close();
            }
        }
        assertEquals(3, boundaries.size());
    }

    @Test
    void badRowCountsAreRefusedWithAProblem() throws IOException {
        for (String rows : List.of("0", "-5", "abc", "1.5", "", "99999999999999", "1000000000001")) {
            try (Response response = get("datasets/tickers?rows=" + rows)) {
                assertEquals(400, response.getStatus(), "rows=" + rows);
                assertEquals("application/problem+json", response.getMediaType().toString());
                JsonNode problem = JSON.readTree(response.readEntity(String.class));
                assertEquals(400, problem.get("status").asInt());
                assertEquals("INVALID_ARGUMENT", problem.get("code").asText());
                assertTrue(
                        problem.get("detail").asText().contains("'rows' must be a whole number from 1 to"),
                        problem.toString());
                assertFalse(problem.toString().contains("Exception"), problem.toString());
            }
        }
    }

    @Test
    void unknownDatasetIsNotFound() throws IOException {
        try (Response response = get("datasets/no-such-data")) {
            assertEquals(404, response.getStatus());
            assertEquals("application/problem+json", response.getMediaType().toString());
            JsonNode problem = JSON.readTree(response.readEntity(String.class));
            assertEquals("NOT_FOUND", problem.get("code").asText());
            assertTrue(problem.get("detail").asText().contains("tickers"));
        }
    }

    @Test
    void twoResponsesCarryDifferentData() throws IOException {
        long firstVolumes;
        try (MultiPart body = multipart(get("?rows=5"));
                InputStream in = body.getBodyParts().get(1).getEntityAs(InputStream.class);
                ArrowStreamReader reader = new ArrowStreamReader(in, allocator)) {
            assertTrue(reader.loadNextBatch());
            firstVolumes = sum((BigIntVector) reader.getVectorSchemaRoot().getVector("volume"));
        }
        boolean differs = false;
        for (int attempt = 0; attempt < 5 && !differs; attempt++) {
            try (MultiPart body = multipart(get("?rows=5"));
                    InputStream in = body.getBodyParts().get(1).getEntityAs(InputStream.class);
                    ArrowStreamReader reader = new ArrowStreamReader(in, allocator)) {
                assertTrue(reader.loadNextBatch());
                differs = sum((BigIntVector) reader.getVectorSchemaRoot().getVector("volume")) != firstVolumes;
            }
        }
        assertTrue(differs, "each response takes its own random slices");
        assertNotEquals(0, firstVolumes);
    }

    private static long sum(BigIntVector vector) {
        long total = 0;
        for (int i = 0; i < vector.getValueCount(); i++) {
            total += vector.get(i);
        }
        return total;
    }
}

package io.arrowhttp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.arrowhttp.protocol.ArrowMediaTypes;
import io.arrowhttp.testing.ScriptedDataset;
import io.arrowhttp.testing.TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.apache.arrow.vector.types.pojo.Schema;
import org.glassfish.jersey.server.ResourceConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The catalog (list, info, schema) and content negotiation of a dataset. */
class CatalogTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static BufferAllocator serverAllocator;
    private static TestServer server;
    private BufferAllocator clientAllocator;

    @BeforeAll
    static void start() {
        serverAllocator = new RootAllocator();
        server = TestServer.start(new ResourceConfig()
                .register(ArrowHttpFeature.builder(serverAllocator)
                        .dataset(ScriptedDataset.of("numbers", 3, 100))
                        .dataset(ScriptedDataset.of("more-numbers", 1, 5))
                        .rootDataset("numbers")
                        .build()));
    }

    @AfterAll
    static void stop() {
        server.close();
        assertEquals(0, serverAllocator.getAllocatedMemory(), "Arrow memory leaked");
        serverAllocator.close();
    }

    @BeforeEach
    void clientAllocator() {
        clientAllocator = new RootAllocator();
    }

    @AfterEach
    void clientReleasedEverything() {
        assertEquals(0, clientAllocator.getAllocatedMemory());
        clientAllocator.close();
    }

    private static HttpURLConnection get(String path, String accept) throws IOException {
        return get(server.uri(path), accept);
    }

    private static HttpURLConnection get(URI uri, String accept) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) uri.toURL().openConnection();
        connection.setConnectTimeout(5_000);
        connection.setReadTimeout(20_000);
        if (accept != null) {
            connection.setRequestProperty("Accept", accept);
        }
        return connection;
    }

    private static JsonNode json(HttpURLConnection connection) throws IOException {
        assertEquals(200, connection.getResponseCode());
        assertEquals("application/json", connection.getContentType());
        try (InputStream in = connection.getInputStream()) {
            return JSON.readTree(in);
        }
    }

    @Test
    void listsEveryDatasetWithSchemaSizeAndWhereToFetchIt() throws IOException {
        JsonNode datasets = json(get("/datasets", null)).get("datasets");

        assertEquals(2, datasets.size());
        JsonNode numbers = datasets.get(0);
        assertEquals("numbers", numbers.get("name").asText());
        assertEquals("numbered rows for tests", numbers.get("description").asText());
        assertEquals(
                ScriptedDataset.SCHEMA, Schema.fromJSON(numbers.get("schema").toString()));
        assertTrue(numbers.get("totalRecords").isNull(), "unknown sizes are null");
        assertTrue(numbers.get("totalBytes").isNull());
        URI location = URI.create(
                numbers.get("endpoints").get(0).get("locations").get(0).asText());
        assertEquals(server.uri("/datasets/numbers"), location);
        assertEquals("more-numbers", datasets.get(1).get("name").asText());
    }

    @Test
    void theLocationInTheCatalogServesTheDataset() throws IOException {
        JsonNode info = json(get("/datasets/more-numbers/info", null));
        URI location =
                URI.create(info.get("endpoints").get(0).get("locations").get(0).asText());
        assertEquals(List.of(5L), rowsPerBatch(get(location, ArrowMediaTypes.ARROW_STREAM)));
    }

    @Test
    void infoOfAnUnknownDatasetIsNotFound() throws IOException {
        HttpURLConnection connection = get("/datasets/nothing/info", null);
        assertEquals(404, connection.getResponseCode());
        assertEquals("application/problem+json", connection.getContentType());
    }

    @Test
    void schemaIsAnArrowStreamWithoutBatchesByDefault() throws IOException {
        HttpURLConnection connection = get("/datasets/numbers/schema", null);
        assertEquals(200, connection.getResponseCode());
        assertEquals(ArrowMediaTypes.ARROW_STREAM, connection.getContentType());
        try (InputStream in = connection.getInputStream();
                ArrowStreamReader reader = new ArrowStreamReader(in, clientAllocator)) {
            assertEquals(ScriptedDataset.SCHEMA, reader.getVectorSchemaRoot().getSchema());
            assertFalse(reader.loadNextBatch());
        }
    }

    @Test
    void schemaIsJsonWhenAskedFor() throws IOException {
        JsonNode schema = json(get("/datasets/numbers/schema", "application/json"));
        assertEquals(ScriptedDataset.SCHEMA, Schema.fromJSON(schema.toString()));
    }

    @Test
    void arrowAcceptGetsTheBareStream() throws IOException {
        HttpURLConnection connection = get("/datasets/numbers", ArrowMediaTypes.ARROW_STREAM);
        assertEquals(ArrowMediaTypes.ARROW_STREAM, connection.getContentType());
        assertEquals(List.of(100L, 100L, 100L), rowsPerBatch(connection));

        HttpURLConnection root = get("/", ArrowMediaTypes.ARROW_STREAM);
        assertEquals(List.of(100L, 100L, 100L), rowsPerBatch(root));
    }

    @Test
    void multipartIsTheDefault() throws IOException {
        for (String accept : new String[] {
            null, "*/*", "multipart/mixed", "multipart/*", "application/vnd.apache.arrow.stream;q=0.1, multipart/mixed"
        }) {
            HttpURLConnection connection = get("/datasets/numbers", accept);
            assertEquals(200, connection.getResponseCode(), String.valueOf(accept));
            assertTrue(
                    connection.getContentType().startsWith("multipart/mixed;boundary="), connection.getContentType());
            assertFalse(connection.getContentType().contains("qs="), connection.getContentType());
            try (InputStream in = connection.getInputStream()) {
                in.readAllBytes();
            }
        }
    }

    @Test
    void anUnsatisfiableAcceptIsNotAcceptable() throws IOException {
        HttpURLConnection connection = get("/datasets/numbers", "text/csv");
        assertEquals(406, connection.getResponseCode());
        assertEquals("application/problem+json", connection.getContentType());
    }

    private List<Long> rowsPerBatch(HttpURLConnection connection) throws IOException {
        assertEquals(200, connection.getResponseCode());
        List<Long> rows = new ArrayList<>();
        try (InputStream in = connection.getInputStream();
                ArrowStreamReader reader = new ArrowStreamReader(in, clientAllocator)) {
            while (reader.loadNextBatch()) {
                BigIntVector n = (BigIntVector) reader.getVectorSchemaRoot().getVector(0);
                rows.add((long) n.getValueCount());
            }
        }
        return rows;
    }
}

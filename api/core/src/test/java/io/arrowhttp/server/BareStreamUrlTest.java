package io.arrowhttp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.arrowhttp.testing.ScriptedDataset;
import io.arrowhttp.testing.TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.glassfish.jersey.server.ResourceConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code /datasets/{name}.arrows}: the bare Arrow stream for clients that cannot choose their
 * {@code Accept} header (a URL given to polars, a browser link, curl without options), answered as
 * the bare stream by negotiation is, while {@code /datasets/{name}} keeps the seed protocol's
 * multipart default and a dataset named {@code x.arrows} keeps its own URL.
 */
class BareStreamUrlTest {

    private static final String ARROW = "application/vnd.apache.arrow.stream";
    private static final String BROWSER =
            "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8";

    private static BufferAllocator serverAllocator;
    private static TestServer server;

    @BeforeAll
    static void start() {
        serverAllocator = new RootAllocator();
        server = TestServer.start(new ResourceConfig()
                .register(ArrowHttpFeature.builder(serverAllocator)
                        .dataset(ScriptedDataset.of("numbers", 3, 100))
                        .dataset(ScriptedDataset.of("shadowed", 2, 10))
                        .dataset(ScriptedDataset.of("shadowed.arrows", 1, 5))
                        .build()));
    }

    @AfterAll
    static void stop() {
        server.close();
        assertEquals(0, serverAllocator.getAllocatedMemory(), "Arrow memory leaked");
        serverAllocator.close();
    }

    @Test
    void theArrowsUrlAnswersTheBareStreamWhateverAcceptSays() throws IOException {
        List<String> accepts = new ArrayList<>();
        accepts.add(null);
        accepts.addAll(List.of("*/*", BROWSER, "application/json", "multipart/mixed", ARROW + ";q=0"));
        for (String accept : accepts) {
            HttpURLConnection connection =
                    get("/datasets/numbers.arrows", accept == null ? Map.of() : Map.of("Accept", accept));
            assertEquals(200, connection.getResponseCode(), "Accept: " + accept);
            assertEquals(ARROW, connection.getContentType(), "Accept: " + accept);
            assertEquals(List.of(100L, 100L, 100L), rowsPerBatch(connection.getInputStream()), "Accept: " + accept);
        }
    }

    @Test
    void theDatasetUrlWithoutAcceptIsStillMultipart() throws IOException {
        HttpURLConnection connection = get("/datasets/numbers", Map.of("Accept", "*/*"));
        assertEquals(200, connection.getResponseCode());
        assertTrue(connection.getContentType().startsWith("multipart/mixed;boundary="), connection.getContentType());
        connection.getInputStream().readAllBytes();
    }

    @Test
    void parametersErrorsHeadAndCompressionAreThoseOfTheNegotiatedBareStream() throws IOException {
        HttpURLConnection bad = get("/datasets/numbers.arrows?partition=0", Map.of());
        assertEquals(400, bad.getResponseCode());
        assertEquals("application/problem+json", bad.getContentType());

        HttpURLConnection head = get("/datasets/numbers.arrows", Map.of());
        head.setRequestMethod("HEAD");
        assertEquals(200, head.getResponseCode());
        assertEquals(ARROW, head.getContentType());

        HttpURLConnection gzip = get("/datasets/numbers.arrows", Map.of("Accept-Encoding", "gzip, *;q=0"));
        assertEquals(200, gzip.getResponseCode());
        assertEquals("gzip", gzip.getHeaderField("Content-Encoding"));
        assertEquals(List.of(100L, 100L, 100L), rowsPerBatch(new GZIPInputStream(gzip.getInputStream())));

        HttpURLConnection codec = get("/datasets/numbers.arrows", Map.of("Accept", ARROW + "; codecs=\"zstd, lz4\""));
        assertEquals(200, codec.getResponseCode());
        assertEquals(ARROW + ";codecs=zstd", codec.getContentType());
        assertEquals(List.of(100L, 100L, 100L), rowsPerBatch(codec.getInputStream()));
    }

    @Test
    void aDatasetNamedWithArrowsKeepsItsUrlAndItsBareStreamTakesASecondSuffix() throws IOException {
        HttpURLConnection own = get("/datasets/shadowed.arrows", Map.of());
        assertEquals(200, own.getResponseCode());
        assertTrue(own.getContentType().startsWith("multipart/mixed;boundary="), own.getContentType());
        own.getInputStream().readAllBytes();

        HttpURLConnection bare = get("/datasets/shadowed.arrows.arrows", Map.of());
        assertEquals(ARROW, bare.getContentType());
        assertEquals(List.of(5L), rowsPerBatch(bare.getInputStream()));

        HttpURLConnection unknown = get("/datasets/nothing.arrows", Map.of());
        assertEquals(404, unknown.getResponseCode());
        assertEquals("application/problem+json", unknown.getContentType());
    }

    @Test
    void theCatalogGivesEachDatasetsBareStreamUrlUnlessAnotherDatasetTakesIt() throws IOException {
        JsonNode datasets;
        try (InputStream in = server.uri("/datasets").toURL().openStream()) {
            datasets = new ObjectMapper().readTree(in).get("datasets");
        }
        Map<String, JsonNode> byName = new HashMap<>();
        datasets.forEach(entry -> byName.put(entry.get("name").asText(), entry));
        JsonNode numbers = byName.get("numbers");
        assertEquals(
                server.uri("/datasets/numbers.arrows").toString(),
                numbers.get("streamLocation").asText());
        assertEquals(
                server.uri("/datasets/numbers.arrows").toString(),
                numbers.get("endpoints").get(0).get("streamLocations").get(0).asText());
        assertTrue(byName.get("shadowed").get("streamLocation").isNull(), "shadowed.arrows is another dataset");
        assertEquals(
                server.uri("/datasets/shadowed.arrows.arrows").toString(),
                byName.get("shadowed.arrows").get("streamLocation").asText());
    }

    private static HttpURLConnection get(String path, Map<String, String> headers) throws IOException {
        HttpURLConnection connection =
                (HttpURLConnection) server.uri(path).toURL().openConnection();
        connection.setConnectTimeout(5_000);
        connection.setReadTimeout(20_000);
        headers.forEach(connection::setRequestProperty);
        return connection;
    }

    private List<Long> rowsPerBatch(InputStream body) throws IOException {
        List<Long> rows = new ArrayList<>();
        try (BufferAllocator allocator = new RootAllocator();
                InputStream in = body;
                ArrowStreamReader reader = new ArrowStreamReader(in, allocator)) {
            while (reader.loadNextBatch()) {
                rows.add((long) reader.getVectorSchemaRoot().getRowCount());
            }
        }
        return rows;
    }
}

package io.arrowhttp.app.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.arrowhttp.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.Socket;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code uploads} section's limits on what the directory keeps, as the configured server
 * applies them on the wire, and the start with a manifest in the directory that cannot be served.
 */
class UploadStoreSettingsTest {

    private static final String ARROW = "application/vnd.apache.arrow.stream";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path folder;

    @Test
    void theCatalogsLimitsHoldOnTheWireAndABadManifestIsSkippedAtStart() throws IOException {
        Path uploads = Files.createDirectories(folder.resolve("uploads"));
        Files.writeString(uploads.resolve("broken.parts.json"), "{\"parts\": [\"broken.0", StandardCharsets.UTF_8);
        Path catalog = Files.writeString(folder.resolve("catalog.yaml"), """
                uploads:
                  directory: uploads
                  writable: true
                  max_description_bytes: 16
                  max_metadata_bytes: 1KiB
                  max_schema_bytes: 64KiB
                  max_datasets: 2
                  max_datasets_per_writer: 5
                  max_dataset_bytes: 1MiB
                  max_total_bytes: 10MB
                  min_free_disk: 0
                """, StandardCharsets.UTF_8);
        try (ConfiguredDatasets configured = ConfiguredDatasets.load(catalog, null, Map.of());
                TestServer server = TestServer.withFeature(feature -> {
                    configured.configureUploads(feature, false);
                    return feature;
                })) {
            HttpURLConnection listing = open(server, "GET", "/datasets");
            assertEquals(200, listing.getResponseCode(), "the broken manifest does not fail the catalog");
            assertEquals(List.of(), names(listing));

            assertEquals(
                    201, send(server, "PUT", "/datasets/first", ARROW, ids(100)).getResponseCode());
            String boundary = "settings-boundary";
            HttpURLConnection described = send(
                    server,
                    "PUT",
                    "/datasets/second",
                    "multipart/mixed; boundary=" + boundary,
                    multipart(boundary, "{\"description\":\"seventeen bytes!!\"}", ids(10)));
            assertEquals(413, described.getResponseCode());
            JsonNode problem = JSON.readTree(read(described.getErrorStream()));
            assertEquals("TOO_LARGE", problem.get("code").asText());
            assertTrue(problem.get("detail").asText().contains("at most 16 bytes"), problem.toString());

            assertEquals(
                    201, send(server, "PUT", "/datasets/second", ARROW, ids(10)).getResponseCode());
            HttpURLConnection third = send(server, "PUT", "/datasets/third", ARROW, ids(10));
            assertEquals(507, third.getResponseCode());
            assertEquals("application/problem+json", third.getContentType());
            problem = JSON.readTree(read(third.getErrorStream()));
            assertEquals("RESOURCE_EXHAUSTED", problem.get("code").asText());
            assertTrue(problem.get("detail").asText().contains("as many as it keeps (2)"), problem.toString());

            HttpURLConnection tooLarge = send(server, "PUT", "/datasets/first", ARROW, ids(200_000));
            assertEquals(413, tooLarge.getResponseCode());
            assertTrue(read(tooLarge.getErrorStream()).contains("1048576 bytes this server keeps of one dataset"));

            assertEquals(204, open(server, "DELETE", "/datasets/second").getResponseCode());
            assertEquals(List.of("first"), names(open(server, "GET", "/datasets")));
            assertTrue(Files.exists(uploads.resolve("broken.parts.json")), "left for the operator");
        }
    }

    @Test
    void theCatalogsLeastPaceEndsATrickledBodyWith408() throws Exception {
        Path catalog = Files.writeString(folder.resolve("catalog.yaml"), """
                uploads:
                  directory: uploads
                  writable: true
                  min_bytes_per_second: 1MiB
                  rate_window_seconds: 1
                """, StandardCharsets.UTF_8);
        try (ConfiguredDatasets configured = ConfiguredDatasets.load(catalog, null, Map.of());
                TestServer server = TestServer.withFeature(feature -> {
                    configured.configureUploads(feature, false);
                    return feature;
                });
                Socket socket = new Socket("127.0.0.1", server.port())) {
            byte[] body = ids(400_000);
            OutputStream out = socket.getOutputStream();
            out.write(("PUT /datasets/slow HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: " + ARROW
                            + "\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            // 100 KiB a second, a tenth of the pace asked for.
            long start = System.nanoTime();
            for (int sent = 0; sent < body.length && System.nanoTime() - start < 3_000_000_000L; sent += 1024) {
                try {
                    out.write(body, sent, Math.min(1024, body.length - sent));
                    out.flush();
                } catch (IOException answeredAndClosed) {
                    break;
                }
                Thread.sleep(10);
                if (socket.getInputStream().available() > 0) {
                    break;
                }
            }
            socket.setSoTimeout(5_000);
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            byte[] buffer = new byte[4096];
            try {
                for (int n = socket.getInputStream().read(buffer);
                        n >= 0;
                        n = socket.getInputStream().read(buffer)) {
                    received.write(buffer, 0, n);
                    if (received.toString(StandardCharsets.ISO_8859_1).contains("Nothing was written")) {
                        break;
                    }
                }
            } catch (IOException closed) {
                // What came before the connection ended is the answer.
            }
            String answer = received.toString(StandardCharsets.ISO_8859_1);
            assertTrue(answer.startsWith("HTTP/1.1 408"), answer);
            assertTrue(answer.contains("1048576 bytes per second"), answer);
            assertEquals(404, open(server, "GET", "/datasets/slow/info").getResponseCode());
        }
    }

    @Test
    void limitsOutOfRangeStopTheStartNamingTheLineAndTheRemedy() throws IOException {
        String open = "uploads:\n  directory: uploads\n  writable: true\n";
        assertRefused(open + "  max_metadata_bytes: 2MiB\n", 4, "'max_metadata_bytes' is a size from 1 to 1MiB");
        assertRefused(open + "  max_datasets: 0\n", 4, "'max_datasets' must be a whole number greater than 0");
        assertRefused(open + "  max_total_bytes: lots\n", 4, "'max_total_bytes' is a size such as");
        assertRefused(open + "  min_free_disk: -1\n", 4, "'min_free_disk' is a size such as");
        assertRefused(
                open + "  rate_window_seconds: 0\n", 4, "'rate_window_seconds' must be a whole number greater than 0");
    }

    private void assertRefused(String yaml, int line, String problem) throws IOException {
        Path catalog = Files.writeString(folder.resolve("mistake.yaml"), yaml, StandardCharsets.UTF_8);
        ConfigurationException refused =
                assertThrows(ConfigurationException.class, () -> ConfiguredDatasets.load(catalog, null, Map.of()));
        String message = refused.getMessage();
        assertTrue(message.startsWith(catalog + ":" + line + ": "), message);
        assertTrue(message.contains(problem), message);
    }

    private static List<String> names(HttpURLConnection catalog) throws IOException {
        List<String> names = new ArrayList<>();
        JSON.readTree(read(catalog.getInputStream()))
                .get("datasets")
                .forEach(dataset -> names.add(dataset.get("name").asText()));
        return names;
    }

    private static HttpURLConnection open(TestServer server, String method, String path) throws IOException {
        HttpURLConnection connection =
                (HttpURLConnection) server.uri(path).toURL().openConnection();
        connection.setConnectTimeout(5_000);
        connection.setReadTimeout(20_000);
        connection.setRequestMethod(method);
        return connection;
    }

    private static HttpURLConnection send(TestServer server, String method, String path, String type, byte[] body)
            throws IOException {
        HttpURLConnection connection = open(server, method, path);
        connection.setDoOutput(true);
        connection.setRequestProperty("Content-Type", type);
        connection.setFixedLengthStreamingMode(body.length);
        try (OutputStream out = connection.getOutputStream()) {
            out.write(body);
        }
        return connection;
    }

    private static byte[] multipart(String boundary, String json, byte[] arrow) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(("--" + boundary + "\r\nContent-Type: application/json\r\n\r\n" + json + "\r\n--" + boundary
                        + "\r\nContent-Type: " + ARROW + "\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8));
        body.writeBytes(arrow);
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return body.toByteArray();
    }

    /** An Arrow stream of one column of {@code rows} ids, in batches of at most 50,000. */
    private static byte[] ids(int rows) throws IOException {
        Schema schema = new Schema(List.of(Field.notNullable("id", new ArrowType.Int(64, true))));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (BufferAllocator allocator = new RootAllocator();
                VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator);
                ArrowStreamWriter writer = new ArrowStreamWriter(root, null, Channels.newChannel(out))) {
            writer.start();
            BigIntVector id = (BigIntVector) root.getVector("id");
            for (int written = 0; written < rows; written += 50_000) {
                int batch = Math.min(50_000, rows - written);
                id.allocateNew(batch);
                for (int i = 0; i < batch; i++) {
                    id.set(i, written + i);
                }
                root.setRowCount(batch);
                writer.writeBatch();
            }
            writer.end();
        }
        return out.toByteArray();
    }

    private static String read(InputStream in) throws IOException {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}

package io.arrowhttp.source.files;

import static io.arrowhttp.source.files.ArrowFileStoreTest.send;
import static io.arrowhttp.source.files.ArrowFileStoreTest.stream;
import static io.arrowhttp.source.files.ArrowFileStoreTest.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.arrowhttp.client.ArrowHttpClient;
import io.arrowhttp.protocol.ArrowHttpException;
import io.arrowhttp.protocol.ErrorCode;
import io.arrowhttp.server.auth.TokenAuthenticator;
import io.arrowhttp.server.auth.WritePermission;
import io.arrowhttp.testing.LogCapture;
import io.arrowhttp.testing.TestServer;
import java.io.BufferedWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an upload directory keeps, over HTTP: descriptions and metadata bounded, the datasets of
 * each writer and in all counted, quotas per dataset and in all, the free disk kept, {@code DELETE}
 * for writers, and manifests that cannot be served skipped at start while the others are.
 */
class StoreLimitsTest {

    private static final String ARROW = "application/vnd.apache.arrow.stream";
    private static final String PROBLEM = "application/problem+json";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ALICE = "alice-token-0123456789abcdef-0123456789";
    private static final String BOB = "bob-token-0123456789abcdef-0123456789ab";
    private static final String READER = "reader-token-0123456789abcdef-01234567";
    /** Large enough for every test that is not about it. */
    private static final long ROOMY = 1L << 40;

    @TempDir
    Path temporary;

    private Path uploads;
    private Path fixed;
    private TestServer server;
    private BufferAllocator allocator;

    @BeforeEach
    void writeFixedFile() throws IOException {
        uploads = temporary.resolve("uploads");
        fixed = temporary.resolve("fixed.arrows");
        Files.write(fixed, stream(0, 1, 10, null));
        allocator = new RootAllocator();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        allocator.close();
    }

    private static ArrowFileStore.Limits limits(
            long description, long metadata, int datasets, int perWriter, long datasetBytes, long totalBytes) {
        return new ArrowFileStore.Limits(
                description, metadata, 64 << 10, datasets, perWriter, datasetBytes, totalBytes, 0);
    }

    /** A server of the read-only dataset {@code fixed} and of uploads that alice and bob may write. */
    private TestServer start(ArrowFileStore.Limits limits) {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        server = TestServer.withFeature(builder -> builder.dataset(ArrowFileDataset.of("fixed", fixed))
                .uploads(new ArrowFileStore(uploads, limits), WritePermission.identities(List.of("alice", "bob")))
                .authentication(TokenAuthenticator.builder(key)
                        .apiTokens(Map.of("alice", ALICE, "bob", BOB, "carol", READER))
                        .allowInsecureHttp()
                        .build()));
        return server;
    }

    @Test
    void aDescriptionOrMetadataLargerThanTheStoreKeepsIsRefusedWithNothingWritten() throws IOException {
        start(limits(64, 128, 10, 10, ROOMY, ROOMY));
        byte[] arrow = stream(0, 1, 100, null);

        HttpURLConnection longDescription =
                multipart("PUT", "described", "{\"description\":\"" + "d".repeat(65) + "\"}", arrow, ALICE);
        JsonNode problem = problem(longDescription, 413, "TOO_LARGE");
        String detail = problem.get("detail").asText();
        assertTrue(detail.contains("description is 65 bytes"), detail);
        assertTrue(detail.contains("at most 64 bytes"), detail);
        assertTrue(detail.contains("shorten it"), detail);

        HttpURLConnection largeMetadata =
                multipart("PUT", "described", "{\"metadata\":{\"notes\":\"" + "m".repeat(200) + "\"}}", arrow, ALICE);
        detail = problem(largeMetadata, 413, "TOO_LARGE").get("detail").asText();
        assertTrue(detail.contains("metadata is 212 bytes of JSON"), detail);
        assertTrue(detail.contains("at most 128 bytes"), detail);
        assertEquals(404, get("/datasets/described", ALICE).getResponseCode());
        assertEquals(List.of(), files(), "nothing written");

        HttpURLConnection fits = multipart(
                "PUT",
                "described",
                "{\"description\":\"" + "d".repeat(64) + "\",\"metadata\":{\"source\":\"exchange\"}}",
                arrow,
                ALICE);
        assertEquals(201, fits.getResponseCode());
        String catalog = text(get("/datasets", READER).getInputStream());
        assertTrue(catalog.contains("\"description\":\"" + "d".repeat(64) + "\""), catalog);
    }

    @Test
    void aSchemaLargerThanTheStoreKeepsIsRefusedAndSoIsOneStoredBeforeTheLimitWasLowered() throws IOException {
        byte[] arrow = stream(0, 1, 10, null);
        start(limits(1024, 1024, 10, 10, ROOMY, ROOMY));
        assertEquals(201, put("wide", arrow, ALICE).getResponseCode());
        server.close();
        server = null;

        ArrowFileStore.Limits narrow = new ArrowFileStore.Limits(1024, 1024, 100, 10, 10, ROOMY, ROOMY, 0);
        try (LogCapture log = LogCapture.of(ArrowFileStore.class.getName())) {
            start(narrow);
            assertTrue(
                    log.messages().stream()
                            .anyMatch(message -> message.contains("wide.parts.json its schema is")
                                    && message.contains("more than the 100 a dataset's may be")),
                    log.messages().toString());
        }
        assertEquals(200, get("/datasets", READER).getResponseCode());
        problem(get("/datasets/wide", READER), 404, "NOT_FOUND");
        String detail = problem(put("narrow", arrow, ALICE), 413, "TOO_LARGE")
                .get("detail")
                .asText();
        assertTrue(detail.contains("The upload's schema is "), detail);
        assertTrue(detail.contains("at most 100 bytes of a dataset's schema"), detail);
    }

    @Test
    void eachWriterAndTheStoreHoldAtMostAsManyDatasetsAsConfiguredAlsoAfterARestart() throws IOException {
        ArrowFileStore.Limits limits = limits(1024, 1024, 3, 2, ROOMY, ROOMY);
        start(limits);
        byte[] arrow = stream(0, 1, 100, null);
        assertEquals(201, put("a1", arrow, ALICE).getResponseCode());
        assertEquals(201, put("a2", arrow, ALICE).getResponseCode());

        JsonNode problem = problem(put("a3", arrow, ALICE), 507, "RESOURCE_EXHAUSTED");
        assertEquals("Insufficient Storage", problem.get("title").asText());
        String detail = problem.get("detail").asText();
        assertTrue(detail.contains("Writer 'alice' has made 2 datasets, as many as one writer may (2)"), detail);
        assertTrue(detail.contains("DELETE /datasets/{name}"), detail);
        assertEquals(404, get("/datasets/a3", ALICE).getResponseCode());
        assertEquals(200, put("a1", arrow, ALICE).getResponseCode(), "replacing makes no dataset");
        assertEquals(
                200, send(server, "POST", "/datasets/a2", arrow, ARROW, ALICE).getResponseCode());

        assertEquals(201, put("b1", arrow, BOB).getResponseCode(), "bob's own count");
        detail = problem(put("b2", arrow, BOB), 507, "RESOURCE_EXHAUSTED")
                .get("detail")
                .asText();
        assertTrue(detail.contains("This server holds 3 uploaded datasets, as many as it keeps (3)"), detail);

        assertEquals(204, delete("a1", ALICE).getResponseCode());
        assertEquals(201, put("b2", arrow, BOB).getResponseCode(), "a deletion makes room");
        assertEquals(204, delete("a2", BOB).getResponseCode(), "any writer may delete");

        server.close();
        start(limits);
        detail = problem(put("b3", arrow, BOB), 507, "RESOURCE_EXHAUSTED")
                .get("detail")
                .asText();
        assertTrue(detail.contains("'bob' has made 2 datasets"), "who made what is kept: " + detail);
        assertEquals(201, put("a4", arrow, ALICE).getResponseCode());
    }

    @Test
    void anUploadThatWouldMakeADatasetLargerThanItsQuotaIsRefusedWithNothingWritten() throws IOException {
        start(limits(1024, 1024, 10, 10, 100_000, ROOMY));
        byte[] part = stream(0, 1, 1000, null);
        assertEquals(201, put("grown", part, ALICE).getResponseCode());
        int parts = 1;
        HttpURLConnection refused;
        while ((refused = send(server, "POST", "/datasets/grown", part, ARROW, ALICE)).getResponseCode() == 200) {
            parts++;
            assertTrue(parts < 10, "the quota holds a few parts only");
        }
        String detail = problem(refused, 413, "TOO_LARGE").get("detail").asText();
        assertTrue(detail.contains("'grown' would hold more than the 100000 bytes this server keeps of one"), detail);
        assertTrue(detail.contains("replace it with PUT, or delete it"), detail);
        assertEquals(parts * 1000L, rows("grown"));
        assertTrue(bytesOnDisk() <= 100_000, "within the quota: " + bytesOnDisk());

        HttpURLConnection tooLarge = put("grown", stream(0, 10, 2000, null), ALICE);
        detail = problem(tooLarge, 413, "TOO_LARGE").get("detail").asText();
        assertTrue(detail.contains("upload fewer rows"), detail);
        assertEquals(parts * 1000L, rows("grown"), "the dataset is as it was");
        assertEquals(parts + 1, files().size(), "its parts and manifest, no file of the refused upload");
    }

    @Test
    void theUploadsTogetherStayWithinTheTotalQuota() throws IOException {
        start(limits(1024, 1024, 10, 10, ROOMY, 150_000));
        byte[] arrow = stream(0, 6, 1000, null);
        assertEquals(201, put("x", arrow, ALICE).getResponseCode());

        String detail = problem(put("y", arrow, BOB), 507, "RESOURCE_EXHAUSTED")
                .get("detail")
                .asText();
        assertTrue(detail.contains("more than the 150000 bytes it keeps in all"), detail);
        assertTrue(detail.contains("delete datasets no longer needed"), detail);
        assertEquals(404, get("/datasets/y", BOB).getResponseCode());

        assertEquals(
                200,
                put("x", stream(10_000, 6, 1000, null), ALICE).getResponseCode(),
                "a replacement counts without the parts it replaces");
        assertEquals(6000, rows("x"));
        assertEquals(204, delete("x", ALICE).getResponseCode());
        assertEquals(201, put("y", arrow, BOB).getResponseCode());
        assertTrue(bytesOnDisk() <= 150_000, "within the quota: " + bytesOnDisk());
    }

    @Test
    void belowTheFreeSpaceTheDiskKeepsUploadsAreInsufficientStorage() throws IOException {
        start(new ArrowFileStore.Limits(1024, 1024, 64 << 10, 10, 10, ROOMY, ROOMY, Long.MAX_VALUE / 2));
        JsonNode problem = problem(put("full", stream(0, 1, 100, null), ALICE), 507, "RESOURCE_EXHAUSTED");
        assertEquals(507, problem.get("status").asInt());
        String detail = problem.get("detail").asText();
        assertTrue(detail.contains("The server's disk is nearly full"), detail);
        assertTrue(detail.contains("Nothing was written"), detail);
        assertFalse(problem.has("errorId"), "a limit, not a fault");
        assertEquals(List.of(), files());
        assertEquals(200, get("/datasets", READER).getResponseCode());
    }

    @Test
    void deleteRemovesAnUploadedDatasetAndItsFilesForWritersOnly() throws IOException {
        start(limits(1024, 1024, 10, 10, ROOMY, ROOMY));
        byte[] arrow = stream(0, 1, 100, null);
        assertEquals(201, put("doomed", arrow, ALICE).getResponseCode());
        assertEquals(
                200,
                send(server, "POST", "/datasets/doomed", arrow, ARROW, ALICE).getResponseCode());
        assertEquals(201, put("kept", arrow, ALICE).getResponseCode());

        JsonNode refused = problem(delete("doomed", READER), 403, "UNAUTHORIZED");
        assertTrue(refused.get("detail").asText().contains("'carol' may read but not write"), refused.toString());
        assertEquals(401, delete("doomed", null).getResponseCode());
        assertEquals(200L, rows("doomed"));

        HttpURLConnection deleted = delete("doomed", BOB);
        assertEquals(204, deleted.getResponseCode());
        assertEquals(0, text(deleted.getInputStream()).length());
        problem(get("/datasets/doomed", ALICE), 404, "NOT_FOUND");
        String catalog = text(get("/datasets", READER).getInputStream());
        assertFalse(catalog.contains("doomed"), catalog);
        assertTrue(catalog.contains("\"name\":\"kept\""), catalog);
        assertTrue(files().stream().noneMatch(file -> file.startsWith("doomed.")), files().toString());
        assertEquals(2, files().size(), "kept's part and manifest: " + files());

        problem(delete("doomed", BOB), 404, "NOT_FOUND");
        problem(delete("never", BOB), 404, "NOT_FOUND");
        HttpURLConnection readOnly = delete("fixed", ALICE);
        problem(readOnly, 405, "INVALID_ARGUMENT");
        assertEquals("GET, HEAD", readOnly.getHeaderField("Allow"));
        assertEquals(200, get("/datasets/fixed", READER).getResponseCode());

        assertEquals(201, put("doomed", arrow, ALICE).getResponseCode(), "the name can be used again");
        assertEquals(100L, rows("doomed"));
        server.close();
        start(limits(1024, 1024, 10, 10, ROOMY, ROOMY));
        assertEquals(100L, rows("doomed"));
    }

    @Test
    void aNotFoundListsTheFirstFiftyDatasetsOnly() throws IOException {
        start(limits(1024, 1024, 100, 100, ROOMY, ROOMY));
        byte[] arrow = stream(0, 1, 1, null);
        for (int i = 0; i < 60; i++) {
            assertEquals(201, put("many-" + i, arrow, ALICE).getResponseCode());
        }
        String detail = problem(get("/datasets/absent", READER), 404, "NOT_FOUND")
                .get("detail")
                .asText();
        assertTrue(detail.startsWith("No dataset named 'absent'; this server has: fixed, many-0, "), detail);
        assertTrue(detail.endsWith(" and 11 more (GET /datasets lists them all)"), detail);
    }

    @Test
    void theJavaClientDeletesAndReportsTheServersRefusals() throws IOException {
        start(limits(1024, 1024, 10, 10, ROOMY, ROOMY));
        assertEquals(201, put("gone", stream(0, 1, 10, null), ALICE).getResponseCode());
        try (ArrowHttpClient client =
                ArrowHttpClient.builder(server.uri("/")).bearerToken(ALICE).build()) {
            client.delete("gone");
            assertTrue(
                    client.listDatasets().stream().noneMatch(info -> info.name().equals("gone")));
            assertEquals(
                    ErrorCode.NOT_FOUND,
                    assertThrows(ArrowHttpException.class, () -> client.delete("gone"))
                            .code());
            ArrowHttpException readOnly = assertThrows(ArrowHttpException.class, () -> client.delete("fixed"));
            assertEquals(ErrorCode.INVALID_ARGUMENT, readOnly.code());
            assertTrue(readOnly.getMessage().contains("read-only"), readOnly.getMessage());
        }
    }

    @Test
    void manifestsThatCannotBeServedAreSkippedAtStartAndTheCatalogStillAnswers() throws IOException {
        start(limits(1024, 1024, 10, 10, ROOMY, ROOMY));
        assertEquals(201, put("good", stream(0, 2, 100, null), ALICE).getResponseCode());
        assertEquals(201, put("other", stream(0, 1, 50, null), BOB).getResponseCode());
        server.close();
        server = null;

        Path goodPart = uploads.resolve(manifest("good").get("parts").get(0).asText());
        Files.writeString(
                uploads.resolve("corrupt.parts.json"), "{\"parts\": [\"corrupt.0.part.arrow\"", StandardCharsets.UTF_8);
        try (BufferedWriter huge =
                Files.newBufferedWriter(uploads.resolve("huge.parts.json"), StandardCharsets.UTF_8)) {
            huge.write("{\"parts\":[\"huge.0123456789abcdef.part.arrow\"],\"description\":\"");
            for (int i = 0; i < 17 << 10; i++) {
                huge.write("x".repeat(1024));
            }
            huge.write("\"}");
        }
        Path fatPart = Files.copy(goodPart, uploads.resolve("fat.0123456789abcdef.part.arrow"));
        Files.writeString(
                uploads.resolve("fat.parts.json"),
                "{\"parts\":[\"fat.0123456789abcdef.part.arrow\"],\"description\":\"" + "f".repeat(2000) + "\"}",
                StandardCharsets.UTF_8);
        Files.writeString(
                uploads.resolve("escape.parts.json"), "{\"parts\":[\"../fixed.arrows\"]}", StandardCharsets.UTF_8);
        Files.writeString(
                uploads.resolve("missing.parts.json"),
                "{\"parts\":[\"missing.0123456789abcdef.part.arrow\"]}",
                StandardCharsets.UTF_8);
        Files.writeString(uploads.resolve("empty.parts.json"), "", StandardCharsets.UTF_8);

        try (LogCapture log = LogCapture.of(ArrowFileStore.class.getName())) {
            start(limits(1024, 1024, 10, 10, ROOMY, ROOMY));
            HttpURLConnection catalog = get("/datasets", READER);
            assertEquals(200, catalog.getResponseCode());
            JsonNode datasets = JSON.readTree(catalog.getInputStream()).get("datasets");
            List<String> names = new ArrayList<>();
            datasets.forEach(dataset -> names.add(dataset.get("name").asText()));
            assertEquals(List.of("fixed", "good", "other"), names);
            assertEquals(200L, rows("good"));
            assertEquals(50L, rows("other"));

            List<String> skipped = log.messages().stream()
                    .filter(message -> message.startsWith("Not serving uploaded dataset"))
                    .toList();
            for (String file : List.of("corrupt", "huge", "fat", "escape", "missing", "empty")) {
                List<String> lines = skipped.stream()
                        .filter(message -> message.contains(" " + file + ".parts.json "))
                        .toList();
                assertEquals(1, lines.size(), file + ": " + skipped);
                assertFalse(lines.get(0).contains("\n"), "one line: " + lines.get(0));
            }
            assertTrue(String.join("\n", skipped).contains("more than a manifest may be"), skipped.toString());
            assertTrue(
                    String.join("\n", skipped).contains("description is longer than the 1024 bytes"),
                    skipped.toString());
            assertTrue(String.join("\n", skipped).contains("not a part of this dataset"), skipped.toString());
        }
        assertTrue(Files.exists(fatPart), "a skipped dataset's parts stay for the operator");
        assertTrue(Files.exists(uploads.resolve("fat.parts.json")));
        assertEquals(201, put("fat", stream(0, 1, 5, null), ALICE).getResponseCode(), "a PUT makes it anew");
        assertEquals(5L, rows("fat"));
    }

    private HttpURLConnection put(String name, byte[] arrow, String token) throws IOException {
        return send(server, "PUT", "/datasets/" + name, arrow, ARROW, token);
    }

    private HttpURLConnection delete(String name, String token) throws IOException {
        HttpURLConnection connection =
                (HttpURLConnection) server.uri("/datasets/" + name).toURL().openConnection();
        connection.setConnectTimeout(5_000);
        connection.setReadTimeout(20_000);
        connection.setRequestMethod("DELETE");
        if (token != null) {
            connection.setRequestProperty("Authorization", "Bearer " + token);
        }
        return connection;
    }

    private HttpURLConnection get(String path, String token) throws IOException {
        HttpURLConnection connection =
                (HttpURLConnection) server.uri(path).toURL().openConnection();
        connection.setConnectTimeout(5_000);
        connection.setReadTimeout(20_000);
        connection.setRequestProperty("Authorization", "Bearer " + token);
        return connection;
    }

    /** A multipart upload: the JSON part, then the Arrow stream. */
    private HttpURLConnection multipart(String method, String name, String json, byte[] arrow, String token)
            throws IOException {
        String boundary = "store-limits-boundary";
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(("--" + boundary + "\r\nContent-Type: application/json\r\n\r\n" + json + "\r\n--" + boundary
                        + "\r\nContent-Type: " + ARROW + "\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8));
        body.writeBytes(arrow);
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return send(
                server,
                method,
                "/datasets/" + name,
                body.toByteArray(),
                "multipart/mixed; boundary=" + boundary,
                token);
    }

    /** The problem body of an answer, checked to have {@code status} and {@code code}. */
    private static JsonNode problem(HttpURLConnection answer, int status, String code) throws IOException {
        assertEquals(status, answer.getResponseCode());
        assertEquals(PROBLEM, answer.getContentType());
        JsonNode problem = JSON.readTree(text(answer.getErrorStream()));
        assertEquals(status, problem.get("status").asInt(), problem.toString());
        assertEquals(code, problem.get("code").asText(), problem.toString());
        return problem;
    }

    private long rows(String name) throws IOException {
        HttpURLConnection connection = get("/datasets/" + name, READER);
        connection.setRequestProperty("Accept", ARROW);
        assertEquals(200, connection.getResponseCode());
        long rows = 0;
        try (InputStream in = connection.getInputStream();
                ArrowStreamReader reader = new ArrowStreamReader(in, allocator)) {
            while (reader.loadNextBatch()) {
                rows += reader.getVectorSchemaRoot().getRowCount();
            }
        }
        return rows;
    }

    private JsonNode manifest(String name) throws IOException {
        return JSON.readTree(uploads.resolve(name + ArrowFileStore.MANIFEST).toFile());
    }

    /** The files of the upload directory, by name, sorted. */
    private List<String> files() throws IOException {
        if (!Files.isDirectory(uploads)) {
            return List.of();
        }
        try (Stream<Path> listing = Files.list(uploads)) {
            return listing.map(file -> file.getFileName().toString()).sorted().toList();
        }
    }

    private long bytesOnDisk() throws IOException {
        try (Stream<Path> listing = Files.list(uploads)) {
            long bytes = 0;
            for (Path file : listing.toList()) {
                bytes += Files.size(file);
            }
            return bytes;
        }
    }
}

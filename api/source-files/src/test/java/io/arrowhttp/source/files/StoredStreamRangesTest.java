package io.arrowhttp.source.files;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.arrowhttp.testing.TestServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An Arrow file's bare stream served as a static file server serves a file: length, validators,
 * byte ranges, and a download that curl resumes after it broke off, byte for byte.
 */
class StoredStreamRangesTest {

    private static final String ARROW = "application/vnd.apache.arrow.stream";

    @TempDir
    static Path temporary;

    private static TestServer server;
    private static byte[] stream;
    private static Path streamFile;

    @BeforeAll
    static void start() throws IOException {
        Path file = temporary.resolve("ids.arrow");
        writeIds(file, 20, 10_000);
        stream = streamOf(file);
        // The same stream as an .arrows file, as another writer would leave it.
        streamFile = Files.write(temporary.resolve("ids.arrows"), stream);
        server = TestServer.withFeature(feature -> feature.dataset(ArrowFileDataset.of("ids", file))
                .dataset(ArrowFileDataset.of("ids_stream", streamFile)));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void theWholeStreamComesWithItsLengthAndValidatorsAndIsTheFilesStream() throws IOException {
        HttpURLConnection whole = get("/datasets/ids", Map.of());
        assertEquals(200, whole.getResponseCode());
        assertEquals(Long.toString(stream.length), whole.getHeaderField("Content-Length"));
        assertEquals("bytes", whole.getHeaderField("Accept-Ranges"));
        assertTrue(whole.getHeaderField("ETag").startsWith("\""), whole.getHeaderField("ETag"));
        assertTrue(whole.getHeaderField("Last-Modified").endsWith("GMT"));
        byte[] body = body(whole);
        assertArrayEquals(stream, body);
        assertEquals(200_000, rows(body));
    }

    @Test
    void positionsOfAnyLengthAreRangesNotIgnored() throws IOException {
        HttpURLConnection beyond = get("/datasets/ids", Map.of("Range", "bytes=99999999999999999999-"));
        assertEquals(416, beyond.getResponseCode());
        assertEquals("bytes */" + stream.length, beyond.getHeaderField("Content-Range"));
        HttpURLConnection toTheEnd = get("/datasets/ids", Map.of("Range", "bytes=100-9223372036854775807"));
        assertEquals(206, toTheEnd.getResponseCode());
        assertArrayEquals(Arrays.copyOfRange(stream, 100, stream.length), body(toTheEnd));
        HttpURLConnection padded = get("/datasets/ids", Map.of("Range", "bytes=000000000000000000000100-199"));
        assertEquals(206, padded.getResponseCode());
        assertArrayEquals(Arrays.copyOfRange(stream, 100, 200), body(padded));
    }

    @Test
    void headAnswersExactlyTheHeadersOfTheGetWithoutABody() throws IOException {
        for (Map<String, String> asked : List.of(Map.<String, String>of(), Map.of("Range", "bytes=100-199"))) {
            HttpURLConnection get = get("/datasets/ids", asked);
            int getStatus = get.getResponseCode();
            body(get);
            HttpURLConnection head = get("/datasets/ids", asked);
            head.setRequestMethod("HEAD");
            assertEquals(getStatus, head.getResponseCode(), asked.toString());
            for (String header : List.of(
                    "Content-Type", "Content-Length", "Content-Range", "ETag", "Last-Modified", "Accept-Ranges")) {
                assertEquals(get.getHeaderField(header), head.getHeaderField(header), header + " for " + asked);
            }
            assertNull(head.getHeaderField("Transfer-Encoding"), asked.toString());
            assertEquals(0, body(head).length);
        }
    }

    @Test
    void aRangeIsThoseBytesAndARangeFromAnOffsetResumesTheDownload() throws IOException {
        HttpURLConnection middle = get("/datasets/ids", Map.of("Range", "bytes=100-199"));
        assertEquals(206, middle.getResponseCode());
        assertEquals("bytes 100-199/" + stream.length, middle.getHeaderField("Content-Range"));
        assertArrayEquals(Arrays.copyOfRange(stream, 100, 200), body(middle));

        int broke = stream.length / 3;
        HttpURLConnection rest = get("/datasets/ids", Map.of("Range", "bytes=" + broke + "-"));
        assertEquals(206, rest.getResponseCode());
        byte[] resumed = concat(Arrays.copyOf(stream, broke), body(rest));
        assertArrayEquals(stream, resumed);
        assertEquals(200_000, rows(resumed));

        HttpURLConnection suffix = get("/datasets/ids", Map.of("Range", "bytes=-8"));
        assertArrayEquals(
                new byte[] {-1, -1, -1, -1, 0, 0, 0, 0}, body(suffix), "the last 8 bytes: the end-of-stream marker");
    }

    @Test
    void theCatalogListsTheStreamsLengthAndWhereEachBatchStartsForRangesOfBatches() throws IOException {
        JsonNode info =
                new ObjectMapper().readTree(server.uri("/datasets/ids/info").toURL());
        assertEquals(stream.length, info.get("totalBytes").asLong());
        JsonNode offsets = info.get("batchOffsets");
        assertEquals(20, offsets.size());
        // Batches 5 to 7 by range, after the schema, make a stream of their own.
        HttpURLConnection schema = get(
                "/datasets/ids", Map.of("Range", "bytes=0-" + (offsets.get(0).asLong() - 1)));
        HttpURLConnection batches = get(
                "/datasets/ids",
                Map.of(
                        "Range",
                        "bytes=" + offsets.get(5).asLong() + "-"
                                + (offsets.get(8).asLong() - 1)));
        byte[] part = concat(concat(body(schema), body(batches)), new byte[] {-1, -1, -1, -1, 0, 0, 0, 0});
        assertEquals(30_000, rows(part));
    }

    @Test
    void anArrowsStreamFileIsServedAsItIsWithRanges() throws IOException {
        HttpURLConnection whole = get("/datasets/ids_stream", Map.of());
        assertEquals(200, whole.getResponseCode());
        assertEquals("bytes", whole.getHeaderField("Accept-Ranges"));
        assertArrayEquals(Files.readAllBytes(streamFile), body(whole), "the file itself");
        HttpURLConnection rest = get("/datasets/ids_stream", Map.of("Range", "bytes=1000-"));
        assertEquals(206, rest.getResponseCode());
        assertArrayEquals(
                concat(Arrays.copyOf(Files.readAllBytes(streamFile), 1000), body(rest)),
                Files.readAllBytes(streamFile));
    }

    @Test
    void anIfRangeThatNoLongerMatchesGetsTheWholeAndAnUnsatisfiableRangeA416() throws IOException {
        HttpURLConnection first = get("/datasets/ids", Map.of());
        String tag = first.getHeaderField("ETag");
        body(first);
        HttpURLConnection same = get("/datasets/ids", Map.of("Range", "bytes=10-19", "If-Range", tag));
        assertEquals(206, same.getResponseCode());
        assertArrayEquals(Arrays.copyOfRange(stream, 10, 20), body(same));
        HttpURLConnection other = get("/datasets/ids", Map.of("Range", "bytes=10-19", "If-Range", "\"elsewhere\""));
        assertEquals(200, other.getResponseCode());
        assertArrayEquals(stream, body(other));

        HttpURLConnection beyond = get("/datasets/ids", Map.of("Range", "bytes=" + stream.length + "-"));
        assertEquals(416, beyond.getResponseCode());
        assertEquals("bytes */" + stream.length, beyond.getHeaderField("Content-Range"));
        assertTrue(beyond.getContentType().startsWith("application/problem+json"), beyond.getContentType());
    }

    @Test
    void requestsWithParametersOrCompressionAreStreamedAsUsualWithoutRanges() throws IOException {
        HttpURLConnection columns = get("/datasets/ids?limit=5", Map.of("Range", "bytes=0-9"));
        assertEquals(200, columns.getResponseCode());
        assertNull(columns.getHeaderField("Accept-Ranges"));
        assertEquals(5, rows(body(columns)));
        HttpURLConnection compressed =
                get("/datasets/ids", Map.of("Range", "bytes=0-9", "Accept-Encoding", "gzip, *;q=0"));
        assertEquals(200, compressed.getResponseCode());
        assertNull(compressed.getHeaderField("Accept-Ranges"));
        assertEquals("gzip", compressed.getHeaderField("Content-Encoding"));
        body(compressed);
    }

    @Test
    void curlResumesABrokenDownloadByteForByte() throws Exception {
        Path curl = Path.of("/usr/bin/curl");
        if (!Files.isExecutable(curl)) {
            if ("true".equals(System.getenv("CI"))) {
                throw new IllegalStateException("curl is missing: .ci/run installs Debian's curl package");
            }
            Assumptions.abort("curl is not installed; skipping the resume test");
        }
        Path download = temporary.resolve("download.arrows");
        Files.write(download, Arrays.copyOf(stream, 12_345));
        Process process = new ProcessBuilder(
                        curl.toString(),
                        "--silent",
                        "--show-error",
                        "--max-time",
                        "30",
                        "--continue-at",
                        "-",
                        "--header",
                        "Accept: " + ARROW,
                        "--output",
                        download.toString(),
                        server.uri("/datasets/ids").toString())
                .redirectErrorStream(true)
                .start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, process.exitValue(), output);
        assertArrayEquals(stream, Files.readAllBytes(download));
    }

    @Test
    void theArrowsUrlIsTheStoredStreamWithLengthValidatorsAndRangesWhateverAcceptSays() throws IOException {
        for (String accept : new String[] {null, "*/*", "text/html,*/*;q=0.8"}) {
            HttpURLConnection whole = plainGet("/datasets/ids.arrows", accept, Map.of());
            assertEquals(200, whole.getResponseCode(), "Accept: " + accept);
            assertEquals(ARROW, whole.getContentType());
            assertEquals(Long.toString(stream.length), whole.getHeaderField("Content-Length"));
            assertEquals("bytes", whole.getHeaderField("Accept-Ranges"));
            assertTrue(whole.getHeaderField("ETag").startsWith("\""), whole.getHeaderField("ETag"));
            assertArrayEquals(stream, body(whole));
        }
        HttpURLConnection middle = plainGet("/datasets/ids.arrows", null, Map.of("Range", "bytes=100-199"));
        assertEquals(206, middle.getResponseCode());
        assertEquals("bytes 100-199/" + stream.length, middle.getHeaderField("Content-Range"));
        assertArrayEquals(Arrays.copyOfRange(stream, 100, 200), body(middle));
        HttpURLConnection beyond =
                plainGet("/datasets/ids.arrows", null, Map.of("Range", "bytes=" + stream.length + "-"));
        assertEquals(416, beyond.getResponseCode());
        assertEquals("bytes */" + stream.length, beyond.getHeaderField("Content-Range"));
    }

    @Test
    void aRangeOfAStreamMadeForTheRequestIsAnsweredWithTheWholeStream() throws IOException {
        HttpURLConnection limited = plainGet("/datasets/ids.arrows?limit=5", null, Map.of("Range", "bytes=10-19"));
        assertEquals(200, limited.getResponseCode());
        assertNull(limited.getHeaderField("Accept-Ranges"));
        assertNull(limited.getHeaderField("Content-Range"));
        assertEquals(5, rows(body(limited)));
    }

    @Test
    void curlLearnsTheLengthFetchesTwoHalvesAndResumesOnTheArrowsUrlWithoutHeaders() throws Exception {
        Path curl = curl();
        String url = server.uri("/datasets/ids.arrows").toString();
        String head = run(curl.toString(), "--silent", "--show-error", "--head", url);
        assertTrue(head.contains("Content-Length: " + stream.length), head);
        assertTrue(head.contains("Accept-Ranges: bytes"), head);
        int half = stream.length / 2;
        Path first = temporary.resolve("half1.arrows");
        Path second = temporary.resolve("half2.arrows");
        run(curl.toString(), "--silent", "--show-error", "-r", "0-" + (half - 1), "-o", first.toString(), url);
        run(
                curl.toString(),
                "--silent",
                "--show-error",
                "-r",
                half + "-" + (stream.length - 1),
                "-o",
                second.toString(),
                url);
        assertArrayEquals(stream, concat(Files.readAllBytes(first), Files.readAllBytes(second)));
        Path resumed = temporary.resolve("resumed.arrows");
        Files.write(resumed, Arrays.copyOf(stream, 4_321));
        run(curl.toString(), "--silent", "--show-error", "-C", "-", "-o", resumed.toString(), url);
        assertArrayEquals(stream, Files.readAllBytes(resumed));
    }

    private static Path curl() {
        Path curl = Path.of("/usr/bin/curl");
        if (!Files.isExecutable(curl)) {
            if ("true".equals(System.getenv("CI"))) {
                throw new IllegalStateException("curl is missing: .ci/run installs Debian's curl package");
            }
            Assumptions.abort("curl is not installed; skipping the curl test");
        }
        return curl;
    }

    /** Runs the command, at most 60 s, and returns its output after checking that it succeeded. */
    private static String run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, process.exitValue(), output);
        return output;
    }

    /** A GET with Java's own Accept (accept null) or the one given, and the other headers given. */
    private static HttpURLConnection plainGet(String path, String accept, Map<String, String> headers)
            throws IOException {
        HttpURLConnection connection =
                (HttpURLConnection) server.uri(path).toURL().openConnection();
        connection.setConnectTimeout(5_000);
        connection.setReadTimeout(20_000);
        if (accept != null) {
            connection.setRequestProperty("Accept", accept);
        }
        headers.forEach(connection::setRequestProperty);
        return connection;
    }

    private static HttpURLConnection get(String path, Map<String, String> headers) throws IOException {
        HttpURLConnection connection =
                (HttpURLConnection) server.uri(path).toURL().openConnection();
        connection.setConnectTimeout(5_000);
        connection.setReadTimeout(20_000);
        connection.setRequestProperty("Accept", ARROW);
        headers.forEach(connection::setRequestProperty);
        return connection;
    }

    private static byte[] body(HttpURLConnection connection) throws IOException {
        try (InputStream in = connection.getInputStream()) {
            return in.readAllBytes();
        }
    }

    private static long rows(byte[] body) throws IOException {
        long rows = 0;
        try (BufferAllocator allocator = new RootAllocator();
                ArrowStreamReader reader = new ArrowStreamReader(new ByteArrayInputStream(body), allocator)) {
            while (reader.loadNextBatch()) {
                rows += reader.getVectorSchemaRoot().getRowCount();
            }
        }
        return rows;
    }

    private static byte[] concat(byte[] first, byte[] second) {
        byte[] both = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        return both;
    }

    /** The file's bytes between its leading magic and its footer: the stream a reader of the file reads. */
    private static byte[] streamOf(Path file) throws IOException {
        byte[] all = Files.readAllBytes(file);
        int footerLength = ByteBuffer.wrap(all, all.length - 10, 4)
                .order(ByteOrder.LITTLE_ENDIAN)
                .getInt();
        return Arrays.copyOfRange(all, 8, all.length - 10 - footerLength);
    }

    private static void writeIds(Path file, int batches, int rows) throws IOException {
        Schema schema = new Schema(List.of(Field.notNullable("id", new ArrowType.Int(64, true))));
        try (BufferAllocator allocator = new RootAllocator();
                VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator);
                FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                ArrowFileWriter writer = new ArrowFileWriter(root, null, channel)) {
            writer.start();
            BigIntVector id = (BigIntVector) root.getVector("id");
            long next = 0;
            for (int batch = 0; batch < batches; batch++) {
                id.allocateNew(rows);
                for (int row = 0; row < rows; row++) {
                    id.set(row, next++);
                }
                root.setRowCount(rows);
                writer.writeBatch();
            }
            writer.end();
        }
    }
}

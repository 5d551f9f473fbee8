package io.arrowhttp.source.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.arrowhttp.dataset.Dataset;
import io.arrowhttp.dataset.DatasetRequest;
import io.arrowhttp.protocol.IpcCodec;
import io.arrowhttp.protocol.internal.BufferCodecs;
import io.arrowhttp.server.auth.WritePermission;
import io.arrowhttp.testing.TestServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.apache.arrow.flatbuf.RecordBatch;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.apache.arrow.vector.ipc.ReadChannel;
import org.apache.arrow.vector.ipc.message.IpcOption;
import org.apache.arrow.vector.ipc.message.MessageMetadataResult;
import org.apache.arrow.vector.ipc.message.MessageSerializer;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Uploads through the server into Arrow files: PUT and POST of Arrow streams, read back value by
 * value, and every refusal leaving the dataset and the directory as they were.
 */
class ArrowFileStoreTest {

    private static final String ARROW = "application/vnd.apache.arrow.stream";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Schema SCHEMA = new Schema(List.of(
            Field.notNullable("id", new ArrowType.Int(64, true)), Field.nullable("name", ArrowType.Utf8.INSTANCE)));

    /** Arrow memory per response and per upload. */
    private static final long UPLOAD_MEMORY = 4L << 20;

    @TempDir
    static Path temporary;

    private static Path uploads;
    private static ArrowFileStore store;
    private static TestServer server;
    private static BufferAllocator allocator;

    @BeforeAll
    static void start() throws IOException {
        allocator = new RootAllocator();
        uploads = temporary.resolve("uploads");
        Path readOnly = temporary.resolve("read-only.arrows");
        Files.write(readOnly, stream(0, 1, 10, null));
        server = TestServer.withFeature(builder -> builder.dataset(ArrowFileDataset.of("fixed", readOnly))
                .responseMemoryLimit(UPLOAD_MEMORY)
                .uploads(store = new ArrowFileStore(uploads), WritePermission.anyone()));
    }

    @AfterAll
    static void stop() {
        server.close();
        allocator.close();
    }

    @Test
    void putCreatesADatasetThatIsServedAtOnce() throws IOException {
        HttpURLConnection put = send("PUT", "/datasets/created", stream(0, 3, 1000, null), ARROW);
        assertEquals(201, put.getResponseCode());
        assertTrue(put.getHeaderField("Location").endsWith("/datasets/created"), put.getHeaderField("Location"));
        String answer = text(put.getInputStream());
        assertTrue(answer.contains("\"rows\":3000,\"batches\":3,"), answer);
        assertTrue(answer.contains("\"name\":\"created\""), answer);
        assertEquals(range(0, 3000), ids("created"));
        assertTrue(text(server.uri("/datasets").toURL().openStream()).contains("\"name\":\"created\""));
    }

    @Test
    void putReplacesAndPostAppends() throws IOException {
        assertEquals(
                201,
                send("PUT", "/datasets/grown", stream(0, 2, 500, null), ARROW).getResponseCode());
        HttpURLConnection post = send("POST", "/datasets/grown", stream(1000, 1, 500, null), ARROW);
        assertEquals(200, post.getResponseCode());
        assertTrue(text(post.getInputStream()).contains("\"rows\":500,\"batches\":1,"));
        List<Long> expected = new ArrayList<>(range(0, 1000));
        expected.addAll(range(1000, 1500));
        assertEquals(expected, ids("grown"));
        assertEquals(2, parts("grown"), "an append adds a file of its own, the dataset is not written again");

        assertEquals(
                200,
                send("PUT", "/datasets/grown", stream(7, 1, 3, null), ARROW).getResponseCode());
        assertEquals(range(7, 10), ids("grown"));
        assertEquals(1, parts("grown"), "a replacement deletes the parts it replaced");
    }

    @Test
    void theColumnsAndTheLimitOfARequestSpanEveryPart() throws IOException {
        assertEquals(
                201,
                send("PUT", "/datasets/spanned", stream(0, 2, 300, null), ARROW).getResponseCode());
        for (int first = 600; first < 1500; first += 300) {
            assertEquals(
                    200,
                    send("POST", "/datasets/spanned", stream(first, 1, 300, null), ARROW)
                            .getResponseCode());
        }
        assertEquals(4, parts("spanned"));
        assertEquals(range(0, 1500), ids("spanned"));
        HttpURLConnection limited = (HttpURLConnection)
                server.uri("/datasets/spanned?columns=id&limit=1000").toURL().openConnection();
        limited.setReadTimeout(20_000);
        limited.setRequestProperty("Accept", ARROW);
        List<Long> read = new ArrayList<>();
        try (InputStream in = limited.getInputStream();
                ArrowStreamReader reader = new ArrowStreamReader(in, allocator)) {
            assertEquals(
                    List.of("id"),
                    reader.getVectorSchemaRoot().getSchema().getFields().stream()
                            .map(Field::getName)
                            .toList());
            while (reader.loadNextBatch()) {
                BigIntVector id = (BigIntVector) reader.getVectorSchemaRoot().getVector("id");
                for (int i = 0; i < reader.getVectorSchemaRoot().getRowCount(); i++) {
                    read.add(id.get(i));
                }
            }
        }
        assertEquals(range(0, 1000), read);
        assertTrue(
                text(server.uri("/datasets/spanned/info").toURL().openStream()).contains("\"totalRecords\":1500"));
    }

    @Test
    void theCatalogListsAnEndpointPerPartAndEachServesItsPartOnly() throws IOException {
        assertEquals(
                201,
                send("PUT", "/datasets/split", stream(0, 1, 100, null), ARROW).getResponseCode());
        JsonNode single = JSON.readTree(server.uri("/datasets/split/info").toURL());
        assertEquals(1, single.get("endpoints").size(), "one part: the dataset whole, not partitioned");
        assertTrue(single.get("ordered").isNull());
        assertEquals(
                200,
                send("POST", "/datasets/split", stream(100, 2, 50, null), ARROW).getResponseCode());
        assertEquals(
                200,
                send("POST", "/datasets/split", stream(200, 1, 30, null), ARROW).getResponseCode());

        JsonNode info = JSON.readTree(server.uri("/datasets/split/info").toURL());
        assertEquals(
                server.uri("/datasets/split").toString(), info.get("location").asText());
        assertTrue(info.get("ordered").asBoolean());
        JsonNode endpoints = info.get("endpoints");
        assertEquals(3, endpoints.size());
        List<Long> sizes = List.of(100L, 100L, 30L);
        List<Long> all = new ArrayList<>();
        for (int partition = 0; partition < 3; partition++) {
            JsonNode endpoint = endpoints.get(partition);
            assertEquals(sizes.get(partition), endpoint.get("totalRecords").asLong());
            String location = endpoint.get("locations").get(0).asText();
            assertEquals(server.uri("/datasets/split?partition=" + partition).toString(), location);
            List<Long> part = idsAt(URI.create(location));
            assertEquals(sizes.get(partition).longValue(), part.size());
            all.addAll(part);
        }
        assertEquals(ids("split"), all, "the partitions in order are the dataset");

        HttpURLConnection beyond = (HttpURLConnection)
                server.uri("/datasets/split?partition=3").toURL().openConnection();
        assertEquals(400, beyond.getResponseCode());
        assertTrue(text(beyond.getErrorStream()).contains("'partition' must be a whole number from 0 to 2"));
        HttpURLConnection whole = (HttpURLConnection)
                server.uri("/datasets/fixed?partition=0").toURL().openConnection();
        assertEquals(400, whole.getResponseCode());
        assertTrue(text(whole.getErrorStream()).contains("'fixed' is not partitioned"));
    }

    /** The ids of the bare stream at {@code uri}, in order. */
    private static List<Long> idsAt(URI uri) throws IOException {
        return idsAt(uri, allocator);
    }

    /** The ids of the bare stream at {@code uri}, in order, read with {@code allocator}. */
    static List<Long> idsAt(URI uri, BufferAllocator allocator) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) uri.toURL().openConnection();
        connection.setReadTimeout(20_000);
        connection.setRequestProperty("Accept", ARROW);
        List<Long> ids = new ArrayList<>();
        try (InputStream in = connection.getInputStream();
                ArrowStreamReader reader = new ArrowStreamReader(in, allocator)) {
            while (reader.loadNextBatch()) {
                BigIntVector id = (BigIntVector) reader.getVectorSchemaRoot().getVector("id");
                for (int i = 0; i < reader.getVectorSchemaRoot().getRowCount(); i++) {
                    ids.add(id.get(i));
                }
            }
        }
        return ids;
    }

    @Test
    void aRequestThatBeganBeforeAReplacementServesTheNewContentWhenTheOldPartsAreGone() throws IOException {
        assertEquals(
                201,
                send("PUT", "/datasets/swapped", stream(0, 1, 100, null), ARROW).getResponseCode());
        Dataset before = store.datasets().stream()
                .filter(dataset -> dataset.name().equals("swapped"))
                .findFirst()
                .orElseThrow();
        assertEquals(
                200,
                send("PUT", "/datasets/swapped", stream(500, 1, 50, null), ARROW)
                        .getResponseCode());
        try (BufferAllocator reading = new RootAllocator();
                ArrowReader reader = before.open(DatasetRequest.of(Map.of()), reading)) {
            long rows = 0;
            while (reader.loadNextBatch()) {
                BigIntVector id = (BigIntVector) reader.getVectorSchemaRoot().getVector("id");
                assertEquals(500 + rows, id.get(0));
                rows += reader.getVectorSchemaRoot().getRowCount();
            }
            assertEquals(50, rows);
        }
    }

    /** How many part files dataset {@code name} has. */
    private static long parts(String name) throws IOException {
        try (Stream<Path> files = Files.list(uploads)) {
            return files.filter(file -> file.getFileName().toString().startsWith(name + ".")
                            && file.getFileName().toString().endsWith(".part.arrow"))
                    .count();
        }
    }

    @Test
    void anAppendWithAnotherSchemaIsRefusedNamingTheColumn() throws IOException {
        assertEquals(
                201,
                send("PUT", "/datasets/typed", stream(0, 1, 100, null), ARROW).getResponseCode());
        HttpURLConnection post = send("POST", "/datasets/typed", OtherSchemaStreams.intIds(), ARROW);
        assertEquals(400, post.getResponseCode());
        String problem = text(post.getErrorStream());
        assertTrue(problem.contains("column 1: the dataset has 'id' Int(64, true) not null, the upload 'id'"), problem);
        assertTrue(problem.contains("Nothing was written."), problem);
        assertEquals(range(0, 100), ids("typed"));
    }

    @Test
    void anAppendThatDiffersOnlyInAListsChildNameAndFieldMetadataIsStoredWithTheDatasetsSchema() throws IOException {
        ArrowType int64 = new ArrowType.Int(64, true);
        assertEquals(
                201,
                send(
                                "PUT",
                                "/datasets/tagged",
                                OtherSchemaStreams.tags(0, 3, "element", int64, Map.of("unit", "tag")),
                                ARROW)
                        .getResponseCode());
        HttpURLConnection post =
                send("POST", "/datasets/tagged", OtherSchemaStreams.tags(10, 2, "item", int64, null), ARROW);
        int status = post.getResponseCode();
        assertEquals(200, status, status == 200 ? "" : text(post.getErrorStream()));
        HttpURLConnection connection = get("tagged");
        assertEquals(200, connection.getResponseCode());
        List<Object> values = new ArrayList<>();
        try (InputStream in = connection.getInputStream();
                ArrowStreamReader reader = new ArrowStreamReader(in, allocator)) {
            Field tags = reader.getVectorSchemaRoot().getSchema().findField("tags");
            assertEquals("element", tags.getChildren().get(0).getName());
            assertEquals(Map.of("unit", "tag"), tags.getMetadata());
            while (reader.loadNextBatch()) {
                ListVector vector = (ListVector) reader.getVectorSchemaRoot().getVector("tags");
                for (int i = 0; i < vector.getValueCount(); i++) {
                    values.add(vector.getObject(i).toString());
                }
            }
        }
        assertEquals(List.of("[0,1]", "[1,2]", "[2,3]", "[10,11]", "[11,12]"), values);
        List<Path> parts;
        try (Stream<Path> files = Files.list(uploads)) {
            parts = files.filter(file -> file.getFileName().toString().startsWith("tagged.")
                            && file.getFileName().toString().endsWith(".part.arrow"))
                    .toList();
        }
        assertEquals(2, parts.size());
        for (Path part : parts) {
            try (FileChannel channel = FileChannel.open(part, StandardOpenOption.READ);
                    ArrowFileReader reader = new ArrowFileReader(channel, allocator)) {
                Field tags = reader.getVectorSchemaRoot().getSchema().findField("tags");
                assertEquals("element", tags.getChildren().get(0).getName(), part.toString());
                assertEquals(Map.of("unit", "tag"), tags.getMetadata(), part.toString());
            }
        }
    }

    @Test
    void anAppendWhoseListHoldsAnotherTypeIsRefusedNamingTheNestedField() throws IOException {
        assertEquals(
                201,
                send(
                                "PUT",
                                "/datasets/nested",
                                OtherSchemaStreams.tags(0, 1, "element", new ArrowType.Int(64, true), null),
                                ARROW)
                        .getResponseCode());
        HttpURLConnection post = send(
                "POST",
                "/datasets/nested",
                OtherSchemaStreams.tags(0, 1, "item", new ArrowType.Int(32, true), null),
                ARROW);
        assertEquals(400, post.getResponseCode());
        String problem = text(post.getErrorStream());
        assertTrue(
                problem.contains("column 1: 'tags'.'element': the dataset has 'element' Int(64, true),"
                        + " the upload 'item' Int(32, true)"),
                problem);
    }

    @Test
    void anUploadThatBreaksOffChangesNothingAndLeavesNoFile() throws IOException {
        assertEquals(
                201,
                send("PUT", "/datasets/kept", stream(0, 2, 100, null), ARROW).getResponseCode());
        byte[] whole = stream(500, 3, 1000, null);
        // Between two batches, without the end-of-stream marker: Arrow's reader alone takes that for the end.
        byte[] withoutEnd = Arrays.copyOf(whole, whole.length - 8);
        byte[] midBatch = Arrays.copyOf(whole, whole.length / 2);
        for (byte[] broken : List.of(withoutEnd, midBatch)) {
            for (String method : List.of("PUT", "POST")) {
                HttpURLConnection refused = send(method, "/datasets/kept", broken, ARROW);
                assertEquals(400, refused.getResponseCode(), method);
                String problem = text(refused.getErrorStream());
                assertTrue(problem.contains("Nothing was written."), problem);
            }
        }
        assertEquals(range(0, 200), ids("kept"));
        try (Stream<Path> files = Files.list(uploads)) {
            assertTrue(files.noneMatch(file -> file.getFileName().toString().endsWith(".uploading")));
        }
    }

    @Test
    void aBatchLargerThanAnUploadMayHoldIsRefusedNamingTheRemedy() throws IOException {
        HttpURLConnection put = send("PUT", "/datasets/huge", stream(0, 1, 300_000, null), ARROW);
        assertEquals(413, put.getResponseCode());
        String problem = text(put.getErrorStream());
        assertTrue(problem.contains("send smaller batches"), problem);
        assertEquals(404, get("huge").getResponseCode());
    }

    @Test
    void uploadsPastTheBytesOrRowsLimitAreRefusedWithNothingWritten() throws IOException {
        Path limited = temporary.resolve("limited");
        try (TestServer small = TestServer.withFeature(builder -> builder.maxUploadBytes(1 << 20)
                .maxUploadRows(50_000)
                .uploads(new ArrowFileStore(limited), WritePermission.anyone()))) {
            // About 22 bytes a row: 60,000 rows pass 1 MiB before they pass 50,000 rows; 60,000 rows
            // without names (about 12 bytes a row) stay under 1 MiB.
            HttpURLConnection bytes = send(small, "PUT", "/datasets/big", stream(0, 3, 20_000, null), ARROW);
            assertEquals(413, bytes.getResponseCode());
            String tooMany = text(bytes.getErrorStream());
            assertTrue(tooMany.contains("bytes this server takes in one request"), tooMany);
            HttpURLConnection rows = send(small, "PUT", "/datasets/big", unnamedStream(60_000), ARROW);
            assertEquals(413, rows.getResponseCode());
            assertTrue(text(rows.getErrorStream()).contains("rows this server takes in one request"));
            assertEquals(
                    404,
                    send(small, "POST", "/datasets/big", stream(0, 1, 10, null), ARROW)
                            .getResponseCode());
        }
        try (Stream<Path> files = Files.list(limited)) {
            assertEquals(0, files.count());
        }
    }

    @Test
    void compressedUploadsCountTheArrowBytesTheyWouldStoreAndTheBodyHasALimitOfItsOwn() throws IOException {
        Path limited = temporary.resolve("decoded");
        try (TestServer small = TestServer.withFeature(builder -> builder.maxUploadBytes(1 << 20)
                .maxUploadBodyBytes(256 << 10)
                .uploads(new ArrowFileStore(limited), WritePermission.anyone()))) {
            // Ten batches of 50,000 zeros: 6 MB of Arrow data in a body of a few KB.
            byte[] packed = zeros(10, 50_000, IpcCodec.ZSTD);
            assertTrue(packed.length < 64 << 10, "a body of " + packed.length + " bytes");
            for (String codecs : List.of("", ";codecs=zstd")) {
                HttpURLConnection amplified = send(small, "PUT", "/datasets/packed", packed, ARROW + codecs);
                assertEquals(413, amplified.getResponseCode());
                String problem = text(amplified.getErrorStream());
                assertTrue(
                        problem.contains("1048576 bytes this server takes in one request, counting its Arrow"
                                + " data decompressed (record batch 2 of the upload passes that)"),
                        problem);
            }
            // The body as received: refused from its Content-Length, or once it passes the limit.
            byte[] plain = zeros(1, 40_000, null);
            assertTrue(plain.length > 256 << 10 && plain.length < 1 << 20, "a body of " + plain.length + " bytes");
            HttpURLConnection declared = send(small, "PUT", "/datasets/plain", plain, ARROW);
            assertEquals(413, declared.getResponseCode());
            assertTrue(text(declared.getErrorStream()).contains("is more than the 262144 bytes this server receives"));
            HttpURLConnection chunked =
                    (HttpURLConnection) small.uri("/datasets/plain").toURL().openConnection();
            chunked.setRequestMethod("PUT");
            chunked.setDoOutput(true);
            chunked.setRequestProperty("Content-Type", ARROW);
            chunked.setChunkedStreamingMode(8192);
            try (OutputStream out = chunked.getOutputStream()) {
                out.write(plain);
            } catch (IOException refusedEarly) {
                // The answer may come before the whole body is sent.
            }
            assertEquals(413, chunked.getResponseCode());
            assertTrue(text(chunked.getErrorStream()).contains("larger than the 262144 bytes this server receives"));

            assertEquals(
                    201,
                    send(small, "PUT", "/datasets/fits", zeros(2, 20_000, IpcCodec.ZSTD), ARROW)
                            .getResponseCode());
            assertEquals(0, small.allocator().getAllocatedMemory());
        }
        try (Stream<Path> files = Files.list(limited)) {
            assertTrue(files.allMatch(file -> file.getFileName().toString().startsWith("fits.")));
        }
    }

    /** Batches of ids that are all 0 and names that are all null, buffers compressed with {@code codec}. */
    static byte[] zeros(int batches, int rows, IpcCodec codec) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (BufferAllocator writing = new RootAllocator();
                VectorSchemaRoot root = VectorSchemaRoot.create(SCHEMA, writing);
                ArrowStreamWriter writer = codec == null
                        ? new ArrowStreamWriter(root, null, Channels.newChannel(out))
                        : new ArrowStreamWriter(
                                root,
                                null,
                                Channels.newChannel(out),
                                IpcOption.DEFAULT,
                                BufferCodecs.INSTANCE,
                                codec.codecType())) {
            writer.start();
            for (int b = 0; b < batches; b++) {
                BigIntVector id = (BigIntVector) root.getVector("id");
                VarCharVector name = (VarCharVector) root.getVector("name");
                id.allocateNew(rows);
                name.allocateNew(rows);
                for (int i = 0; i < rows; i++) {
                    id.set(i, 0);
                }
                root.setRowCount(rows);
                writer.writeBatch();
            }
            writer.end();
        }
        return out.toByteArray();
    }

    @Test
    void batchesAreValidatedWholeBeforeAnythingIsWritten() throws IOException {
        byte[] plain = stream(0, 2, 1000, null);
        int offsets = FailedUploadsHoldNoMemoryTest.firstBatch(plain).bufferStart(3);
        byte[] brokenOffsets = plain.clone();
        ByteBuffer.wrap(brokenOffsets, offsets + 4 * 500, Integer.BYTES)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putInt(Integer.MAX_VALUE);
        byte[] twice = new byte[plain.length * 2];
        System.arraycopy(plain, 0, twice, 0, plain.length);
        System.arraycopy(plain, 0, twice, plain.length, plain.length);
        Map<String, byte[]> cases = new LinkedHashMap<>();
        cases.put(
                "Column 'id' of record batch 1 of the upload has 1000 values, but the batch declares 1100 rows",
                moreRowsThanValues());
        cases.put(
                "Column 'id' of record batch 1 of the upload has a length of -5",
                FailedUploadsHoldNoMemoryTest.node(plain, 0, -5, 0));
        cases.put(
                "Column 'name' of record batch 1 of the upload has 2000 nulls in 1000 values",
                FailedUploadsHoldNoMemoryTest.node(plain, 1, 1000, 2000));
        cases.put(
                "Column 'id' of record batch 1 of the upload is not valid Arrow data",
                FailedUploadsHoldNoMemoryTest.bufferLength(plain, 1, 800));
        cases.put("Column 'name' of record batch 1 of the upload is not valid Arrow data", brokenOffsets);
        cases.put("bytes after its Arrow stream's end-of-stream marker", twice);
        for (Map.Entry<String, byte[]> invalid : cases.entrySet()) {
            HttpURLConnection put = send("PUT", "/datasets/invalid", invalid.getValue(), ARROW);
            assertEquals(400, put.getResponseCode(), invalid.getKey());
            assertEquals("application/problem+json", put.getContentType());
            String problem = text(put.getErrorStream());
            assertTrue(problem.contains(invalid.getKey()), problem);
            assertTrue(problem.contains("Nothing was written."), problem);
        }
        assertEquals(404, get("invalid").getResponseCode());
        assertEquals(0, server.allocator().getAllocatedMemory());
    }

    /** One batch declaring 1,100 rows over columns of 1,000 values. */
    private static byte[] moreRowsThanValues() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (BufferAllocator writing = new RootAllocator();
                VectorSchemaRoot root = VectorSchemaRoot.create(SCHEMA, writing);
                ArrowStreamWriter writer = new ArrowStreamWriter(root, null, Channels.newChannel(out))) {
            writer.start();
            BigIntVector id = (BigIntVector) root.getVector("id");
            VarCharVector name = (VarCharVector) root.getVector("name");
            id.allocateNew(1000);
            name.allocateNew(1000);
            for (int i = 0; i < 1000; i++) {
                id.set(i, i);
            }
            root.setRowCount(1100);
            id.setValueCount(1000);
            name.setValueCount(1000);
            writer.writeBatch();
            writer.end();
        }
        return out.toByteArray();
    }

    @Test
    void anUploadBeyondTheConcurrentOnesIsToldToComeBack() throws Exception {
        try (TestServer one = TestServer.withFeature(builder -> builder.maxConcurrentUploads(1)
                .uploads(new ArrowFileStore(temporary.resolve("one")), WritePermission.anyone()))) {
            byte[] body = stream(0, 2, 1000, null);
            boolean refused = false;
            for (int attempt = 0; attempt < 20 && !refused; attempt++) {
                try (Socket slow = new Socket("127.0.0.1", one.port())) {
                    slow.setSoTimeout(20_000);
                    OutputStream out = slow.getOutputStream();
                    out.write(("PUT /datasets/slow HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: " + ARROW
                                    + "\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
                    out.write(body, 0, body.length / 2);
                    out.flush();
                    // Time for the server to start reading it: the one upload it takes is then running.
                    Thread.sleep(200);
                    HttpURLConnection probe = send(one, "PUT", "/datasets/probe", stream(0, 1, 10, null), ARROW);
                    if (probe.getResponseCode() != 429) {
                        continue;
                    }
                    refused = true;
                    assertEquals("2", probe.getHeaderField("Retry-After"));
                    out.write(body, body.length / 2, body.length - body.length / 2);
                    out.flush();
                    String answer = new String(slow.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
                    assertTrue(answer.startsWith("HTTP/1.1 201"), answer);
                }
            }
            assertTrue(refused, "no upload was refused while another ran");
        }
    }

    @Test
    void oneAddressHoldsAtMostHalfTheUploadPlacesSoOthersStillWrite() throws Exception {
        try (TestServer four = TestServer.withFeature(builder -> builder.maxConcurrentUploads(4)
                .uploads(new ArrowFileStore(temporary.resolve("four")), WritePermission.anyone()))) {
            byte[] body = stream(0, 2, 1000, null);
            List<Socket> held = new ArrayList<>();
            try {
                // Two bodies from 127.0.0.2 that stop half-way: the most one address may hold.
                for (int i = 0; i < 2; i++) {
                    Socket slow = new Socket();
                    held.add(slow);
                    slow.bind(new InetSocketAddress("127.0.0.2", 0));
                    slow.connect(new InetSocketAddress("127.0.0.1", four.port()), 5_000);
                    slow.setSoTimeout(20_000);
                    OutputStream out = slow.getOutputStream();
                    out.write(("PUT /datasets/held" + i + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: " + ARROW
                                    + "\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
                    out.write(body, 0, body.length / 2);
                    out.flush();
                }
                Thread.sleep(300); // time for the server to start reading both
                String third;
                try (Socket again = new Socket()) {
                    again.bind(new InetSocketAddress("127.0.0.2", 0));
                    again.connect(new InetSocketAddress("127.0.0.1", four.port()), 5_000);
                    again.setSoTimeout(20_000);
                    OutputStream out = again.getOutputStream();
                    out.write(("PUT /datasets/third HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: " + ARROW
                                    + "\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
                    out.write(body);
                    out.flush();
                    third = new String(again.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
                }
                assertTrue(third.startsWith("HTTP/1.1 429"), third);
                assertTrue(third.contains("Your address"), third);
                HttpURLConnection other = send(four, "PUT", "/datasets/other", stream(0, 1, 10, null), ARROW);
                assertEquals(201, other.getResponseCode(), "another address still gets a place");
            } finally {
                for (Socket socket : held) {
                    socket.close();
                }
            }
            // The server ends the two cut uploads on its reading threads: wait for them to let go.
            long deadline = System.nanoTime() + 10_000_000_000L;
            while ((four.allocator().getAllocatedMemory() != 0
                            || !four.allocator().getChildAllocators().isEmpty())
                    && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
        }
    }

    @Test
    void anUploadCannotTakeTheBareStreamUrlOfADataset() throws IOException {
        HttpURLConnection put = send("PUT", "/datasets/fixed.arrows", stream(0, 1, 10, null), ARROW);
        assertEquals(400, put.getResponseCode());
        assertTrue(text(put.getErrorStream()).contains("bare-stream URLs"));
        HttpURLConnection bare =
                (HttpURLConnection) server.uri("/datasets/fixed.arrows").toURL().openConnection();
        assertEquals(200, bare.getResponseCode());
        assertEquals(ARROW, bare.getContentType(), "still the bare stream of 'fixed'");
    }

    @Test
    void aBodyThatIsNotArrowIsABadRequest() throws IOException {
        HttpURLConnection put = send("PUT", "/datasets/text", "hello".getBytes(StandardCharsets.UTF_8), ARROW);
        assertEquals(400, put.getResponseCode());
        assertEquals("application/problem+json", put.getContentType());
        assertEquals(404, get("text").getResponseCode());
    }

    @Test
    void datasetsTheStoreDidNotMakeAreReadOnlyAndAnAppendNeedsADataset() throws IOException {
        HttpURLConnection put = send("PUT", "/datasets/fixed", stream(0, 1, 10, null), ARROW);
        assertEquals(405, put.getResponseCode());
        assertEquals("GET, HEAD", put.getHeaderField("Allow"));
        assertTrue(text(put.getErrorStream()).contains("'fixed' is read-only"));
        HttpURLConnection post = send("POST", "/datasets/missing", stream(0, 1, 10, null), ARROW);
        assertEquals(404, post.getResponseCode());
        assertEquals(
                415,
                send("PUT", "/datasets/csv", "a,b\n".getBytes(StandardCharsets.UTF_8), "text/csv")
                        .getResponseCode());
    }

    @Test
    void anUploadWithCompressedBuffersIsStoredAndServed() throws IOException {
        HttpURLConnection put =
                send("PUT", "/datasets/packed", stream(0, 2, 2000, IpcCodec.ZSTD), ARROW + ";codecs=zstd");
        assertEquals(201, put.getResponseCode());
        assertEquals(range(0, 4000), ids("packed"));
    }

    @Test
    void compressedBuffersThatCannotBeDecompressedAreRefusedAndHoldNoMemory() throws IOException {
        byte[] mislabelled = stream(0, 2, 2000, IpcCodec.LZ4);
        // The first batch's last buffer claims another uncompressed length: the buffers before it
        // in that column are decompressed by then.
        ByteBuffer.wrap(mislabelled, lastBufferOfFirstBatch(mislabelled), Long.BYTES)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putLong(1L << 20);
        HttpURLConnection wrongLength = send("PUT", "/datasets/corrupt", mislabelled, ARROW);
        assertEquals(400, wrongLength.getResponseCode());
        byte[] garbled = stream(0, 2, 2000, IpcCodec.LZ4);
        int frame = lastBufferOfFirstBatch(garbled) + Long.BYTES;
        Arrays.fill(garbled, frame, frame + 7, (byte) 0x5a);
        HttpURLConnection unreadable = send("PUT", "/datasets/corrupt", garbled, ARROW);
        assertEquals(400, unreadable.getResponseCode());
        assertTrue(text(unreadable.getErrorStream()).contains("cannot be decompressed"));
        assertEquals(0, server.allocator().getAllocatedMemory());
        assertEquals(404, get("corrupt").getResponseCode());
    }

    /** Where the first record batch's last buffer starts in an Arrow stream. */
    private static int lastBufferOfFirstBatch(byte[] stream) throws IOException {
        ReadChannel in = new ReadChannel(Channels.newChannel(new ByteArrayInputStream(stream)));
        MessageSerializer.readMessage(in);
        MessageMetadataResult batch = MessageSerializer.readMessage(in);
        long bodyStart = in.bytesRead();
        RecordBatch header = (RecordBatch) batch.getMessage().header(new RecordBatch());
        return Math.toIntExact(
                bodyStart + header.buffers(header.buffersLength() - 1).offset());
    }

    @Test
    void aStoreServesItsFilesAfterARestartAndDeletesWhatAnUnfinishedUploadLeft() throws IOException {
        assertEquals(
                201,
                send("PUT", "/datasets/durable", stream(0, 1, 10, null), ARROW).getResponseCode());
        Path leftover = Files.createTempFile(uploads, ".durable.", ".uploading");
        ArrowFileStore restarted = new ArrowFileStore(uploads);
        assertFalse(Files.exists(leftover));
        assertTrue(
                restarted.datasets().stream().anyMatch(dataset -> dataset.name().equals("durable")));
    }

    private static HttpURLConnection send(String method, String path, byte[] body, String contentType)
            throws IOException {
        return send(server, method, path, body, contentType);
    }

    static HttpURLConnection send(TestServer target, String method, String path, byte[] body, String contentType)
            throws IOException {
        return send(target, method, path, body, contentType, null);
    }

    /** @param token a bearer token, or null to send none */
    static HttpURLConnection send(
            TestServer target, String method, String path, byte[] body, String contentType, String token)
            throws IOException {
        HttpURLConnection connection =
                (HttpURLConnection) target.uri(path).toURL().openConnection();
        if (token != null) {
            connection.setRequestProperty("Authorization", "Bearer " + token);
        }
        connection.setConnectTimeout(5_000);
        connection.setReadTimeout(20_000);
        connection.setRequestMethod(method);
        connection.setDoOutput(true);
        connection.setRequestProperty("Content-Type", contentType);
        connection.setFixedLengthStreamingMode(body.length);
        try (OutputStream out = connection.getOutputStream()) {
            out.write(body);
        }
        return connection;
    }

    private static HttpURLConnection get(String name) throws IOException {
        HttpURLConnection connection =
                (HttpURLConnection) server.uri("/datasets/" + name).toURL().openConnection();
        connection.setConnectTimeout(5_000);
        connection.setReadTimeout(20_000);
        connection.setRequestProperty("Accept", ARROW);
        return connection;
    }

    /** The ids of the dataset as served now, in order; every name checked against its id. */
    private static List<Long> ids(String name) throws IOException {
        HttpURLConnection connection = get(name);
        assertEquals(200, connection.getResponseCode());
        List<Long> ids = new ArrayList<>();
        try (InputStream in = connection.getInputStream();
                ArrowStreamReader reader = new ArrowStreamReader(in, allocator)) {
            while (reader.loadNextBatch()) {
                BigIntVector id = (BigIntVector) reader.getVectorSchemaRoot().getVector("id");
                VarCharVector names =
                        (VarCharVector) reader.getVectorSchemaRoot().getVector("name");
                for (int i = 0; i < id.getValueCount(); i++) {
                    ids.add(id.get(i));
                    if (id.get(i) % 7 == 0) {
                        assertTrue(names.isNull(i));
                    } else {
                        assertEquals("row " + id.get(i), names.getObject(i).toString());
                    }
                }
            }
        }
        return ids;
    }

    /** An Arrow stream of ids from {@code first}, every seventh name null, buffers compressed with {@code codec}. */
    static byte[] stream(long first, int batches, int rows, IpcCodec codec) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (BufferAllocator writing = new RootAllocator();
                VectorSchemaRoot root = VectorSchemaRoot.create(SCHEMA, writing);
                ArrowStreamWriter writer = codec == null
                        ? new ArrowStreamWriter(root, null, Channels.newChannel(out))
                        : new ArrowStreamWriter(
                                root,
                                null,
                                Channels.newChannel(out),
                                IpcOption.DEFAULT,
                                BufferCodecs.INSTANCE,
                                codec.codecType())) {
            writer.start();
            long next = first;
            for (int b = 0; b < batches; b++) {
                BigIntVector id = (BigIntVector) root.getVector("id");
                VarCharVector name = (VarCharVector) root.getVector("name");
                id.allocateNew(rows);
                name.allocateNew(rows);
                for (int i = 0; i < rows; i++, next++) {
                    id.set(i, next);
                    if (next % 7 != 0) {
                        name.setSafe(i, ("row " + next).getBytes(StandardCharsets.UTF_8));
                    }
                }
                root.setRowCount(rows);
                writer.writeBatch();
            }
            writer.end();
        }
        return out.toByteArray();
    }

    /** A stream of {@code rows} ids in batches of 20,000, every name null. */
    private static byte[] unnamedStream(int rows) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (BufferAllocator writing = new RootAllocator();
                VectorSchemaRoot root = VectorSchemaRoot.create(SCHEMA, writing);
                ArrowStreamWriter writer = new ArrowStreamWriter(root, null, Channels.newChannel(out))) {
            writer.start();
            for (int written = 0; written < rows; written += 20_000) {
                int batch = Math.min(20_000, rows - written);
                BigIntVector id = (BigIntVector) root.getVector("id");
                VarCharVector name = (VarCharVector) root.getVector("name");
                id.allocateNew(batch);
                name.allocateNew(batch);
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

    static List<Long> range(long from, long to) {
        return LongStream.range(from, to).boxed().toList();
    }

    static String text(InputStream in) throws IOException {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}

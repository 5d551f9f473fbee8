package io.arrowhttp.source.files;

import static io.arrowhttp.source.files.ArrowFileStoreTest.send;
import static io.arrowhttp.source.files.ArrowFileStoreTest.stream;
import static io.arrowhttp.source.files.ArrowFileStoreTest.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.aayushatharva.brotli4j.Brotli4jLoader;
import com.aayushatharva.brotli4j.encoder.BrotliOutputStream;
import com.aayushatharva.brotli4j.encoder.Encoder;
import com.github.luben.zstd.ZstdOutputStream;
import io.arrowhttp.protocol.IpcCodec;
import io.arrowhttp.server.auth.WritePermission;
import io.arrowhttp.testing.TestServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.apache.arrow.flatbuf.Message;
import org.apache.arrow.flatbuf.RecordBatch;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.dictionary.Dictionary;
import org.apache.arrow.vector.dictionary.DictionaryEncoder;
import org.apache.arrow.vector.dictionary.DictionaryProvider;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.apache.arrow.vector.ipc.ReadChannel;
import org.apache.arrow.vector.ipc.message.MessageMetadataResult;
import org.apache.arrow.vector.ipc.message.MessageSerializer;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.DictionaryEncoding;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every way an upload can fail, sent many times in every content coding, against one server: when
 * they are done the server's Arrow memory and its allocators are back where they started, and
 * nothing was written. A failure that held even one buffer would show here as thousands.
 */
class FailedUploadsHoldNoMemoryTest {

    private static final String ARROW = "application/vnd.apache.arrow.stream";
    /** Arrow memory per upload: a batch of 60,000 rows does not fit. */
    private static final long MEMORY = 1L << 20;

    private static final long MAX_ROWS = 20_000;
    private static final long MAX_BYTES = 2L << 20;
    private static final int ROUNDS = 8;

    @TempDir
    static Path temporary;

    private static Path directory;
    private static TestServer server;

    /** One failing upload: what it is, its Arrow stream before any content coding, its answer. */
    record Failure(String what, byte[] arrow, String contentType, int status) {}

    @BeforeAll
    static void start() {
        directory = temporary.resolve("uploads");
        server = TestServer.withFeature(builder -> builder.responseMemoryLimit(MEMORY)
                .maxUploadRows(MAX_ROWS)
                .maxUploadBytes(MAX_BYTES)
                .maxConcurrentUploads(16)
                .uploads(new ArrowFileStore(directory), WritePermission.anyone()));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void everyFailedUploadReleasesEveryBufferAndAllocator() throws Exception {
        assertEquals(
                201,
                send(server, "PUT", "/datasets/kept", stream(0, 1, 100, null), ARROW)
                        .getResponseCode());
        BufferAllocator allocator = server.allocator();
        long bytesBefore = allocator.getAllocatedMemory();
        int allocatorsBefore = allocators(allocator);

        List<Failure> failures = failures();
        List<String> codings = new ArrayList<>(List.of("identity", "gzip", "zstd"));
        if (Brotli4jLoader.isAvailable()) {
            codings.add("br");
        }
        Map<String, byte[]> bodies = new HashMap<>();
        for (Failure failure : failures) {
            for (String coding : codings) {
                bodies.put(failure.what() + " in " + coding, coded(failure.arrow(), coding));
            }
        }
        int requests = 0;
        for (int round = 0; round < ROUNDS; round++) {
            // Clients that go away half-way through their body, while the other uploads run.
            for (int i = 0; i < 4; i++) {
                abandon(stream(0, 3, 1000, i % 2 == 0 ? IpcCodec.ZSTD : null), i * 0.2 + 0.2);
                requests++;
            }
            for (Failure failure : failures) {
                for (String coding : codings) {
                    String method = failure.what().startsWith("append") ? "POST" : "PUT";
                    String name = method.equals("POST") ? "kept" : "failed";
                    byte[] body = bodies.get(failure.what() + " in " + coding);
                    HttpURLConnection refused = upload(method, name, body, failure.contentType(), coding);
                    String context = failure.what() + " in " + coding;
                    assertEquals(failure.status(), refused.getResponseCode(), context);
                    assertEquals("application/problem+json", refused.getContentType(), context);
                    String problem = text(refused.getErrorStream());
                    assertTrue(
                            problem.contains("Nothing was written") || problem.contains("upload it decoded"),
                            context + ": " + problem);
                    requests++;
                }
                // The coded body itself cut short: refused as cut, or for what comes before the cut.
                byte[] zstd = bodies.get(failure.what() + " in zstd");
                HttpURLConnection cut = upload(
                        "PUT", "failed", Arrays.copyOf(zstd, zstd.length * 2 / 3), failure.contentType(), "zstd");
                int status = cut.getResponseCode();
                assertTrue(status == 400 || status == 413, failure.what() + ", its zstd body cut: " + status);
                cut.getErrorStream().close();
                requests++;
            }
        }

        // An abandoned upload ends when the server sees its connection close: the baseline must
        // hold for half a second in a row.
        long deadline = System.nanoTime() + 10_000_000_000L;
        for (int steady = 0; steady < 25 && System.nanoTime() < deadline; ) {
            boolean atBaseline =
                    allocator.getAllocatedMemory() == bytesBefore && allocators(allocator) == allocatorsBefore;
            steady = atBaseline ? steady + 1 : 0;
            Thread.sleep(20);
        }
        assertEquals(
                bytesBefore,
                allocator.getAllocatedMemory(),
                "Arrow bytes held after " + requests + " failed uploads, " + allocators(allocator)
                        + " allocators open (" + allocatorsBefore + " before)");
        assertEquals(
                allocatorsBefore,
                allocators(allocator),
                "allocators open after " + requests + " failed uploads: " + allocator.toVerboseString());
        try (BufferAllocator reading = new RootAllocator()) {
            assertEquals(
                    100,
                    ArrowFileStoreTest.idsAt(server.uri("/datasets/kept"), reading)
                            .size());
        }
        assertEquals(
                404, ((HttpURLConnection) server.uri("/datasets/failed").toURL().openConnection()).getResponseCode());
        try (Stream<Path> files = Files.list(directory)) {
            assertTrue(files.noneMatch(file -> file.getFileName().toString().contains("failed")
                    || file.getFileName().toString().contains("abandoned")
                    || file.getFileName().toString().endsWith(".uploading")));
        }
    }

    /** Each way an upload fails, in both codecs of compressed buffers where they matter. */
    static List<Failure> failures() throws IOException {
        List<Failure> failures = new ArrayList<>();
        for (IpcCodec codec : List.of(IpcCodec.ZSTD, IpcCodec.LZ4)) {
            String named = codec.name().toLowerCase() + " ";
            byte[] plain = stream(0, 2, 1000, codec);
            failures.add(new Failure(named + "claims 2^40 bytes", claim(plain, 1, 1L << 40), ARROW, 413));
            failures.add(new Failure(named + "claims 2^62 bytes", claim(plain, 4, 1L << 62), ARROW, 413));
            failures.add(new Failure(named + "claims 512 KiB", claim(plain, 3, 512L << 10), ARROW, 400));
            failures.add(new Failure(named + "claims too few bytes", claim(plain, 4, 5), ARROW, 400));
            failures.add(new Failure(named + "claims a negative length", claim(plain, 4, -5), ARROW, 400));
            failures.add(new Failure(named + "garbled", garble(plain, 4), ARROW, 400));
            failures.add(new Failure(named + "buffer past its body", bufferLength(plain, 4, 1L << 40), ARROW, 400));
            failures.add(new Failure(named + "cut in a batch", Arrays.copyOf(plain, plain.length * 3 / 4), ARROW, 400));
            failures.add(new Failure(named + "cut in the schema", Arrays.copyOf(plain, 20), ARROW, 400));
        }
        byte[] plain = stream(0, 3, 1000, null);
        failures.add(new Failure("buffer past its body", bufferLength(plain, 2, 1L << 40), ARROW, 400));
        failures.add(new Failure("buffer before its body", bufferOffset(plain, 2, -64), ARROW, 400));
        failures.add(new Failure("without its end", Arrays.copyOf(plain, plain.length - 8), ARROW, 400));
        failures.add(new Failure("cut in a batch", Arrays.copyOf(plain, plain.length / 2), ARROW, 400));
        failures.add(new Failure("a negative length", node(plain, 0, -5, 0), ARROW, 400));
        failures.add(new Failure("more nulls than values", node(plain, 1, 1000, 2000), ARROW, 400));
        failures.add(new Failure("a buffer too short", bufferLength(plain, 1, 800), ARROW, 400));
        byte[] twice = Arrays.copyOf(plain, plain.length * 2);
        System.arraycopy(plain, 0, twice, plain.length, plain.length);
        failures.add(new Failure("a second stream", twice, ARROW, 400));
        failures.add(new Failure("not Arrow", "hello, world".getBytes(StandardCharsets.UTF_8), ARROW, 400));
        failures.add(new Failure("too many rows", stream(0, 3, 8000, null), ARROW, 413));
        failures.add(new Failure("too many bytes", padded(12, 2000), ARROW, 413));
        failures.add(new Failure("a batch past the memory", stream(0, 1, 60_000, null), ARROW, 413));
        failures.add(new Failure("a dictionary column", dictionaryStream(), ARROW, 400));
        failures.add(new Failure("append of another schema", OtherSchemaStreams.intIds(), ARROW, 400));
        failures.add(new Failure(
                "multipart without its close", multipart(stream(0, 2, 500, IpcCodec.ZSTD)), MULTIPART, 400));
        return failures;
    }

    private static final String MULTIPART = "multipart/mixed; boundary=xyz";

    private static byte[] multipart(byte[] arrow) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(
                ("--xyz\r\nContent-Type: application/json\r\n\r\n{}\r\n--xyz\r\nContent-Type: " + ARROW + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
        body.writeBytes(arrow);
        return body.toByteArray();
    }

    /** The allocators under {@code allocator}, at every depth. */
    static int allocators(BufferAllocator allocator) {
        int count = 0;
        for (BufferAllocator child : allocator.getChildAllocators()) {
            count += 1 + allocators(child);
        }
        return count;
    }

    /** Sends part of an upload and closes the connection without waiting for an answer. */
    private static void abandon(byte[] body, double sent) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            OutputStream out = socket.getOutputStream();
            out.write(("PUT /datasets/abandoned HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: " + ARROW
                            + "\r\nContent-Length: " + body.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(body, 0, (int) (body.length * sent));
            out.flush();
        }
    }

    private static HttpURLConnection upload(String method, String name, byte[] body, String contentType, String coding)
            throws IOException {
        HttpURLConnection connection =
                (HttpURLConnection) server.uri("/datasets/" + name).toURL().openConnection();
        connection.setConnectTimeout(5_000);
        connection.setReadTimeout(20_000);
        connection.setRequestMethod(method);
        connection.setDoOutput(true);
        connection.setRequestProperty("Content-Type", contentType);
        connection.setRequestProperty("Content-Encoding", coding);
        connection.setFixedLengthStreamingMode(body.length);
        try (OutputStream out = connection.getOutputStream()) {
            out.write(body);
        } catch (IOException refusedEarly) {
            // The server answered before it read the whole body; its answer is what counts.
        }
        return connection;
    }

    static byte[] coded(byte[] body, String coding) throws IOException {
        ByteArrayOutputStream coded = new ByteArrayOutputStream();
        OutputStream out = switch (coding) {
            case "gzip" -> new GZIPOutputStream(coded);
            case "zstd" -> new ZstdOutputStream(coded);
            case "br" -> new BrotliOutputStream(coded, new Encoder.Parameters().setQuality(4));
            default -> coded;
        };
        try (out) {
            out.write(body);
        }
        return coded.toByteArray();
    }

    /** Where one message of a stream lies, and its header. */
    record Located(int metadataStart, int bodyStart, Message message) {
        RecordBatch batch() {
            return (RecordBatch) message.header(new RecordBatch());
        }

        int bufferStart(int buffer) {
            return Math.toIntExact(bodyStart + batch().buffers(buffer).offset());
        }
    }

    /** The messages of an Arrow stream, up to its end-of-stream marker. */
    static List<Located> messages(byte[] stream) throws IOException {
        ReadChannel in = new ReadChannel(Channels.newChannel(new ByteArrayInputStream(stream)));
        List<Located> found = new ArrayList<>();
        while (true) {
            int start = Math.toIntExact(in.bytesRead());
            MessageMetadataResult result = MessageSerializer.readMessage(in);
            if (result == null) {
                return found;
            }
            found.add(new Located(start, Math.toIntExact(in.bytesRead()), result.getMessage()));
            in.readFully(ByteBuffer.allocate(Math.toIntExact(result.getMessageBodyLength())));
        }
    }

    /** The first record batch of {@code stream}. */
    static Located firstBatch(byte[] stream) throws IOException {
        return messages(stream).get(1);
    }

    /** A copy whose first batch's compressed buffer {@code buffer} claims {@code length} uncompressed bytes. */
    static byte[] claim(byte[] stream, int buffer, long length) throws IOException {
        byte[] forged = stream.clone();
        putLong(forged, firstBatch(stream).bufferStart(buffer), length);
        return forged;
    }

    /** A copy whose first batch's compressed buffer {@code buffer} has its frame overwritten. */
    static byte[] garble(byte[] stream, int buffer) throws IOException {
        byte[] forged = stream.clone();
        int frame = firstBatch(stream).bufferStart(buffer) + Long.BYTES;
        Arrays.fill(forged, frame, frame + 7, (byte) 0x5a);
        return forged;
    }

    /** A copy whose first batch's metadata gives buffer {@code buffer} another length. */
    static byte[] bufferLength(byte[] stream, int buffer, long length) throws IOException {
        Located batch = firstBatch(stream);
        long offset = batch.batch().buffers(buffer).offset();
        long was = batch.batch().buffers(buffer).length();
        byte[] forged = stream.clone();
        putLong(forged, find(forged, batch.metadataStart(), batch.bodyStart(), offset, was) + Long.BYTES, length);
        return forged;
    }

    /** A copy whose first batch's metadata gives buffer {@code buffer} another offset. */
    static byte[] bufferOffset(byte[] stream, int buffer, long offset) throws IOException {
        Located batch = firstBatch(stream);
        long was = batch.batch().buffers(buffer).offset();
        long length = batch.batch().buffers(buffer).length();
        byte[] forged = stream.clone();
        putLong(forged, find(forged, batch.metadataStart(), batch.bodyStart(), was, length), offset);
        return forged;
    }

    /** A copy whose first batch's field node {@code node} has another length and null count. */
    static byte[] node(byte[] stream, int node, long length, long nullCount) throws IOException {
        Located batch = firstBatch(stream);
        long was = batch.batch().nodes(node).length();
        long nulls = batch.batch().nodes(node).nullCount();
        byte[] forged = stream.clone();
        int at = find(forged, batch.metadataStart(), batch.bodyStart(), was, nulls);
        putLong(forged, at, length);
        putLong(forged, at + Long.BYTES, nullCount);
        return forged;
    }

    /** Where two little-endian longs follow each other in {@code bytes}, between {@code from} and {@code to}. */
    static int find(byte[] bytes, int from, int to, long first, long second) {
        ByteBuffer view = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        for (int at = from; at + 2 * Long.BYTES <= to; at++) {
            if (view.getLong(at) == first && view.getLong(at + Long.BYTES) == second) {
                return at;
            }
        }
        throw new AssertionError("no " + first + ", " + second + " in the metadata");
    }

    static void putLong(byte[] bytes, int at, long value) {
        ByteBuffer.wrap(bytes, at, Long.BYTES).order(ByteOrder.LITTLE_ENDIAN).putLong(value);
    }

    /** Batches of ids and names of 100 characters: about 120 bytes a row. */
    private static byte[] padded(int batches, int rows) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Schema schema = new Schema(List.of(
                Field.notNullable("id", new ArrowType.Int(64, true)), Field.nullable("name", ArrowType.Utf8.INSTANCE)));
        byte[] name = "n".repeat(100).getBytes(StandardCharsets.US_ASCII);
        try (BufferAllocator writing = new RootAllocator();
                VectorSchemaRoot root = VectorSchemaRoot.create(schema, writing);
                ArrowStreamWriter writer = new ArrowStreamWriter(root, null, Channels.newChannel(out))) {
            writer.start();
            for (int b = 0; b < batches; b++) {
                BigIntVector id = (BigIntVector) root.getVector("id");
                VarCharVector names = (VarCharVector) root.getVector("name");
                id.allocateNew(rows);
                names.allocateNew(rows);
                for (int i = 0; i < rows; i++) {
                    id.set(i, (long) b * rows + i);
                    names.setSafe(i, name);
                }
                root.setRowCount(rows);
                writer.writeBatch();
            }
            writer.end();
        }
        return out.toByteArray();
    }

    /** A stream of one dictionary-encoded column. */
    private static byte[] dictionaryStream() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (BufferAllocator writing = new RootAllocator();
                VarCharVector words = new VarCharVector("words", writing);
                VarCharVector values = new VarCharVector("word", writing)) {
            words.allocateNew();
            words.setSafe(0, "red".getBytes(StandardCharsets.UTF_8));
            words.setSafe(1, "blue".getBytes(StandardCharsets.UTF_8));
            words.setValueCount(2);
            Dictionary dictionary = new Dictionary(words, new DictionaryEncoding(1L, false, null));
            values.allocateNew();
            for (int i = 0; i < 10; i++) {
                values.setSafe(i, (i % 2 == 0 ? "red" : "blue").getBytes(StandardCharsets.UTF_8));
            }
            values.setValueCount(10);
            try (IntVector encoded = (IntVector) DictionaryEncoder.encode(values, dictionary)) {
                DictionaryProvider.MapDictionaryProvider provider = new DictionaryProvider.MapDictionaryProvider();
                provider.put(dictionary);
                try (VectorSchemaRoot root = new VectorSchemaRoot(List.of(encoded.getField()), List.of(encoded), 10);
                        ArrowStreamWriter writer = new ArrowStreamWriter(root, provider, Channels.newChannel(out))) {
                    writer.start();
                    writer.writeBatch();
                    writer.end();
                }
            }
        }
        return out.toByteArray();
    }
}

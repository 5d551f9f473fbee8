package io.arrowhttp.source.files;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.arrowhttp.client.ArrowHttpClient;
import io.arrowhttp.client.Compression;
import io.arrowhttp.client.DatasetStream;
import io.arrowhttp.client.GetOptions;
import io.arrowhttp.dataset.Dataset;
import io.arrowhttp.protocol.ArrowHttpException;
import io.arrowhttp.protocol.DatasetInfo;
import io.arrowhttp.protocol.ErrorCode;
import io.arrowhttp.protocol.internal.BufferCodecs;
import io.arrowhttp.testing.TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.net.HttpURLConnection;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.arrow.flatbuf.RecordBatch;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.TimeStampMicroTZVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.compression.CompressionUtil;
import org.apache.arrow.vector.compression.NoCompressionCodec;
import org.apache.arrow.vector.dictionary.Dictionary;
import org.apache.arrow.vector.dictionary.DictionaryProvider;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.apache.arrow.vector.ipc.ArrowWriter;
import org.apache.arrow.vector.ipc.ReadChannel;
import org.apache.arrow.vector.ipc.message.ArrowBlock;
import org.apache.arrow.vector.ipc.message.IpcOption;
import org.apache.arrow.vector.ipc.message.MessageSerializer;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.DictionaryEncoding;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Arrow IPC files and streams written by Arrow Java's own writers, with nulls and every common
 * type, served and read back through the Java client value by value.
 */
class ArrowFileDatasetTest {

    private static final int BATCHES = 3;
    private static final int ROWS_PER_BATCH = 1000;
    private static final int ROWS = BATCHES * ROWS_PER_BATCH;
    private static final String[] CATEGORIES = {"equity", "bond", "fund"};
    private static final DictionaryEncoding CATEGORY_ENCODING =
            new DictionaryEncoding(1, false, new ArrowType.Int(32, true));
    private static final Schema SCHEMA = new Schema(List.of(
            Field.notNullable("id", new ArrowType.Int(64, true)),
            Field.nullable("name", ArrowType.Utf8.INSTANCE),
            Field.nullable("price", new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE)),
            Field.nullable("flag", ArrowType.Bool.INSTANCE),
            Field.nullable("ts", new ArrowType.Timestamp(TimeUnit.MICROSECOND, "UTC")),
            Field.nullable("day", new ArrowType.Date(DateUnit.DAY)),
            Field.nullable("amount", new ArrowType.Decimal(12, 2, 128)),
            new Field("category", new FieldType(true, new ArrowType.Int(32, true), CATEGORY_ENCODING), null)));

    @TempDir
    static Path folder;

    private static TestServer server;
    private static ArrowHttpClient client;
    private static Path vanishing;
    private static Path truncated;
    private static Path marked;
    private static Path compressed;

    @BeforeAll
    static void start() throws IOException {
        Path file = write(folder.resolve("types.arrow"), true);
        Path stream = write(folder.resolve("types.arrows"), false);
        vanishing = write(folder.resolve("vanishing.arrow"), true);
        truncated = write(folder.resolve("truncated.arrow"), true);
        marked = markPadding(write(folder.resolve("marked.arrow"), true));
        compressed = write(folder.resolve("compressed.feather"), true, CompressionUtil.CodecType.LZ4_FRAME);
        List<Dataset> datasets = List.of(
                ArrowFileDataset.of("types", file),
                ArrowFileDataset.of("types_stream", stream),
                ArrowFileDataset.of("vanishing", vanishing),
                ArrowFileDataset.of("truncated", truncated),
                ArrowFileDataset.of("marked", marked),
                ArrowFileDataset.of("compressed", compressed));
        server = TestServer.withFeature(feature -> {
            datasets.forEach(feature::dataset);
            return feature;
        });
        client = ArrowHttpClient.builder(server.uri("/"))
                .readTimeout(Duration.ofSeconds(30))
                .build();
    }

    @AfterAll
    static void stop() {
        client.close();
        server.close();
    }

    @Test
    void everyValueOfAnArrowFileComesBackAsWritten() throws IOException {
        assertEquals(
                ROWS,
                readAndCheck("types", GetOptions.defaults(), SCHEMA.getFields().size()));
    }

    @Test
    void everyValueOfAnArrowStreamFileComesBackAsWritten() throws IOException {
        assertEquals(
                ROWS,
                readAndCheck(
                        "types_stream",
                        GetOptions.defaults(),
                        SCHEMA.getFields().size()));
    }

    @Test
    void columnsAndLimitSelectWithoutCopyingAndCutTheLastBatch() throws IOException {
        GetOptions options =
                GetOptions.defaults().parameter("columns", "amount,id,category").parameter("limit", 1500);
        try (BufferAllocator reading = new RootAllocator();
                DatasetStream stream = client.get("types", options, reading)) {
            assertEquals(
                    List.of("amount", "id", "category"),
                    stream.reader().getVectorSchemaRoot().getSchema().getFields().stream()
                            .map(Field::getName)
                            .toList());
            long row = 0;
            while (stream.reader().loadNextBatch()) {
                VectorSchemaRoot batch = stream.reader().getVectorSchemaRoot();
                for (int i = 0; i < batch.getRowCount(); i++, row++) {
                    assertEquals(row, ((BigIntVector) batch.getVector("id")).get(i));
                    assertEquals(amount(row), ((DecimalVector) batch.getVector("amount")).getObject(i));
                    assertEquals(category(row), decodedCategory(stream, batch, i));
                }
            }
            assertEquals(1500, row);
        }
    }

    @Test
    void anUnknownColumnIsRefusedNamingTheColumnsThereAre() {
        ArrowHttpException refused = assertThrows(
                ArrowHttpException.class,
                () -> client.get("types", GetOptions.defaults().parameter("columns", "id,nope"), new RootAllocator())
                        .close());
        assertEquals(ErrorCode.INVALID_ARGUMENT, refused.code());
        assertTrue(
                refused.getMessage().contains("'nope'") && refused.getMessage().contains("price"),
                refused.getMessage());
    }

    @Test
    void theSchemaStreamGivesADictionaryColumnItsValueTypeAsTheDataStreamDoes() throws IOException {
        HttpURLConnection schema =
                (HttpURLConnection) server.uri("/datasets/types/schema").toURL().openConnection();
        schema.setRequestProperty("Accept", "application/vnd.apache.arrow.stream");
        try (BufferAllocator allocator = new RootAllocator();
                ArrowStreamReader reader = new ArrowStreamReader(schema.getInputStream(), allocator)) {
            Field category = reader.getVectorSchemaRoot().getSchema().findField("category");
            assertEquals(CATEGORY_ENCODING, category.getDictionary());
            assertFalse(reader.loadNextBatch(), "a schema alone");
            assertEquals(
                    ArrowType.Utf8.INSTANCE,
                    reader.getDictionaryVectors().get(CATEGORY_ENCODING.getId()).getVectorType(),
                    "the dictionary's values are text, as in the file");
        }
    }

    @Test
    void theCatalogKnowsTheRowsOfAFileFromItsFooterAndTheSchemaOfBoth() throws IOException {
        // As the schema message carries it: the dictionary-encoded column has its value type.
        List<Field> fields =
                new ArrayList<>(SCHEMA.getFields().subList(0, SCHEMA.getFields().size() - 1));
        fields.add(new Field("category", new FieldType(true, ArrowType.Utf8.INSTANCE, CATEGORY_ENCODING), null));
        Schema message = new Schema(fields);
        DatasetInfo file = client.info("types");
        assertEquals(ROWS, file.totalRecords());
        assertEquals(message, file.schema());
        DatasetInfo stream = client.info("types_stream");
        assertNull(stream.totalRecords(), "a stream file would have to be read to count its rows");
        assertEquals(message, stream.schema());
    }

    @Test
    void aFileThatVanishedIsAProblemBeforeTheResponseStartsAndShowsNoPath() throws IOException {
        Files.delete(vanishing);
        ArrowHttpException refused = assertThrows(
                ArrowHttpException.class,
                () -> client.get("vanishing", GetOptions.defaults(), new RootAllocator())
                        .close());
        assertEquals(ErrorCode.UNAVAILABLE, refused.code());
        assertFalse(refused.getMessage().contains(folder.toString()), refused.getMessage());
        HttpURLConnection probe =
                (HttpURLConnection) server.uri("/health/ready").toURL().openConnection();
        assertEquals(503, probe.getResponseCode(), "the server is not ready while a file is gone");
    }

    @Test
    void aWholeFileIsSentAsItsStoredMessagesByteForByte() throws IOException {
        byte[] body;
        HttpURLConnection connection =
                (HttpURLConnection) server.uri("/datasets/marked").toURL().openConnection();
        connection.setRequestProperty("Accept", "application/vnd.apache.arrow.stream");
        connection.setReadTimeout(30_000);
        try (InputStream in = connection.getInputStream()) {
            body = in.readAllBytes();
        }
        byte[] stored = Files.readAllBytes(marked);
        byte[] expected = new byte[(int) (lastMessageEnd(marked) - 8) + 8];
        System.arraycopy(stored, 8, expected, 0, expected.length - 8);
        System.arraycopy(new byte[] {-1, -1, -1, -1, 0, 0, 0, 0}, 0, expected, expected.length - 8, 8);
        // The padding byte set in the file is sent too: the messages were not encoded again.
        assertArrayEquals(expected, body);
        assertEquals(
                ROWS,
                readAndCheck("marked", GetOptions.defaults(), SCHEMA.getFields().size()));
    }

    @Test
    void aCompressedFileReachesAClientThatDidNotAskForCompressionDecompressed() throws IOException {
        assertEquals(
                ROWS,
                readAndCheck(
                        "compressed", GetOptions.defaults(), SCHEMA.getFields().size()));
        HttpURLConnection connection =
                (HttpURLConnection) server.uri("/datasets/compressed").toURL().openConnection();
        connection.setRequestProperty("Accept", "application/vnd.apache.arrow.stream");
        connection.setReadTimeout(30_000);
        assertEquals("application/vnd.apache.arrow.stream", connection.getContentType());
        try (InputStream in = connection.getInputStream();
                BufferAllocator allocator = new RootAllocator();
                ArrowStreamReader plain = new ArrowStreamReader(in, allocator, NoCompressionCodec.Factory.INSTANCE)) {
            int batches = 0;
            while (plain.loadNextBatch()) {
                batches++;
            }
            assertEquals(BATCHES, batches);
        }
    }

    @Test
    void aCompressedFileGoesOutAsStoredToAClientThatAcceptsItsCodec() throws IOException {
        HttpURLConnection connection =
                (HttpURLConnection) server.uri("/datasets/compressed").toURL().openConnection();
        // zstd comes first in the server's order, but the stored LZ4 batches cost nothing to send.
        connection.setRequestProperty("Accept", "application/vnd.apache.arrow.stream; codecs=\"zstd, lz4\"");
        connection.setReadTimeout(30_000);
        byte[] body;
        try (InputStream in = connection.getInputStream()) {
            body = in.readAllBytes();
        }
        assertEquals("application/vnd.apache.arrow.stream;codecs=lz4", connection.getContentType());
        byte[] stored = Files.readAllBytes(compressed);
        byte[] expected = new byte[(int) (lastMessageEnd(compressed) - 8) + 8];
        System.arraycopy(stored, 8, expected, 0, expected.length - 8);
        System.arraycopy(new byte[] {-1, -1, -1, -1, 0, 0, 0, 0}, 0, expected, expected.length - 8, 8);
        assertArrayEquals(expected, body);
        assertEquals(
                ROWS,
                readAndCheck(
                        "compressed",
                        GetOptions.defaults().compression(Compression.IPC_LZ4),
                        SCHEMA.getFields().size()));
        assertEquals(
                ROWS,
                readAndCheck(
                        "compressed",
                        GetOptions.defaults().compression(Compression.IPC_ZSTD),
                        SCHEMA.getFields().size()));
    }

    @Test
    void aFileTruncatedAfterTheStartIsAProblemBeforeTheResponseStarts() throws IOException {
        try (FileChannel channel = FileChannel.open(truncated, StandardOpenOption.WRITE)) {
            channel.truncate(channel.size() / 2);
        }
        ArrowHttpException refused = assertThrows(
                ArrowHttpException.class,
                () -> client.get("truncated", GetOptions.defaults(), new RootAllocator())
                        .close());
        assertEquals(ErrorCode.UNAVAILABLE, refused.code());
        assertFalse(refused.getMessage().contains(folder.toString()), refused.getMessage());
        HttpURLConnection probe =
                (HttpURLConnection) server.uri("/health/ready").toURL().openConnection();
        assertEquals(503, probe.getResponseCode(), "the server is not ready while a file is gone");
    }

    /**
     * Sets a padding byte after a buffer of the first record batch: readers ignore it, and a
     * writer that encoded the batch again would write a zero there.
     */
    private static Path markPadding(Path file) throws IOException {
        try (BufferAllocator allocator = new RootAllocator();
                FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
                ArrowFileReader reader = new ArrowFileReader(channel, allocator)) {
            ArrowBlock block = reader.getRecordBlocks().get(0);
            channel.position(block.getOffset());
            RecordBatch batch = (RecordBatch) MessageSerializer.readMessage(new ReadChannel(channel))
                    .getMessage()
                    .header(new RecordBatch());
            for (int i = 0; i < batch.buffersLength(); i++) {
                long end = batch.buffers(i).offset() + batch.buffers(i).length();
                if (end % 8 != 0) {
                    channel.write(
                            ByteBuffer.wrap(new byte[] {0x5a}), block.getOffset() + block.getMetadataLength() + end);
                    return file;
                }
            }
        }
        throw new AssertionError("no buffer of the first batch is padded");
    }

    private static long lastMessageEnd(Path file) throws IOException {
        try (BufferAllocator allocator = new RootAllocator();
                FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
                ArrowFileReader reader = new ArrowFileReader(channel, allocator)) {
            return reader.getRecordBlocks().stream()
                    .mapToLong(block -> block.getOffset() + block.getMetadataLength() + block.getBodyLength())
                    .max()
                    .orElseThrow();
        }
    }

    private static long readAndCheck(String name, GetOptions options, int columns) throws IOException {
        try (BufferAllocator reading = new RootAllocator();
                DatasetStream stream = client.get(name, options, reading)) {
            assertEquals(
                    columns,
                    stream.reader().getVectorSchemaRoot().getFieldVectors().size());
            long row = 0;
            while (stream.reader().loadNextBatch()) {
                VectorSchemaRoot batch = stream.reader().getVectorSchemaRoot();
                for (int i = 0; i < batch.getRowCount(); i++, row++) {
                    assertEquals(row, ((BigIntVector) batch.getVector("id")).get(i));
                    assertEquals(name(row), text((VarCharVector) batch.getVector("name"), i), "name of row " + row);
                    assertEquals(price(row), ((Float8Vector) batch.getVector("price")).getObject(i));
                    assertEquals(flag(row), ((BitVector) batch.getVector("flag")).getObject(i));
                    assertEquals(micros(row), ((TimeStampMicroTZVector) batch.getVector("ts")).getObject(i));
                    assertEquals(day(row), ((DateDayVector) batch.getVector("day")).getObject(i));
                    assertEquals(amount(row), ((DecimalVector) batch.getVector("amount")).getObject(i));
                    assertEquals(category(row), decodedCategory(stream, batch, i));
                }
            }
            return row;
        }
    }

    private static String decodedCategory(DatasetStream stream, VectorSchemaRoot batch, int i) {
        IntVector index = (IntVector) batch.getVector("category");
        if (index.isNull(i)) {
            return null;
        }
        VarCharVector dictionary = (VarCharVector)
                stream.reader().lookup(CATEGORY_ENCODING.getId()).getVector();
        return text(dictionary, index.get(i));
    }

    private static String text(VarCharVector vector, int i) {
        return vector.isNull(i) ? null : new String(vector.get(i), StandardCharsets.UTF_8);
    }

    private static String name(long row) {
        return row % 7 == 0 ? null : "name-" + row + (row % 5 == 0 ? " \u00e9\u00e8\u4e2d" : "");
    }

    private static Double price(long row) {
        return row % 11 == 0 ? null : row * 0.25 - 100;
    }

    private static Boolean flag(long row) {
        return row % 13 == 0 ? null : row % 2 == 0;
    }

    private static Long micros(long row) {
        return row % 17 == 0 ? null : 1_700_000_000_000_000L + row * 1_000_003L;
    }

    private static Integer day(long row) {
        return row % 19 == 0 ? null : (int) (19_000 + row);
    }

    private static BigDecimal amount(long row) {
        return row % 23 == 0 ? null : BigDecimal.valueOf(row * 137 - 50_000, 2);
    }

    private static String category(long row) {
        return row % 29 == 0 ? null : CATEGORIES[(int) (row % CATEGORIES.length)];
    }

    /** Writes the test rows with Arrow Java's writer, in the file format or the stream format. */
    private static Path write(Path path, boolean fileFormat) throws IOException {
        return write(path, fileFormat, null);
    }

    /** A file of the test schema, its buffers compressed with {@code codec} when it is not null. */
    private static Path write(Path path, boolean fileFormat, CompressionUtil.CodecType codec) throws IOException {
        try (BufferAllocator allocator = new RootAllocator();
                VarCharVector categories = new VarCharVector("categories", allocator)) {
            categories.allocateNew();
            for (int i = 0; i < CATEGORIES.length; i++) {
                categories.setSafe(i, CATEGORIES[i].getBytes(StandardCharsets.UTF_8));
            }
            categories.setValueCount(CATEGORIES.length);
            DictionaryProvider.MapDictionaryProvider provider = new DictionaryProvider.MapDictionaryProvider();
            provider.put(new Dictionary(categories, CATEGORY_ENCODING));
            try (VectorSchemaRoot root = VectorSchemaRoot.create(SCHEMA, allocator);
                    FileChannel channel = FileChannel.open(
                            path,
                            StandardOpenOption.CREATE,
                            StandardOpenOption.WRITE,
                            StandardOpenOption.TRUNCATE_EXISTING);
                    ArrowWriter writer = codec != null
                            ? new ArrowFileWriter(
                                    root, provider, channel, null, IpcOption.DEFAULT, BufferCodecs.INSTANCE, codec)
                            : fileFormat
                                    ? new ArrowFileWriter(root, provider, channel)
                                    : new ArrowStreamWriter(root, provider, channel)) {
                writer.start();
                for (int batch = 0; batch < BATCHES; batch++) {
                    root.allocateNew();
                    for (int i = 0; i < ROWS_PER_BATCH; i++) {
                        fill(root, i, (long) batch * ROWS_PER_BATCH + i);
                    }
                    root.setRowCount(ROWS_PER_BATCH);
                    writer.writeBatch();
                }
                writer.end();
            }
        }
        return path;
    }

    private static void fill(VectorSchemaRoot root, int i, long row) {
        ((BigIntVector) root.getVector("id")).setSafe(i, row);
        setOrNull(
                root.getVector("name"),
                i,
                name(row),
                value -> ((VarCharVector) root.getVector("name")).setSafe(i, value.getBytes(StandardCharsets.UTF_8)));
        setOrNull(
                root.getVector("price"),
                i,
                price(row),
                value -> ((Float8Vector) root.getVector("price")).setSafe(i, value));
        setOrNull(
                root.getVector("flag"),
                i,
                flag(row),
                value -> ((BitVector) root.getVector("flag")).setSafe(i, value ? 1 : 0));
        setOrNull(
                root.getVector("ts"),
                i,
                micros(row),
                value -> ((TimeStampMicroTZVector) root.getVector("ts")).setSafe(i, value));
        setOrNull(
                root.getVector("day"), i, day(row), value -> ((DateDayVector) root.getVector("day")).setSafe(i, value));
        setOrNull(
                root.getVector("amount"),
                i,
                amount(row),
                value -> ((DecimalVector) root.getVector("amount")).setSafe(i, value));
        String category = category(row);
        setOrNull(
                root.getVector("category"),
                i,
                category,
                value -> ((IntVector) root.getVector("category"))
                        .setSafe(i, List.of(CATEGORIES).indexOf(value)));
    }

    private static <T> void setOrNull(FieldVector vector, int i, T value, Consumer<T> set) {
        if (value == null) {
            vector.setNull(i);
        } else {
            set.accept(value);
        }
    }
}

package io.arrowhttp.source.files;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.arrowhttp.testing.ArrowValidation;
import io.arrowhttp.testing.TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.LargeVarCharVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ViewVarBinaryVector;
import org.apache.arrow.vector.ViewVarCharVector;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.arrow.vector.complex.impl.UnionListWriter;
import org.apache.arrow.vector.dictionary.Dictionary;
import org.apache.arrow.vector.dictionary.DictionaryProvider;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.DictionaryEncoding;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What {@code ?limit=} and {@code ?columns=} make of an Arrow file is valid Arrow, by Arrow's full
 * validation ({@link ArrowValidation}): the last batch under a limit is a slice, and the slices of
 * view columns (short values inline in their views, long ones in data buffers, at the top level and
 * inside lists), large strings, dictionary-encoded and struct columns keep every rule.
 */
class SlicedBatchesAreValidArrowTest {

    private static final int BATCHES = 3;
    private static final int ROWS_PER_BATCH = 300;
    private static final DictionaryEncoding KIND = new DictionaryEncoding(7, false, new ArrowType.Int(32, true));
    private static final Schema SCHEMA = new Schema(List.of(
            Field.notNullable("id", new ArrowType.Int(64, true)),
            Field.nullable("view", ArrowType.Utf8View.INSTANCE),
            Field.nullable("bytes", ArrowType.BinaryView.INSTANCE),
            new Field(
                    "views",
                    FieldType.nullable(ArrowType.List.INSTANCE),
                    List.of(Field.nullable("item", ArrowType.Utf8View.INSTANCE))),
            Field.nullable("large", ArrowType.LargeUtf8.INSTANCE),
            new Field("kind", new FieldType(true, new ArrowType.Int(32, true), KIND), null),
            new Field(
                    "pair",
                    FieldType.nullable(ArrowType.Struct.INSTANCE),
                    List.of(
                            Field.nullable("n", new ArrowType.Int(32, true)),
                            Field.nullable("s", ArrowType.Utf8.INSTANCE)))));

    @TempDir
    static Path folder;

    private static TestServer server;

    @BeforeAll
    static void serve() throws IOException {
        Path file = write(folder.resolve("slices.arrow"));
        server = TestServer.withFeature(feature -> feature.dataset(ArrowFileDataset.of("slices", file)));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "?limit=5",
                "?limit=301",
                "?limit=899",
                "?columns=view&limit=7",
                "?columns=views,id&limit=350",
                "?columns=bytes,large,kind,pair&limit=13",
                "?columns=pair,view"
            })
    void everyBatchOfALimitedOrProjectedResponsePassesFullValidation(String query) throws IOException {
        long expected = query.contains("limit=")
                ? Long.parseLong(query.substring(query.indexOf("limit=") + 6))
                : (long) BATCHES * ROWS_PER_BATCH;
        HttpURLConnection connection = (HttpURLConnection)
                server.uri("/datasets/slices.arrows" + query).toURL().openConnection();
        assertEquals(200, connection.getResponseCode());
        assertEquals("application/vnd.apache.arrow.stream", connection.getContentType());
        try (BufferAllocator allocator = new RootAllocator();
                InputStream in = connection.getInputStream()) {
            assertEquals(expected, ArrowValidation.validateStream(in, allocator));
        }
    }

    private static Path write(Path path) throws IOException {
        try (BufferAllocator allocator = new RootAllocator();
                VarCharVector kinds = new VarCharVector("kinds", allocator)) {
            kinds.allocateNew();
            for (int i = 0; i < 5; i++) {
                kinds.setSafe(i, ("kind-" + i).getBytes(StandardCharsets.UTF_8));
            }
            kinds.setValueCount(5);
            DictionaryProvider.MapDictionaryProvider provider = new DictionaryProvider.MapDictionaryProvider();
            provider.put(new Dictionary(kinds, KIND));
            try (VectorSchemaRoot root = VectorSchemaRoot.create(SCHEMA, allocator);
                    FileChannel channel = FileChannel.open(
                            path,
                            StandardOpenOption.CREATE,
                            StandardOpenOption.WRITE,
                            StandardOpenOption.TRUNCATE_EXISTING);
                    ArrowFileWriter writer = new ArrowFileWriter(root, provider, channel)) {
                writer.start();
                for (int batch = 0; batch < BATCHES; batch++) {
                    root.allocateNew();
                    UnionListWriter lists = ((ListVector) root.getVector("views")).getWriter();
                    for (int i = 0; i < ROWS_PER_BATCH; i++) {
                        long row = (long) batch * ROWS_PER_BATCH + i;
                        fill(root, lists, i, row);
                    }
                    lists.setValueCount(ROWS_PER_BATCH);
                    root.setRowCount(ROWS_PER_BATCH);
                    writer.writeBatch();
                }
                writer.end();
            }
        }
        return path;
    }

    /** Values from 1 to 24 bytes: inline in their views up to 12, in data buffers beyond. */
    private static String text(long row) {
        return ("v" + row + "-").repeat(24).substring(0, 1 + (int) (row % 24));
    }

    private static void fill(VectorSchemaRoot root, UnionListWriter lists, int i, long row) {
        ((BigIntVector) root.getVector("id")).setSafe(i, row);
        byte[] text = text(row).getBytes(StandardCharsets.UTF_8);
        if (row % 7 == 0) {
            ((ViewVarCharVector) root.getVector("view")).setNull(i);
            ((ViewVarBinaryVector) root.getVector("bytes")).setNull(i);
            ((LargeVarCharVector) root.getVector("large")).setNull(i);
            ((IntVector) root.getVector("kind")).setNull(i);
            ((StructVector) root.getVector("pair")).setNull(i);
        } else {
            ((ViewVarCharVector) root.getVector("view")).setSafe(i, text);
            ((ViewVarBinaryVector) root.getVector("bytes")).setSafe(i, text);
            ((LargeVarCharVector) root.getVector("large")).setSafe(i, text);
            ((IntVector) root.getVector("kind")).setSafe(i, (int) (row % 5));
            StructVector pair = (StructVector) root.getVector("pair");
            pair.setIndexDefined(i);
            ((IntVector) pair.getChild("n")).setSafe(i, (int) row);
            ((VarCharVector) pair.getChild("s")).setSafe(i, text);
        }
        lists.setPosition(i);
        if (row % 9 == 0) {
            lists.writeNull();
        } else {
            lists.startList();
            for (int k = 0; k < row % 4; k++) {
                lists.writeViewVarChar(text(row + k));
            }
            lists.endList();
        }
    }
}

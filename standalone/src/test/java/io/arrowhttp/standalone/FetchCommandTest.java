package io.arrowhttp.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.arrowhttp.app.ServerSettings;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.dictionary.Dictionary;
import org.apache.arrow.vector.dictionary.DictionaryEncoder;
import org.apache.arrow.vector.dictionary.DictionaryProvider;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.apache.arrow.vector.types.pojo.DictionaryEncoding;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code fetch --save} as a user runs it, on a dataset with a dictionary-encoded column. */
class FetchCommandTest {

    private static final String[] CITIES = {"Oslo", "Lima", "Pune"};

    @TempDir
    Path folder;

    @Test
    void savingADatasetWithADictionaryColumnWritesItWholeAndLeaksNothing() throws IOException {
        writeCities(folder.resolve("cities.arrow"), 1_000);
        Path saved = folder.resolve("saved").resolve("cities.arrows");
        Files.createDirectories(saved.getParent());
        try (StandaloneServer server =
                StandaloneServer.start("127.0.0.1", 0, ServerSettings.defaults().withDataDirectory(folder))) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            PrintStream previous = System.err;
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int exit;
            try {
                exit = new CommandLine(new FetchCommand(new PrintStream(out, true, StandardCharsets.UTF_8)))
                        .execute(
                                "--no-progress",
                                "--save",
                                saved.toString(),
                                server.baseUri().resolve("datasets/cities").toString());
            } finally {
                System.setErr(previous);
            }
            String errors = err.toString(StandardCharsets.UTF_8);
            assertEquals(0, exit, out.toString(StandardCharsets.UTF_8) + errors);
            assertFalse(errors.contains("leak"), errors);
        }
        List<String> cities = new ArrayList<>();
        try (BufferAllocator allocator = new RootAllocator();
                InputStream in = Files.newInputStream(saved);
                ArrowStreamReader reader = new ArrowStreamReader(in, allocator)) {
            while (reader.loadNextBatch()) {
                FieldVector indices = reader.getVectorSchemaRoot().getVector("city");
                long id = indices.getField().getDictionary().getId();
                Dictionary dictionary = reader.getDictionaryVectors().get(id);
                try (VarCharVector decoded = (VarCharVector) DictionaryEncoder.decode(indices, dictionary)) {
                    for (int i = 0; i < decoded.getValueCount(); i++) {
                        cities.add(decoded.getObject(i).toString());
                    }
                }
            }
        }
        assertEquals(1_000, cities.size());
        for (int i = 0; i < cities.size(); i++) {
            assertEquals(CITIES[(i % 250) % CITIES.length], cities.get(i), "row " + i);
        }
    }

    /** An Arrow file with one dictionary-encoded string column, in batches of 250 rows. */
    private static void writeCities(Path file, int rows) throws IOException {
        try (BufferAllocator allocator = new RootAllocator();
                VarCharVector values = new VarCharVector("city-values", allocator)) {
            values.allocateNew();
            for (int i = 0; i < CITIES.length; i++) {
                values.setSafe(i, CITIES[i].getBytes(StandardCharsets.UTF_8));
            }
            values.setValueCount(CITIES.length);
            Dictionary dictionary = new Dictionary(values, new DictionaryEncoding(1L, false, null));
            DictionaryProvider.MapDictionaryProvider provider =
                    new DictionaryProvider.MapDictionaryProvider(dictionary);
            try (VarCharVector plain = new VarCharVector("city", allocator)) {
                plain.allocateNew();
                for (int i = 0; i < 250; i++) {
                    plain.setSafe(i, CITIES[i % CITIES.length].getBytes(StandardCharsets.UTF_8));
                }
                plain.setValueCount(250);
                try (IntVector encoded = (IntVector) DictionaryEncoder.encode(plain, dictionary);
                        VectorSchemaRoot root = VectorSchemaRoot.of(encoded);
                        FileChannel channel =
                                FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                        ArrowFileWriter writer = new ArrowFileWriter(root, provider, channel)) {
                    writer.start();
                    for (int written = 0; written < rows; written += 250) {
                        writer.writeBatch();
                    }
                    writer.end();
                }
            }
        }
    }
}

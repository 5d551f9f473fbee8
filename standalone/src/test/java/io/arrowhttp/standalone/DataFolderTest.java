package io.arrowhttp.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.arrowhttp.app.ServerSettings;
import io.arrowhttp.client.ArrowHttpClient;
import io.arrowhttp.client.DatasetStream;
import io.arrowhttp.client.GetOptions;
import io.arrowhttp.protocol.DatasetInfo;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.duckdb.DuckDBDriver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --data DIR} and {@code --config FILE}: data files and a catalog served next to the example dataset. */
class DataFolderTest {

    @TempDir
    Path folder;

    @Test
    void theArrowFilesOfTheDataFolderAreServedByName() throws IOException {
        write(folder.resolve("numbers.arrow"), 5, 1000);
        try (StandaloneServer server = StandaloneServer.start(
                        "127.0.0.1", 0, ServerSettings.defaults().withDataDirectory(folder));
                ArrowHttpClient client = ArrowHttpClient.builder(server.baseUri())
                        .readTimeout(Duration.ofSeconds(30))
                        .build();
                BufferAllocator allocator = new RootAllocator()) {
            assertEquals(
                    List.of("numbers", "tickers"),
                    client.listDatasets().stream()
                            .map(DatasetInfo::name)
                            .sorted()
                            .toList());
            assertEquals(5000L, client.info("numbers").totalRecords());
            try (DatasetStream stream =
                    client.get("numbers", GetOptions.defaults().parameter("limit", 2500), allocator)) {
                long next = 0;
                while (stream.reader().loadNextBatch()) {
                    BigIntVector n =
                            (BigIntVector) stream.reader().getVectorSchemaRoot().getVector("n");
                    for (int i = 0; i < n.getValueCount(); i++) {
                        assertEquals(next++, n.get(i));
                    }
                }
                assertEquals(2500, next);
            }
        }
    }

    @Test
    void aCatalogAndADataFolderAreServedTogetherWithTheCatalogsDefaultAtTheRoot() throws IOException {
        Path data = Files.createDirectories(folder.resolve("data"));
        write(data.resolve("numbers.arrow"), 2, 100);
        Path catalog = Files.writeString(folder.resolve("catalog.yaml"), """
                default: evens
                datasets:
                  - name: evens
                    description: The even numbers
                    sql: "SELECT n FROM read_parquet('evens.parquet') ORDER BY n"
                """, StandardCharsets.UTF_8);
        write(folder.resolve("all.arrow"), 1, 10);
        writeParquet(folder.resolve("evens.parquet"));
        try (StandaloneServer server = StandaloneServer.start(
                        "127.0.0.1",
                        0,
                        ServerSettings.defaults().withDataDirectory(data).withCatalogFile(catalog));
                ArrowHttpClient client = ArrowHttpClient.builder(server.baseUri())
                        .readTimeout(Duration.ofSeconds(30))
                        .build();
                BufferAllocator allocator = new RootAllocator()) {
            assertEquals(
                    List.of("evens", "numbers", "tickers"),
                    client.listDatasets().stream().map(DatasetInfo::name).toList());
            try (DatasetStream stream = client.fetch(server.baseUri(), GetOptions.defaults(), allocator)) {
                assertEquals(
                        "The even numbers", stream.metadata().get("description").asText());
                long rows = 0;
                while (stream.reader().loadNextBatch()) {
                    BigIntVector n =
                            (BigIntVector) stream.reader().getVectorSchemaRoot().getVector("n");
                    for (int i = 0; i < n.getValueCount(); i++, rows++) {
                        assertEquals(2 * rows, n.get(i));
                    }
                }
                assertEquals(500, rows);
            }
        }
    }

    /** A Parquet file of the even numbers below 1000, written by DuckDB's own COPY. */
    private static void writeParquet(Path file) {
        try (Connection duckdb = new DuckDBDriver().connect("jdbc:duckdb:", new Properties());
                Statement statement = duckdb.createStatement()) {
            statement.execute("COPY (SELECT range AS n FROM range(0, 1000, 2)) TO '" + file + "' (FORMAT parquet)");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void write(Path file, int batches, int rows) throws IOException {
        Schema schema = new Schema(List.of(Field.notNullable("n", new ArrowType.Int(64, true))));
        try (BufferAllocator allocator = new RootAllocator();
                VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator);
                FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                ArrowFileWriter writer = new ArrowFileWriter(root, null, channel)) {
            writer.start();
            BigIntVector n = (BigIntVector) root.getVector("n");
            for (int batch = 0; batch < batches; batch++) {
                n.allocateNew(rows);
                for (int i = 0; i < rows; i++) {
                    n.set(i, (long) batch * rows + i);
                }
                root.setRowCount(rows);
                writer.writeBatch();
            }
            writer.end();
        }
    }
}

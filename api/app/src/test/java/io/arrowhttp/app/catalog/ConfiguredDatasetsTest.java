package io.arrowhttp.app.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.arrowhttp.dataset.Dataset;
import io.arrowhttp.dataset.DatasetRequest;
import io.arrowhttp.server.ArrowHttpFeature;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Properties;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.duckdb.DuckDBDriver;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The YAML catalog and the data folder as an operator writes them: every supported kind of file,
 * globs, SQL with relative paths and environment references, and every mistake stopping the start
 * with the file, the line and the remedy.
 */
class ConfiguredDatasetsTest {

    private static final int ROWS = 1_000;

    @TempDir
    static Path folder;

    private static Path data;

    @BeforeAll
    static void writeFiles() throws SQLException, IOException {
        data = Files.createDirectories(folder.resolve("data"));
        try (Connection duckdb = new DuckDBDriver().connect("jdbc:duckdb:", new Properties());
                Statement statement = duckdb.createStatement()) {
            String rows = "(SELECT range AS id, 'row ' || range AS label FROM range(" + ROWS + "))";
            statement.execute("COPY " + rows + " TO '" + data.resolve("trades.parquet") + "' (FORMAT parquet)");
            statement.execute("COPY " + rows + " TO '" + data.resolve("quotes.csv") + "' (FORMAT csv, HEADER)");
            statement.execute("COPY " + rows + " TO '" + data.resolve("events.jsonl") + "' (FORMAT json)");
            statement.execute("COPY " + rows + " TO '" + data.resolve("bad name!.csv") + "' (FORMAT csv, HEADER)");
            Path daily = Files.createDirectories(data.resolve("daily"));
            for (int day = 1; day <= 3; day++) {
                statement.execute(
                        "COPY " + rows + " TO '" + daily.resolve("day-" + day + ".parquet") + "' (FORMAT parquet)");
            }
        }
        writeArrowFile(data.resolve("ticks.arrow"));
        Files.writeString(data.resolve("notes.txt"), "not data", StandardCharsets.UTF_8);
    }

    @Test
    void aDataFolderServesEverySupportedFileAndSkipsNamesThatCannotBeDatasetNames() {
        try (ConfiguredDatasets configured = ConfiguredDatasets.load(null, data, Map.of())) {
            assertEquals(
                    List.of("events", "quotes", "ticks", "trades"),
                    configured.datasets().stream().map(Dataset::name).toList());
            for (Dataset dataset : configured.datasets()) {
                assertEquals(ROWS, countRows(dataset), dataset.name());
            }
            assertTrue(configured.defaultDataset().isEmpty());
        }
    }

    @Test
    void aCatalogServesFilesGlobsAndSqlWithRelativePathsAndEnvironmentValues() throws IOException {
        Path catalog = write("catalog.yaml", """
                default: recent
                datasets:
                  - name: trades
                    description: "Trades of 2024"
                    file: data/trades.parquet
                    metadata: {source: exchange, year: 2024, audited: true, owners: [ops, risk]}
                  - name: daily
                    file: data/daily/*.parquet
                  - name: recent
                    description: ${env:RECENT_DESCRIPTION}
                    sql: "SELECT id FROM 'data/trades.parquet' WHERE id >= ${env:FIRST_ID}"
                  - name: ticks
                    file: ./data/ticks.arrow
                  - name: zurich
                    sql: "SELECT id, 'Zürich' AS city FROM read_parquet(['data/daily/day-1.parquet', 'data/daily/day-2.parquet']) WHERE label <> 'row 5'"
                """);
        Map<String, String> environment = Map.of("FIRST_ID", "990", "RECENT_DESCRIPTION", "The last ten");
        try (ConfiguredDatasets configured = ConfiguredDatasets.load(catalog, null, environment)) {
            assertEquals(
                    List.of("trades", "daily", "recent", "ticks", "zurich"),
                    configured.datasets().stream().map(Dataset::name).toList());
            assertEquals("recent", configured.defaultDataset().orElseThrow());
            Dataset trades = configured.datasets().get(0);
            assertEquals(ROWS, trades.totalRecords().orElseThrow());
            @SuppressWarnings("unchecked")
            Map<String, Object> metadata = (Map<String, Object>) trades.metadata(DatasetRequest.of(Map.of()));
            assertEquals("exchange", metadata.get("source"));
            assertEquals(2024L, metadata.get("year"));
            assertEquals(true, metadata.get("audited"));
            assertEquals(List.of("ops", "risk"), metadata.get("owners"));
            assertEquals("Trades of 2024", metadata.get("description"));
            Dataset daily = configured.datasets().get(1);
            assertEquals(3 * ROWS, countRows(daily));
            assertEquals(
                    List.of(OptionalLong.of(ROWS), OptionalLong.of(ROWS), OptionalLong.of(ROWS)),
                    daily.partitions(),
                    "a glob of three Parquet files: three partitions, their rows from the files' metadata");
            assertEquals(ROWS, countRows(daily, Map.of("partition", List.of("2"))));
            assertEquals(5, countRows(daily, Map.of("partition", List.of("1"), "limit", List.of("5"))));
            assertTrue(trades.partitions().isEmpty(), "one file: served whole");
            assertEquals(10, countRows(configured.datasets().get(2)));
            assertEquals("The last ten", configured.datasets().get(2).description());
            assertEquals(ROWS, countRows(configured.datasets().get(3)));
            assertEquals(2 * ROWS - 2, countRows(configured.datasets().get(4)));
        }
    }

    @Test
    void aCatalogAndADataFolderTogetherServeBothAndTheCatalogKeepsItsNames() throws IOException {
        Path catalog = write("both.yaml", """
                datasets:
                  - name: quotes
                    sql: "SELECT count(*) AS n FROM 'data/quotes.csv'"
                """);
        try (ConfiguredDatasets configured = ConfiguredDatasets.load(catalog, data, Map.of())) {
            assertEquals(
                    List.of("quotes", "events", "ticks", "trades"),
                    configured.datasets().stream().map(Dataset::name).toList());
            assertEquals(1, countRows(configured.datasets().get(0)), "the catalog's 'quotes' is the one served");
        }
    }

    @Test
    void everyMistakeNamesTheFileTheLineAndTheRemedy() throws IOException {
        assertRefused(
                "datasets:\n  - name: a\n    file: data/trades.parquet\n    colour: red\n",
                4,
                "unknown key 'colour'",
                "the keys are: batch_rows, cache, description, file, jdbc, metadata, name, parameters, partition, sql, table, upload_method,"
                        + " writable, writers");
        assertRefused("datasets:\n  - name: a\n    file: data/missing.parquet\n", 2, "does not exist", "fix the path");
        assertRefused("datasets:\n  - name: a\n    file: data/nothing-*.parquet\n", 2, "dataset 'a'", "fix the path");
        assertRefused(
                "datasets:\n  - name: a\n    file: data/trades.parquet\n  - name: a\n    file: data/quotes.csv\n",
                4,
                "used twice (first at line 2)",
                "rename one");
        assertRefused("datasets:\n  - name: a\n    sql: \"SELEC 1\"\n", 2, "syntax error", "fix the query");
        assertRefused(
                "datasets:\n  - name: a\n    sql: \"SELECT 1; SELECT 2\"\n",
                2,
                "one SELECT statement",
                "fix the query");
        assertRefused(
                "datasets:\n  - name: a\n    sql: \"SELECT * FROM '/etc/hostname.csv'\"\n",
                2,
                "dataset 'a'",
                "fix the query");
        assertRefused("default: zzz\ndatasets:\n  - name: a\n    file: data/quotes.csv\n", 1, "'zzz'", "it has: a");
        assertRefused("datasets:\n  - name: a\n", 2, "exactly one of 'file', 'sql' and 'table'", "dataset 'a'");
        assertRefused("datasets:\n  - name: a b\n    file: data/quotes.csv\n", 2, "rename the dataset", "'a b'");
        assertRefused("datasets:\n  - name: a\n    file: data/notes.txt\n", 2, "must end in", ".parquet");
        assertRefused("datasets: [\n", 2, "not valid YAML", "");
        assertRefused("sources: []\n", 1, "unknown key 'sources'", "datasets");
        assertRefused("datasets:\n  - name: a\n    sql: ${env:UNSET_VARIABLE}\n", 3, "UNSET_VARIABLE", "set it");
    }

    @Test
    void valuesFromTheEnvironmentNeverAppearInMessages() throws IOException {
        Path catalog = write("secret.yaml", "datasets:\n  - name: a\n    sql: \"SELECT * FROM ${env:TABLE_NAME}\"\n");
        ConfigurationException refused = assertThrows(
                ConfigurationException.class,
                () -> ConfiguredDatasets.load(catalog, null, Map.of("TABLE_NAME", "hunter2_secret")));
        assertFalse(refused.getMessage().contains("hunter2"), refused.getMessage());
        assertTrue(refused.getMessage().contains("${env:TABLE_NAME}"), refused.getMessage());
    }

    @Test
    void uploadSettingsMustFitTheAuthentication() throws IOException {
        String open = "uploads:\n  directory: uploads\n";
        assertUploadsRefused(open, false, "lets anyone who reaches the server write", "say 'writable: true'");
        assertUploadsRefused(open + "  writable: true\n", true, "has no 'writers'", "list the identities");
        assertUploadsRefused(
                open + "  writable: true\n  writers: [etl]\n",
                false,
                "authentication is off",
                "turn authentication on");
        assertRefused(open + "  max_bytes: ten\n", 3, "'max_bytes' is a size", "10GB or 512MiB");
        assertRefused("uploads:\n  writable: true\n", 2, "'uploads' has no 'directory'", "give the folder");

        Path catalog = write("uploads.yaml", open + "  writers: [etl]\n  max_bytes: 2GiB\n  max_concurrent: 2\n");
        try (ConfiguredDatasets configured = ConfiguredDatasets.load(catalog, null, Map.of());
                BufferAllocator allocator = new RootAllocator()) {
            assertTrue(configured.datasets().isEmpty());
            configured.configureUploads(ArrowHttpFeature.builder(allocator), true);
            assertTrue(Files.isDirectory(folder.resolve("uploads")));
        }
    }

    private static void assertUploadsRefused(String yaml, boolean authenticated, String problem, String remedy)
            throws IOException {
        Path catalog = write("uploads-mistake.yaml", yaml);
        try (ConfiguredDatasets configured = ConfiguredDatasets.load(catalog, null, Map.of());
                BufferAllocator allocator = new RootAllocator()) {
            ConfigurationException refused = assertThrows(
                    ConfigurationException.class,
                    () -> configured.configureUploads(ArrowHttpFeature.builder(allocator), authenticated));
            String message = refused.getMessage();
            assertTrue(message.startsWith(catalog + ":2: "), message);
            assertTrue(message.contains(problem), message);
            assertTrue(message.contains(remedy), message);
        }
    }

    private static void assertRefused(String yaml, int line, String problem, String remedy) throws IOException {
        Path catalog = write("mistake.yaml", yaml);
        ConfigurationException refused =
                assertThrows(ConfigurationException.class, () -> ConfiguredDatasets.load(catalog, null, Map.of()));
        String message = refused.getMessage();
        assertTrue(message.startsWith(catalog + ":" + line + ": "), message);
        assertTrue(message.contains(problem), message);
        assertTrue(message.contains(remedy), message);
        assertFalse(message.contains("\n"), "one line: " + message);
    }

    private static long countRows(Dataset dataset) {
        return countRows(dataset, Map.of());
    }

    private static long countRows(Dataset dataset, Map<String, List<String>> parameters) {
        try (BufferAllocator allocator = new RootAllocator();
                ArrowReader reader = dataset.open(DatasetRequest.of(parameters), allocator)) {
            long rows = 0;
            while (reader.loadNextBatch()) {
                rows += reader.getVectorSchemaRoot().getRowCount();
            }
            return rows;
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static Path write(String name, String yaml) throws IOException {
        return Files.writeString(folder.resolve(name), yaml, StandardCharsets.UTF_8);
    }

    /** An Arrow IPC file written by Arrow Java's own writer. */
    private static void writeArrowFile(Path file) throws IOException {
        try (BufferAllocator allocator = new RootAllocator();
                BigIntVector ids = new BigIntVector("id", allocator);
                FileChannel channel = FileChannel.open(
                        file,
                        StandardOpenOption.CREATE,
                        StandardOpenOption.WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING)) {
            ids.allocateNew(ROWS);
            for (int i = 0; i < ROWS; i++) {
                ids.set(i, i);
            }
            ids.setValueCount(ROWS);
            try (VectorSchemaRoot root = VectorSchemaRoot.of(ids);
                    ArrowFileWriter writer = new ArrowFileWriter(root, null, channel)) {
                writer.start();
                writer.writeBatch();
                writer.end();
            }
        }
    }
}

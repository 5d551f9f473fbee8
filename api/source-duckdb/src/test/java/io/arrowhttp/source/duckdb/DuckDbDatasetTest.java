package io.arrowhttp.source.duckdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.arrowhttp.client.ArrowHttpClient;
import io.arrowhttp.client.DatasetStream;
import io.arrowhttp.client.GetOptions;
import io.arrowhttp.dataset.DatasetDescription;
import io.arrowhttp.dataset.DatasetRequest;
import io.arrowhttp.protocol.ArrowHttpException;
import io.arrowhttp.protocol.DatasetInfo;
import io.arrowhttp.protocol.ErrorCode;
import io.arrowhttp.testing.TestServer;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.ValueVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.dictionary.Dictionary;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.util.Text;
import org.duckdb.DuckDBDriver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Parquet, CSV and JSON-lines files written by DuckDB's own {@code COPY ... TO} from rows this
 * test makes, with nulls and every common type, served through the locked-down engine and read
 * back with the Java client value by value.
 */
class DuckDbDatasetTest {

    private static final int ROWS = 5_000;
    private static final int BATCH_ROWS = 1_000;
    private static final List<String> COLUMNS = List.of("id", "name", "price", "flag", "ts", "day", "amount", "side");

    @TempDir
    static Path folder;

    private static Path data;
    private static List<Row> rows;
    private static DuckDbEngine engine;
    private static TestServer server;
    private static ArrowHttpClient client;

    /** One source row; null fields are SQL NULLs. */
    record Row(
            long id,
            String name,
            Double price,
            Boolean flag,
            LocalDateTime ts,
            LocalDate day,
            BigDecimal amount,
            String side) {}

    @BeforeAll
    static void start() throws SQLException, IOException {
        data = Files.createDirectories(folder.resolve("data"));
        rows = makeRows();
        writeWithDuckDb(rows, data);
        engine = DuckDbEngine.builder()
                .allowDirectory(data)
                .batchRows(BATCH_ROWS)
                .threads(1)
                .build();
        List<DuckDbDataset> datasets = List.of(
                DuckDbDataset.ofFiles(
                        engine,
                        new DatasetDescription("parquet", "Rows as Parquet", Map.of("source", "test")),
                        data.resolve("rows.parquet").toString()),
                DuckDbDataset.ofFiles(
                        engine,
                        DatasetDescription.of("csv", "Rows as CSV"),
                        data.resolve("rows.csv").toString()),
                DuckDbDataset.ofFiles(
                        engine,
                        DatasetDescription.of("jsonl", "Rows as JSON lines"),
                        data.resolve("rows.jsonl").toString()),
                DuckDbDataset.ofFiles(
                        engine,
                        DatasetDescription.of("parts", "Both halves, by a glob"),
                        data.resolve("part-*.parquet").toString()),
                DuckDbDataset.ofFiles(
                        engine,
                        DatasetDescription.of("grouped", "Rows in row groups of 1024"),
                        data.resolve("grouped.parquet").toString()),
                DuckDbDataset.ofQuery(
                        engine,
                        DatasetDescription.of("buys", "The buys"),
                        "SELECT id, amount FROM '" + data.resolve("rows.parquet")
                                + "' WHERE side = 'buy' ORDER BY id;"),
                DuckDbDataset.ofQuery(
                        engine,
                        DatasetDescription.of("slow", "A query that takes minutes"),
                        "SELECT count(*) AS n FROM range(1000000) a, range(1000000) b WHERE (a.range * b.range) % 7 = 3"));
        server = TestServer.withFeature(feature -> {
            datasets.forEach(feature::dataset);
            return feature;
        });
        client = ArrowHttpClient.builder(server.uri("/"))
                .readTimeout(Duration.ofSeconds(60))
                .build();
    }

    @AfterAll
    static void stop() throws SQLException {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.close();
        }
        if (engine != null) {
            engine.close();
        }
    }

    @Test
    void everyValueOfAParquetFileComesBackAsTheSourceRows() throws IOException {
        assertEquals(rows, readRows("parquet", GetOptions.defaults(), Format.PARQUET));
    }

    @Test
    void everyValueOfACsvFileComesBackAsTheSourceRows() throws IOException {
        assertEquals(rows, readRows("csv", GetOptions.defaults(), Format.TEXT));
    }

    @Test
    void everyValueOfAJsonLinesFileComesBackAsTheSourceRows() throws IOException {
        assertEquals(rows, readRows("jsonl", GetOptions.defaults(), Format.TEXT));
    }

    @Test
    void aGlobServesItsFilesAsOneDataset() throws IOException {
        List<Row> read = new ArrayList<>(readRows("parts", GetOptions.defaults(), Format.PARQUET));
        read.sort((a, b) -> Long.compare(a.id(), b.id()));
        assertEquals(rows, read);
    }

    @Test
    void columnsAndLimitAreAnsweredByTheQuery() throws IOException {
        GetOptions options =
                GetOptions.defaults().parameter("columns", "side,id").parameter("limit", 1234);
        try (BufferAllocator reading = new RootAllocator();
                DatasetStream stream = client.get("parquet", options, reading)) {
            VectorSchemaRoot root = stream.reader().getVectorSchemaRoot();
            assertEquals(
                    List.of("side", "id"),
                    root.getSchema().getFields().stream().map(Field::getName).toList());
            int row = 0;
            while (stream.reader().loadNextBatch()) {
                for (int i = 0; i < root.getRowCount(); i++, row++) {
                    assertEquals(rows.get(row).side(), text(stream, root.getVector("side"), i));
                    assertEquals(
                            rows.get(row).id(), ((Number) root.getVector("id").getObject(i)).longValue());
                }
            }
            assertEquals(1234, row);
            assertEquals(1234, stream.metadata().get("totalRecords").asLong());
        }
    }

    @Test
    void aColumnNamedLikeSqlIsQuotedNotRun() {
        ArrowHttpException refused = assertThrows(
                ArrowHttpException.class,
                () -> client.get(
                                "parquet",
                                GetOptions.defaults().parameter("columns", "id\" FROM x; DROP TABLE y; --"),
                                new RootAllocator())
                        .close());
        assertEquals(ErrorCode.INVALID_ARGUMENT, refused.code());
        assertTrue(refused.getMessage().contains("it has: id, name"), refused.getMessage());
    }

    @Test
    void aQueryDatasetServesItsResult() throws IOException {
        List<Long> ids = new ArrayList<>();
        try (BufferAllocator reading = new RootAllocator();
                DatasetStream stream = client.get("buys", GetOptions.defaults(), reading)) {
            VectorSchemaRoot root = stream.reader().getVectorSchemaRoot();
            while (stream.reader().loadNextBatch()) {
                for (int i = 0; i < root.getRowCount(); i++) {
                    ids.add(((Number) root.getVector("id").getObject(i)).longValue());
                    assertEquals(
                            rows.get((int) ids.get(ids.size() - 1).longValue()).amount(), amount(root, i));
                }
            }
        }
        assertEquals(
                rows.stream()
                        .filter(row -> "buy".equals(row.side()))
                        .map(Row::id)
                        .toList(),
                ids);
    }

    @Test
    void aParquetFileOfSeveralRowGroupsHasAPartitionPerRowGroupThatTogetherAreTheFile() throws IOException {
        DatasetInfo grouped = client.info("grouped");
        List<DatasetInfo.Endpoint> endpoints = grouped.endpoints();
        assertTrue(endpoints.size() >= 3, "row groups of 1024 rows out of " + ROWS + ": " + endpoints.size());
        assertEquals(Boolean.TRUE, grouped.ordered());
        assertEquals(
                ROWS,
                endpoints.stream().mapToLong(DatasetInfo.Endpoint::totalRecords).sum(),
                "the rows of each from the file's metadata");
        List<Long> inOrder = new ArrayList<>();
        for (int partition = 0; partition < endpoints.size(); partition++) {
            List<Long> part = ids("grouped", GetOptions.defaults().parameter("partition", partition));
            assertEquals(endpoints.get(partition).totalRecords().longValue(), part.size());
            inOrder.addAll(part);
        }
        assertEquals(rows.stream().map(Row::id).toList(), inOrder, "the partitions in order are the file");
        assertEquals(rows, readRows("grouped", GetOptions.defaults(), Format.PARQUET), "and the whole is too");
    }

    private static List<Long> ids(String dataset, GetOptions options) throws IOException {
        List<Long> ids = new ArrayList<>();
        try (BufferAllocator reading = new RootAllocator();
                DatasetStream stream = client.get(dataset, options, reading)) {
            VectorSchemaRoot root = stream.reader().getVectorSchemaRoot();
            while (stream.reader().loadNextBatch()) {
                for (int i = 0; i < root.getRowCount(); i++) {
                    ids.add(((Number) root.getVector("id").getObject(i)).longValue());
                }
            }
        }
        return ids;
    }

    @Test
    void theCatalogKnowsParquetRowsFromFootersAndTheSchemaOfEvery() throws IOException {
        DatasetInfo parquet = client.info("parquet");
        assertEquals(ROWS, parquet.totalRecords());
        assertEquals(
                COLUMNS,
                parquet.schema().getFields().stream().map(Field::getName).toList());
        assertEquals(ROWS, client.info("parts").totalRecords());
        assertNull(client.info("csv").totalRecords(), "a CSV file would have to be read to count its rows");
        assertEquals(
                COLUMNS,
                client.info("jsonl").schema().getFields().stream()
                        .map(Field::getName)
                        .toList());
    }

    @Test
    void theJsonPartCarriesTheConfiguredMetadataAndTheSchema() throws IOException {
        try (BufferAllocator reading = new RootAllocator();
                DatasetStream stream =
                        client.get("parquet", GetOptions.defaults().parameter("limit", 0), reading)) {
            assertEquals("test", stream.metadata().get("source").asText());
            assertEquals("parquet", stream.metadata().get("name").asText());
            assertEquals("Rows as Parquet", stream.metadata().get("description").asText());
            assertEquals(
                    "Decimal(12, 3, 128)",
                    stream.metadata().get("schema").get(6).get("type").asText());
            assertFalse(stream.reader().loadNextBatch());
        }
    }

    @Test
    void aPassedDeadlineStopsTheRunningQuery() {
        long started = System.nanoTime();
        ArrowHttpException stopped = assertThrows(
                ArrowHttpException.class,
                () -> client.get("slow", GetOptions.defaults().timeout(Duration.ofMillis(500)), new RootAllocator())
                        .close());
        assertEquals(ErrorCode.TIMED_OUT, stopped.code());
        assertTrue(
                System.nanoTime() - started < Duration.ofSeconds(20).toNanos(),
                "the query was not stopped at the deadline");
    }

    @Test
    void aFileThatVanishedIsAProblemBeforeTheResponseStartsAndShowsNoPath() throws IOException {
        Path copy = Files.copy(data.resolve("rows.parquet"), data.resolve("vanishing.parquet"));
        DuckDbDataset vanishing =
                DuckDbDataset.ofFiles(engine, DatasetDescription.of("vanishing", ""), copy.toString());
        Files.delete(copy);
        try (BufferAllocator allocator = new RootAllocator()) {
            ArrowHttpException refused = assertThrows(
                    ArrowHttpException.class, () -> vanishing.open(DatasetRequest.of(Map.of()), allocator));
            assertEquals(ErrorCode.UNAVAILABLE, refused.code());
            assertFalse(refused.getMessage().contains(folder.toString()), refused.getMessage());
            assertTrue(refused.getMessage().contains("'vanishing'"), refused.getMessage());
        }
    }

    @Test
    void queriesThatWriteOrReachOutsideTheDataDirectoriesAreRefused() throws IOException {
        Path outside = Files.writeString(folder.resolve("secret.csv"), "a\n1\n");
        List<String> refused = List.of(
                "COPY (SELECT 1) TO '" + data.resolve("written.csv") + "'",
                "CREATE TABLE planted AS SELECT 1",
                "CREATE TABLE planted (a INT); SELECT 1",
                "SELECT 1; SELECT 2",
                "ATTACH '" + data.resolve("other.duckdb") + "'",
                "INSTALL httpfs",
                "LOAD httpfs",
                "SET enable_external_access = true",
                "PRAGMA version",
                "SELECT * FROM '" + outside + "'",
                "SELECT * FROM '" + data.resolve("..").resolve("secret.csv") + "'",
                "SELECT * FROM read_text('/etc/passwd')",
                "SELECT * FROM read_csv('" + data + "-elsewhere/x.csv')");
        for (String sql : refused) {
            assertThrows(
                    IllegalArgumentException.class,
                    () -> DuckDbDataset.ofQuery(engine, DatasetDescription.of("bad", ""), sql),
                    sql);
        }
        assertFalse(Files.exists(data.resolve("written.csv")));
        assertThrows(
                IllegalArgumentException.class,
                () -> DuckDbDataset.ofQuery(engine, DatasetDescription.of("bad", ""), "SELECT * FROM planted"),
                "a table was created while a query was checked");
    }

    private enum Format {
        /** Types as written. */
        PARQUET,
        /** CSV and JSON lines: DuckDB infers the types, and decimals come back as doubles. */
        TEXT
    }

    private static List<Row> readRows(String dataset, GetOptions options, Format format) throws IOException {
        List<Row> read = new ArrayList<>();
        try (BufferAllocator reading = new RootAllocator();
                DatasetStream stream = client.get(dataset, options, reading)) {
            VectorSchemaRoot root = stream.reader().getVectorSchemaRoot();
            assertEquals(
                    COLUMNS,
                    root.getSchema().getFields().stream().map(Field::getName).toList());
            int batches = 0;
            while (stream.reader().loadNextBatch()) {
                batches++;
                for (int i = 0; i < root.getRowCount(); i++) {
                    BigDecimal amount = amount(root, i);
                    Row source = rows.get(read.size() % ROWS);
                    if (format == Format.TEXT && amount != null) {
                        // Text files have no decimal type: the value must be the source's as a double.
                        assertEquals(source.amount().doubleValue(), amount.doubleValue());
                        amount = source.amount();
                    }
                    read.add(new Row(
                            ((Number) root.getVector("id").getObject(i)).longValue(),
                            text(stream, root.getVector("name"), i),
                            (Double) root.getVector("price").getObject(i),
                            (Boolean) root.getVector("flag").getObject(i),
                            timestamp(root.getVector("ts"), i),
                            day(root.getVector("day"), i),
                            amount,
                            text(stream, root.getVector("side"), i)));
                }
            }
            assertTrue(batches >= ROWS / BATCH_ROWS, "rows came in " + batches + " batches");
        }
        return read;
    }

    private static BigDecimal amount(VectorSchemaRoot root, int i) {
        Object value = root.getVector("amount").getObject(i);
        if (value == null || value instanceof BigDecimal) {
            return (BigDecimal) value;
        }
        return BigDecimal.valueOf(((Number) value).doubleValue());
    }

    private static String text(DatasetStream stream, FieldVector vector, int i) {
        if (vector.isNull(i)) {
            return null;
        }
        if (vector.getField().getDictionary() != null) {
            Dictionary dictionary =
                    stream.reader().lookup(vector.getField().getDictionary().getId());
            int index = ((Number) vector.getObject(i)).intValue();
            return dictionary.getVector().getObject(index).toString();
        }
        Object value = vector.getObject(i);
        return value instanceof Text textValue ? textValue.toString() : value.toString();
    }

    private static LocalDateTime timestamp(ValueVector vector, int i) {
        Object value = vector.getObject(i);
        if (value == null) {
            return null;
        }
        if (value instanceof LocalDateTime local) {
            return local;
        }
        if (value instanceof Text written) {
            // JSON has no timestamp type: DuckDB writes the ISO form and reads it back as text.
            return LocalDateTime.parse(written.toString().replace(' ', 'T'));
        }
        long micros = ((Number) value).longValue();
        return LocalDateTime.ofInstant(Instant.EPOCH.plus(micros, ChronoUnit.MICROS), ZoneOffset.UTC);
    }

    private static LocalDate day(ValueVector vector, int i) {
        Object value = vector.getObject(i);
        if (value == null) {
            return null;
        }
        if (value instanceof LocalDateTime local) {
            return local.toLocalDate();
        }
        return LocalDate.ofEpochDay(((Number) value).longValue());
    }

    private static List<Row> makeRows() {
        List<Row> made = new ArrayList<>();
        String[] names = {"Zürich", "naïve ☃", "plain", "quote\"d, comma", "日本"};
        LocalDateTime start = LocalDateTime.of(2024, 1, 1, 9, 30);
        for (int i = 0; i < ROWS; i++) {
            boolean gap = i % 17 == 5;
            made.add(new Row(
                    i,
                    gap ? null : names[i % names.length] + " " + i,
                    gap ? null : i * 0.25 - 100,
                    gap ? null : i % 3 == 0,
                    gap ? null : start.plusSeconds(i * 61L).plusNanos((i % 1000) * 1000L),
                    gap ? null : LocalDate.of(2024, 1, 1).plusDays(i % 400),
                    gap ? null : BigDecimal.valueOf(i * 1001L - 500_000, 3),
                    gap ? null : i % 4 == 0 ? "sell" : "buy"));
        }
        return made;
    }

    /** Writes the rows with DuckDB's own COPY: the files come from a tool, not from this project. */
    private static void writeWithDuckDb(List<Row> source, Path folder) throws SQLException {
        try (Connection duckdb = new DuckDBDriver().connect("jdbc:duckdb:", new Properties());
                Statement statement = duckdb.createStatement()) {
            statement.execute("CREATE TYPE side AS ENUM ('buy', 'sell')");
            statement.execute("CREATE TABLE rows (id BIGINT, name VARCHAR, price DOUBLE, flag BOOLEAN, "
                    + "ts TIMESTAMP, day DATE, amount DECIMAL(12, 3), side side)");
            try (PreparedStatement insert =
                    duckdb.prepareStatement("INSERT INTO rows VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
                for (Row row : source) {
                    insert.setLong(1, row.id());
                    insert.setObject(2, row.name());
                    insert.setObject(3, row.price());
                    insert.setObject(4, row.flag());
                    insert.setObject(5, row.ts());
                    insert.setObject(6, row.day());
                    insert.setObject(7, row.amount());
                    insert.setObject(8, row.side());
                    insert.addBatch();
                }
                insert.executeBatch();
            }
            String table = "(SELECT * FROM rows ORDER BY id)";
            statement.execute("COPY " + table + " TO '" + folder.resolve("rows.parquet") + "' (FORMAT parquet)");
            statement.execute("COPY " + table + " TO '" + folder.resolve("rows.csv") + "' (FORMAT csv, HEADER)");
            statement.execute("COPY " + table + " TO '" + folder.resolve("rows.jsonl") + "' (FORMAT json)");
            statement.execute("COPY (SELECT * FROM rows WHERE id < " + ROWS / 2 + " ORDER BY id) TO '"
                    + folder.resolve("part-1.parquet") + "' (FORMAT parquet)");
            statement.execute("COPY (SELECT * FROM rows WHERE id >= " + ROWS / 2 + " ORDER BY id) TO '"
                    + folder.resolve("part-2.parquet") + "' (FORMAT parquet)");
            statement.execute("COPY " + table + " TO '" + folder.resolve("grouped.parquet")
                    + "' (FORMAT parquet, ROW_GROUP_SIZE 1024)");
        }
    }
}

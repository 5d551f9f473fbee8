package io.arrowhttp.source.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.arrowhttp.client.ArrowHttpClient;
import io.arrowhttp.client.DatasetStream;
import io.arrowhttp.client.GetOptions;
import io.arrowhttp.protocol.ArrowHttpException;
import io.arrowhttp.protocol.ErrorCode;
import io.arrowhttp.server.auth.WritePermission;
import io.arrowhttp.testing.TestServer;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Uploads into the tables of a DuckDB database file, through DuckDB's appender and through batched
 * inserts: every common type and nulls, read back by DuckDB itself and through the server; every
 * refusal leaving the table exactly as it was. Reads and writes share the file in one process, as a
 * catalog with a writable DuckDB table does.
 */
class DuckDbTableStoreTest {

    private static final String COLUMNS = "id BIGINT NOT NULL, small SMALLINT, medium INTEGER, ratio REAL,"
            + " price DOUBLE, amount DECIMAL(14, 4), label VARCHAR, flag BOOLEAN, day DATE,"
            + " ts TIMESTAMP, tstz TIMESTAMPTZ, raw BLOB, note VARCHAR DEFAULT 'kept'";

    /** What DuckDB prints of the rows, time zones aside: every column, in id order. */
    private static final String SELECT = "SELECT id, small, medium, ratio, price, amount, label, flag, day, ts,"
            + " epoch_us(tstz), hex(raw), note FROM %s ORDER BY id";

    private static Path folder;
    private static HikariDataSource pool;
    private static TestServer server;
    private static ArrowHttpClient client;
    private static BufferAllocator allocator;

    @BeforeAll
    static void start() throws Exception {
        folder = Files.createTempDirectory("arrowhttp-duckdb-tables");
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl("jdbc:duckdb:" + folder.resolve("warehouse.duckdb"));
        config.setMaximumPoolSize(4);
        config.setConnectionTimeout(2_000);
        pool = new HikariDataSource(config);
        sql("CREATE TABLE appended (" + COLUMNS + "); CREATE TABLE inserted (" + COLUMNS + ");"
                + " CREATE TABLE narrow (id BIGINT NOT NULL, amount DECIMAL(5, 2))");
        List<JdbcTableStore.Table> tables = List.of(
                TypedUploadRows.table(pool, "appended", JdbcTableStore.Method.AUTOMATIC),
                TypedUploadRows.table(pool, "inserted", JdbcTableStore.Method.INSERTS),
                TypedUploadRows.table(pool, "narrow", JdbcTableStore.Method.AUTOMATIC));
        server = TestServer.withFeature(
                feature -> feature.uploads(new JdbcTableStore(pool, tables), WritePermission.anyone()));
        client = ArrowHttpClient.builder(server.uri("/"))
                .readTimeout(Duration.ofSeconds(60))
                .build();
        allocator = new RootAllocator();
    }

    @AfterAll
    static void stop() throws IOException {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.close();
        }
        if (allocator != null) {
            allocator.close();
        }
        if (pool != null) {
            pool.close();
        }
        if (folder != null) {
            try (var files = Files.list(folder)) {
                for (Path file : files.toList()) {
                    Files.delete(file);
                }
            }
            Files.delete(folder);
        }
    }

    @Test
    void appenderAndInsertsStoreEveryValueAsDuckDbReadsIt() throws Exception {
        for (String table : List.of("appended", "inserted")) {
            assertEquals(3000, put(table, TypedUploadRows.stream(0, 3, 1000, row -> false)));
            assertEquals(500, append(table, TypedUploadRows.stream(3000, 1, 500, row -> false)));
        }
        List<String> appended = sql(String.format(SELECT, "appended"));
        assertEquals(3500, appended.size());
        assertEquals(sql(String.format(SELECT, "inserted")), appended);
        assertEquals(
                "9|9|9|2.25|9.25|111111.1101|row 9 ☃|false|2024-01-10|2024-01-01 00:00:09.000009"
                        + "|1704067740000000|0009FF|kept",
                appended.get(9));
        assertEquals("0" + "|null".repeat(11) + "|kept", appended.get(0), "every seventh row holds nulls but its id");
        assertEquals(
                "1234|1234|1234|308.5|1234.25|-0.1234|row 1234|true|2027-05-19|2024-01-01 00:20:34.001234"
                        + "|1704141240000000|04D2FF|kept",
                appended.get(1234));

        assertEquals(10, put("appended", TypedUploadRows.stream(100, 1, 10, row -> false)));
        assertEquals(List.of("10|100|109"), sql("SELECT count(*), min(id), max(id) FROM appended"));
        assertEquals(
                List.of(100L, 101L, 102L, 103L, 104L, 105L, 106L, 107L, 108L, 109L),
                idsReadThroughTheServer("appended"),
                "readers see the upload once it is committed, binary columns included");
    }

    @Test
    void refusedUploadsLeaveTheTableAsItWas() throws Exception {
        put("narrow", TypedUploadRows.narrow(List.of(new BigDecimal("1.5"), new BigDecimal("2.25"))));
        List<String> before = sql("SELECT id, amount FROM narrow ORDER BY id");

        ArrowHttpException outOfRange = assertThrows(
                ArrowHttpException.class,
                () -> put("narrow", TypedUploadRows.narrow(List.of(new BigDecimal("12345.67")))));
        assertEquals(ErrorCode.INVALID_ARGUMENT, outOfRange.code());
        assertTrue(outOfRange.getMessage().contains("refused a value"), outOfRange.getMessage());

        ArrowHttpException nullId = assertThrows(
                ArrowHttpException.class,
                () -> append("appended", TypedUploadRows.stream(90_000, 2, 100, row -> row == 150)));
        assertTrue(
                nullId.getMessage().contains("Column 'id' of dataset 'appended' takes no nulls; row 151"),
                nullId.getMessage());
        ArrowHttpException unknown = assertThrows(
                ArrowHttpException.class, () -> append("narrow", TypedUploadRows.stream(0, 1, 5, r -> false)));
        assertTrue(unknown.getMessage().contains("has no column 'small'"), unknown.getMessage());

        assertEquals(before, sql("SELECT id, amount FROM narrow ORDER BY id"));
        assertEquals(List.of("0"), sql("SELECT count(*) FROM appended WHERE id >= 90000"));
    }

    private List<Long> idsReadThroughTheServer(String name) throws IOException {
        List<Long> ids = new ArrayList<>();
        try (DatasetStream stream = client.get(name, GetOptions.defaults(), allocator)) {
            ArrowReader reader = stream.reader();
            VectorSchemaRoot root = reader.getVectorSchemaRoot();
            while (reader.loadNextBatch()) {
                BigIntVector id = (BigIntVector) root.getVector("id");
                VarBinaryVector raw = (VarBinaryVector) root.getVector("raw");
                for (int row = 0; row < root.getRowCount(); row++) {
                    ids.add(id.get(row));
                    assertEquals(id.get(row) % 7 == 0 ? null : (byte) 0xff, raw.isNull(row) ? null : raw.get(row)[2]);
                }
            }
        }
        ids.sort(null);
        return ids;
    }

    private static long put(String table, byte[] stream) throws IOException {
        return TypedUploadRows.upload(client, table, stream, true, allocator);
    }

    private static long append(String table, byte[] stream) throws IOException {
        return TypedUploadRows.upload(client, table, stream, false, allocator);
    }

    /** Runs statements, or one query whose rows come back as text, columns joined by {@code |}. */
    private static List<String> sql(String sql) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection connection = pool.getConnection();
                Statement statement = connection.createStatement()) {
            if (!statement.execute(sql)) {
                return rows;
            }
            try (ResultSet result = statement.getResultSet()) {
                int columns = result.getMetaData().getColumnCount();
                while (result.next()) {
                    List<String> values = new ArrayList<>();
                    for (int i = 1; i <= columns; i++) {
                        values.add(String.valueOf(result.getString(i)));
                    }
                    rows.add(String.join("|", values));
                }
            }
        }
        return rows;
    }
}

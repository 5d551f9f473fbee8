package io.arrowhttp.source.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.arrowhttp.client.ArrowHttpClient;
import io.arrowhttp.client.UploadOptions;
import io.arrowhttp.dataset.DatasetDescription;
import io.arrowhttp.protocol.ArrowHttpException;
import io.arrowhttp.protocol.ErrorCode;
import io.arrowhttp.server.auth.WritePermission;
import io.arrowhttp.testing.TestServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.net.HttpURLConnection;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntPredicate;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.SmallIntVector;
import org.apache.arrow.vector.TimeStampMicroTZVector;
import org.apache.arrow.vector.TimeStampMicroVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Uploads into a real PostgreSQL 15 table, through binary COPY and through batched inserts: every
 * common type and nulls, checked value by value by PostgreSQL itself; every refusal leaving the
 * table exactly as it was.
 */
class PostgresTableStoreTest {

    private static final Schema SCHEMA = new Schema(List.of(
            Field.notNullable("id", new ArrowType.Int(64, true)),
            Field.nullable("small", new ArrowType.Int(16, true)),
            Field.nullable("medium", new ArrowType.Int(32, true)),
            Field.nullable("ratio", new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE)),
            Field.nullable("price", new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE)),
            Field.nullable("amount", new ArrowType.Decimal(14, 4, 128)),
            Field.nullable("label", ArrowType.Utf8.INSTANCE),
            Field.nullable("flag", ArrowType.Bool.INSTANCE),
            Field.nullable("day", new ArrowType.Date(DateUnit.DAY)),
            Field.nullable("ts", new ArrowType.Timestamp(TimeUnit.MICROSECOND, null)),
            Field.nullable("tstz", new ArrowType.Timestamp(TimeUnit.MICROSECOND, "UTC")),
            Field.nullable("raw", ArrowType.Binary.INSTANCE)));

    private static final String COLUMNS = "id bigint NOT NULL, small smallint, medium integer, ratio real,"
            + " price double precision, amount numeric(14, 4), label text, flag boolean, day date,"
            + " ts timestamp, tstz timestamptz, raw bytea, note varchar(20) DEFAULT 'kept'";

    /** What PostgreSQL prints of the rows: every column but the default, in id order. */
    private static final String SELECT = "SELECT id, small, medium, ratio, price, amount, label, flag, day, ts, tstz,"
            + " encode(raw, 'hex'), note FROM %s ORDER BY id";

    private static PostgresCluster postgres;
    private static HikariDataSource pool;
    private static TestServer server;
    private static ArrowHttpClient client;
    private static BufferAllocator allocator;

    @BeforeAll
    static void start() throws Exception {
        postgres = PostgresCluster.start();
        postgres.psql("CREATE TABLE copied (" + COLUMNS + "); CREATE TABLE inserted (" + COLUMNS + ");"
                + " CREATE TABLE narrow (id bigint NOT NULL, amount numeric(5, 2))");
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(postgres.jdbcUrl("postgres"));
        config.setUsername(PostgresCluster.USER);
        config.setPassword(postgres.password());
        config.setMaximumPoolSize(4);
        config.setConnectionTimeout(2_000);
        pool = new HikariDataSource(config);
        List<JdbcTableStore.Table> tables = List.of(
                table("copied", JdbcTableStore.Method.AUTOMATIC),
                table("inserted", JdbcTableStore.Method.INSERTS),
                table("narrow", JdbcTableStore.Method.AUTOMATIC));
        server = TestServer.withFeature(
                feature -> feature.uploads(new JdbcTableStore(pool, tables), WritePermission.anyone()));
        client = ArrowHttpClient.builder(server.uri("/"))
                .readTimeout(Duration.ofSeconds(60))
                .build();
        allocator = new RootAllocator();
    }

    private static JdbcTableStore.Table table(String name, JdbcTableStore.Method method) {
        return new JdbcTableStore.Table(
                JdbcDataset.of(
                        pool, DatasetDescription.of(name, "A table"), "SELECT * FROM " + name, List.of(), 10_000),
                name,
                method);
    }

    @AfterAll
    static void stop() {
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
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void copyAndInsertsStoreEveryValueAsPostgresReadsIt() throws Exception {
        for (String table : List.of("copied", "inserted")) {
            assertEquals(3000, put(table, stream(0, 3, 1000, row -> false)));
            assertEquals(500, append(table, stream(3000, 1, 500, row -> false)));
        }
        List<String> copied = postgres.psql(String.format(SELECT, "copied"));
        assertEquals(3500, copied.size());
        assertEquals(postgres.psql(String.format(SELECT, "inserted")), copied);
        assertEquals(
                "9|9|9|2.25|9.25|111111.1101|row 9 ☃|f|2024-01-10|2024-01-01 00:00:09.000009|2024-01-01 00:09:00+00|0009ff|kept",
                copied.get(9));
        assertEquals("0" + "|".repeat(12) + "kept", copied.get(0), "every seventh row holds nulls but its id");
        assertEquals(
                "1234|1234|1234|308.5|1234.25|-0.1234|row 1234|t|2027-05-19|2024-01-01 00:20:34.001234"
                        + "|2024-01-01 20:34:00+00|04d2ff|kept",
                copied.get(1234));
        assertEquals(List.of("3500"), postgres.psql("SELECT count(*) FROM copied"));

        assertEquals(10, put("copied", stream(100, 1, 10, row -> false)));
        assertEquals(List.of("10|100|109"), postgres.psql("SELECT count(*), min(id), max(id) FROM copied"));
    }

    @Test
    void refusedUploadsLeaveTheTableAsItWas() throws Exception {
        put("narrow", narrow(List.of(new BigDecimal("1.5"), new BigDecimal("2.25"))));
        List<String> before = postgres.psql("SELECT id, amount FROM narrow ORDER BY id");

        ArrowHttpException outOfRange = assertThrows(
                ArrowHttpException.class, () -> put("narrow", narrow(List.of(new BigDecimal("12345.67")))));
        assertEquals(ErrorCode.INVALID_ARGUMENT, outOfRange.code());
        assertTrue(outOfRange.getMessage().contains("SQLSTATE 22003"), outOfRange.getMessage());

        for (String table : List.of("copied", "inserted")) {
            ArrowHttpException nullId = assertThrows(
                    ArrowHttpException.class, () -> append(table, stream(90_000, 2, 100, row -> row == 150)));
            assertTrue(
                    nullId.getMessage().contains("Column 'id' of dataset '" + table + "' takes no nulls; row 151"),
                    nullId.getMessage());
        }
        ArrowHttpException unknown =
                assertThrows(ArrowHttpException.class, () -> append("narrow", stream(0, 1, 5, r -> false)));
        assertTrue(unknown.getMessage().contains("has no column 'small'"), unknown.getMessage());

        byte[] whole = narrow(List.of(new BigDecimal("9.99"), new BigDecimal("8.88")));
        HttpResult broken = send("/datasets/narrow", Arrays.copyOf(whole, whole.length - 8));
        assertEquals(400, broken.status());
        assertEquals(before, postgres.psql("SELECT id, amount FROM narrow ORDER BY id"));
        assertEquals(405, send("/datasets/elsewhere", whole).status(), "a name that is not a configured table");
    }

    private static long put(String table, byte[] stream) throws IOException {
        try (ArrowStreamReader reader = new ArrowStreamReader(new ByteArrayInputStream(stream), allocator)) {
            return client.put(table, reader, UploadOptions.defaults()).rows();
        }
    }

    private static long append(String table, byte[] stream) throws IOException {
        try (ArrowStreamReader reader = new ArrowStreamReader(new ByteArrayInputStream(stream), allocator)) {
            return client.append(table, reader, UploadOptions.defaults()).rows();
        }
    }

    private record HttpResult(int status, String body) {}

    private static HttpResult send(String path, byte[] body) throws IOException {
        HttpURLConnection connection =
                (HttpURLConnection) server.uri(path).toURL().openConnection();
        connection.setConnectTimeout(5_000);
        connection.setReadTimeout(30_000);
        connection.setRequestMethod("PUT");
        connection.setDoOutput(true);
        connection.setRequestProperty("Content-Type", "application/vnd.apache.arrow.stream");
        connection.setFixedLengthStreamingMode(body.length);
        try (OutputStream out = connection.getOutputStream()) {
            out.write(body);
        }
        int status = connection.getResponseCode();
        try (InputStream in = status >= 400 ? connection.getErrorStream() : connection.getInputStream()) {
            return new HttpResult(status, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    /**
     * Rows of every type from {@code first}: every seventh all null but the id; {@code nullId} rows
     * without an id. Amounts are large and positive for every third id, small and negative otherwise.
     */
    private static byte[] stream(long first, int batches, int rows, IntPredicate nullId) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (BufferAllocator writing = new RootAllocator();
                VectorSchemaRoot root = VectorSchemaRoot.create(SCHEMA, writing);
                ArrowStreamWriter writer = new ArrowStreamWriter(root, null, out)) {
            writer.start();
            long id = first;
            int index = 0;
            for (int b = 0; b < batches; b++) {
                root.allocateNew();
                for (int i = 0; i < rows; i++, id++, index++) {
                    if (nullId.test(index)) {
                        ((BigIntVector) root.getVector("id")).setNull(i);
                    } else {
                        ((BigIntVector) root.getVector("id")).set(i, id);
                    }
                    if (id % 7 == 0) {
                        continue;
                    }
                    ((SmallIntVector) root.getVector("small")).set(i, (short) id);
                    ((IntVector) root.getVector("medium")).set(i, (int) id);
                    ((Float4Vector) root.getVector("ratio")).set(i, id / 4f);
                    ((Float8Vector) root.getVector("price")).set(i, id + 0.25);
                    ((DecimalVector) root.getVector("amount"))
                            .setSafe(i, BigDecimal.valueOf(id % 3 == 0 ? id * 123_456_789L : -id, 4));
                    ((VarCharVector) root.getVector("label"))
                            .setSafe(i, ("row " + id + (id % 2 == 1 ? " ☃" : "")).getBytes(StandardCharsets.UTF_8));
                    ((BitVector) root.getVector("flag")).set(i, id % 2 == 0 ? 1 : 0);
                    ((DateDayVector) root.getVector("day")).set(i, (int) (19_723 + id));
                    ((TimeStampMicroVector) root.getVector("ts")).set(i, 1_704_067_200_000_000L + id * 1_000_001L);
                    ((TimeStampMicroTZVector) root.getVector("tstz")).set(i, 1_704_067_200_000_000L + id * 60_000_000L);
                    ((VarBinaryVector) root.getVector("raw"))
                            .setSafe(i, new byte[] {(byte) (id >> 8), (byte) id, (byte) 0xff});
                }
                root.setRowCount(rows);
                writer.writeBatch();
            }
            writer.end();
        }
        return out.toByteArray();
    }

    private static byte[] narrow(List<BigDecimal> amounts) throws IOException {
        Schema schema = new Schema(List.of(
                Field.notNullable("id", new ArrowType.Int(64, true)),
                Field.nullable("amount", new ArrowType.Decimal(9, 2, 128))));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (BufferAllocator writing = new RootAllocator();
                VectorSchemaRoot root = VectorSchemaRoot.create(schema, writing);
                ArrowStreamWriter writer = new ArrowStreamWriter(root, null, out)) {
            root.allocateNew();
            for (int i = 0; i < amounts.size(); i++) {
                ((BigIntVector) root.getVector("id")).set(i, i);
                ((DecimalVector) root.getVector("amount"))
                        .setSafe(i, amounts.get(i).setScale(2));
            }
            root.setRowCount(amounts.size());
            writer.writeBatch();
        }
        return out.toByteArray();
    }
}

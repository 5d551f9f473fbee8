package io.arrowhttp.source.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.arrowhttp.client.ArrowHttpClient;
import io.arrowhttp.protocol.ArrowHttpException;
import io.arrowhttp.protocol.ErrorCode;
import io.arrowhttp.server.auth.WritePermission;
import io.arrowhttp.testing.PostgresCluster;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.net.HttpURLConnection;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Uploads into a real PostgreSQL 15 table, through binary COPY and through batched inserts: every
 * common type and nulls, checked value by value by PostgreSQL itself; every refusal leaving the
 * table exactly as it was.
 */
class PostgresTableStoreTest {

    private static final String COLUMNS = "id bigint NOT NULL, small smallint, medium integer, ratio real,"
            + " price double precision, amount numeric(14, 4), label text, flag boolean, day date,"
            + " ts timestamp, tstz timestamptz, raw bytea, note varchar(20) DEFAULT 'kept'";

    /** What PostgreSQL prints of the rows: every column but the default, in id order. */
    private static final String SELECT = "SELECT id, small, medium, ratio, price, amount, label, flag, day, ts, tstz,"
            + " encode(raw, 'hex'), note FROM %s ORDER BY id";

    private static PostgresFixture fixture;
    private static PostgresCluster postgres;
    private static ArrowHttpClient client;
    private static BufferAllocator allocator;

    @BeforeAll
    static void start() throws Exception {
        fixture = PostgresFixture.start("CREATE TABLE copied (" + COLUMNS + "); CREATE TABLE inserted (" + COLUMNS
                + ");" + " CREATE TABLE narrow (id bigint NOT NULL, amount numeric(5, 2))");
        postgres = fixture.postgres;
        fixture.serve(
                source -> feature -> feature.uploads(
                        new JdbcTableStore(
                                source,
                                List.of(
                                        TypedUploadRows.table(source, "copied", JdbcTableStore.Method.AUTOMATIC),
                                        TypedUploadRows.table(source, "inserted", JdbcTableStore.Method.INSERTS),
                                        TypedUploadRows.table(source, "narrow", JdbcTableStore.Method.AUTOMATIC))),
                        WritePermission.anyone()),
                Duration.ofSeconds(60));
        client = fixture.client();
        allocator = new RootAllocator();
    }

    @AfterAll
    static void stop() {
        if (allocator != null) {
            allocator.close();
        }
        if (fixture != null) {
            fixture.close();
        }
    }

    @Test
    void copyAndInsertsStoreEveryValueAsPostgresReadsIt() throws Exception {
        for (String table : List.of("copied", "inserted")) {
            assertEquals(3000, put(table, TypedUploadRows.stream(0, 3, 1000, row -> false)));
            assertEquals(500, append(table, TypedUploadRows.stream(3000, 1, 500, row -> false)));
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

        assertEquals(10, put("copied", TypedUploadRows.stream(100, 1, 10, row -> false)));
        assertEquals(List.of("10|100|109"), postgres.psql("SELECT count(*), min(id), max(id) FROM copied"));
    }

    @Test
    void refusedUploadsLeaveTheTableAsItWas() throws Exception {
        put("narrow", TypedUploadRows.narrow(List.of(new BigDecimal("1.5"), new BigDecimal("2.25"))));
        List<String> before = postgres.psql("SELECT id, amount FROM narrow ORDER BY id");

        ArrowHttpException outOfRange = assertThrows(
                ArrowHttpException.class,
                () -> put("narrow", TypedUploadRows.narrow(List.of(new BigDecimal("12345.67")))));
        assertEquals(ErrorCode.INVALID_ARGUMENT, outOfRange.code());
        assertTrue(outOfRange.getMessage().contains("SQLSTATE 22003"), outOfRange.getMessage());

        for (String table : List.of("copied", "inserted")) {
            ArrowHttpException nullId = assertThrows(
                    ArrowHttpException.class,
                    () -> append(table, TypedUploadRows.stream(90_000, 2, 100, row -> row == 150)));
            assertTrue(
                    nullId.getMessage().contains("Column 'id' of dataset '" + table + "' takes no nulls; row 151"),
                    nullId.getMessage());
        }
        ArrowHttpException unknown = assertThrows(
                ArrowHttpException.class, () -> append("narrow", TypedUploadRows.stream(0, 1, 5, r -> false)));
        assertTrue(unknown.getMessage().contains("has no column 'small'"), unknown.getMessage());

        byte[] whole = TypedUploadRows.narrow(List.of(new BigDecimal("9.99"), new BigDecimal("8.88")));
        HttpResult broken = send("/datasets/narrow", Arrays.copyOf(whole, whole.length - 8));
        assertEquals(400, broken.status());
        assertEquals(before, postgres.psql("SELECT id, amount FROM narrow ORDER BY id"));
        assertEquals(405, send("/datasets/elsewhere", whole).status(), "a name that is not a configured table");
    }

    private static long put(String table, byte[] stream) throws IOException {
        return TypedUploadRows.upload(client, table, stream, true, allocator);
    }

    private static long append(String table, byte[] stream) throws IOException {
        return TypedUploadRows.upload(client, table, stream, false, allocator);
    }

    private record HttpResult(int status, String body) {}

    private static HttpResult send(String path, byte[] body) throws IOException {
        HttpURLConnection connection =
                (HttpURLConnection) fixture.server().uri(path).toURL().openConnection();
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
}

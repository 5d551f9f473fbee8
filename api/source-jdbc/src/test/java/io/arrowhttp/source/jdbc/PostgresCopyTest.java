package io.arrowhttp.source.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.arrowhttp.client.ArrowHttpClient;
import io.arrowhttp.client.DatasetStream;
import io.arrowhttp.client.GetOptions;
import io.arrowhttp.dataset.DatasetDescription;
import io.arrowhttp.dataset.ParameterType;
import io.arrowhttp.dataset.QueryParameter;
import io.arrowhttp.protocol.ArrowHttpException;
import io.arrowhttp.protocol.ErrorCode;
import io.arrowhttp.source.jdbc.internal.PostgresCopyReader;
import io.arrowhttp.testing.PostgresCluster;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.net.HttpURLConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import javax.sql.DataSource;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Queries of PostgreSQL whose columns all have types that {@code COPY ... (FORMAT binary)} is
 * decoded from ({@link PostgresCopyReader}) are read that way, and give the same Arrow table as
 * the JDBC path (the same query with a parameter, which COPY cannot bind, so JDBC reads it), and
 * the values {@code psql} prints where the JDBC driver's calendar does not follow PostgreSQL's.
 */
class PostgresCopyTest {

    private static final String COLUMNS = "id, small, whole, big, f4, f8, flag, label, code, fixed, nm, js, doc,"
            + " raw, day, at, atz, uid, price, precise, tiny, neg";

    private static PostgresFixture fixture;
    private static PostgresCluster postgres;
    private static ArrowHttpClient client;

    @BeforeAll
    static void start() throws Exception {
        fixture = PostgresFixture.start(
                "CREATE TABLE wide (id int8 NOT NULL, small int2, whole int4, big int8, f4 float4, f8 float8,"
                        + " flag bool, label text, code varchar(10), fixed char(5), nm name, js json, doc jsonb, raw bytea,"
                        + " day date, at timestamp, atz timestamptz, uid uuid, price numeric(10, 2),"
                        + " precise numeric(38, 10), tiny numeric(5, 0), neg numeric(18, 6));"
                        + " INSERT INTO wide VALUES"
                        + " (1, -32768, -2147483648, -9223372036854775808, 'NaN', '-Infinity', false, '', '', '', '',"
                        + " '{}', '{\"a\": [1, null], \"é\": \"ü\"}', '', '1900-01-01', '1900-01-01 00:00:00',"
                        + " '1969-12-31 23:59:59.999999+00', '00000000-0000-0000-0000-000000000000', -99999999.99,"
                        + " 9999999999999999999999999999.9999999999, -99999, -999999999999.999999),"
                        + " (2, 32767, 2147483647, 9223372036854775807, 'Infinity', -0.0, true, 'ünïcødé ✓', 'ten chars!',"
                        + " 'ab', 'a name', '[1, 2]', 'null', '\\x00ff10', '2000-01-01', '1999-12-31 23:59:59.999999',"
                        + " '2000-01-01 00:00:00+05:30', 'ffffffff-ffff-ffff-ffff-ffffffffffff', 0.01,"
                        + " -0.0000000001, 0, 0.000001),"
                        + " (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,"
                        + " NULL, NULL, NULL, NULL, NULL, NULL);"
                        + " INSERT INTO wide SELECT g, (g % 30000)::int2, g::int4 * 7, g::int8 * 1000003, g / 7.0, g / 3.0,"
                        + " g % 2 = 0, 'row ' || g, left(md5(g::text), 10), left(md5(g::text), 3), 'n' || g,"
                        + " json_build_object('g', g), jsonb_build_object('g', g, 'h', 'x'), decode(md5(g::text), 'hex'),"
                        + " date '2024-01-01' + g % 1000, timestamp '2024-01-01' + g * interval '1.000001 second',"
                        + " timestamptz '2024-01-01 00:00:00+00' - g * interval '1 minute', md5(g::text)::uuid,"
                        + " (g % 1000000) / 100.0, g * 1234.5678901234, g % 99999, -g / 1000000.0"
                        + " FROM generate_series(4, 60000) g;"
                        + " CREATE TABLE inf (id int NOT NULL, t timestamp, tz timestamptz);"
                        + " INSERT INTO inf VALUES (1, '2024-01-01', '2024-01-01 00:00:00+00'), (2, 'infinity', NULL),"
                        + " (3, NULL, '-infinity');"
                        + " CREATE TABLE odd (id int NOT NULL, amount numeric(10, 2), day date);"
                        + " INSERT INTO odd VALUES (1, 1.5, '0001-01-01'), (2, 'NaN', '0044-03-15 BC'), (3, 2, '1582-10-04')");
        postgres = fixture.postgres;
        fixture.serve(
                source -> feature -> {
                    datasets(source).forEach(feature::dataset);
                    return feature;
                },
                Duration.ofSeconds(60));
        client = fixture.client();
    }

    private static List<JdbcDataset> datasets(DataSource source) {
        return List.of(
                JdbcDataset.of(
                        source,
                        DatasetDescription.of("copied", "Every type COPY decodes"),
                        "SELECT " + COLUMNS + " FROM wide ORDER BY id",
                        List.of(),
                        4096),
                JdbcDataset.of(
                        source,
                        DatasetDescription.of("bound", "The same rows through JDBC"),
                        "SELECT " + COLUMNS + " FROM wide WHERE id >= :from ORDER BY id",
                        List.of(new QueryParameter("from", ParameterType.LONG, "0")),
                        4096),
                JdbcDataset.of(
                        source,
                        DatasetDescription.of("odd", "Values Arrow's types cannot hold, and old dates"),
                        "SELECT id, amount, day FROM odd ORDER BY id",
                        List.of(),
                        1),
                JdbcDataset.of(
                        source,
                        DatasetDescription.of("long", "200 MB of rows, for clients that leave"),
                        "SELECT g AS id, repeat('x', 1000) AS pad FROM generate_series(1, 200000) g",
                        List.of(),
                        1000),
                JdbcDataset.of(
                        source,
                        DatasetDescription.of("infinite", "Infinite timestamps, through JDBC (a parameter)"),
                        "SELECT id, t, tz FROM inf WHERE id >= :from ORDER BY id",
                        List.of(new QueryParameter("from", ParameterType.LONG, "0")),
                        10),
                JdbcDataset.of(
                        source,
                        DatasetDescription.of("days", "Old dates"),
                        "SELECT id, day FROM odd ORDER BY id",
                        List.of(),
                        10));
    }

    @AfterAll
    static void stop() {
        if (fixture != null) {
            fixture.close();
        }
    }

    @Test
    void everyDecodedTypeIsReadThroughCopy() throws Exception {
        Schema schema = client.schema("copied");
        List<String> types = List.of(
                "int8",
                "int2",
                "int4",
                "int8",
                "float4",
                "float8",
                "bool",
                "text",
                "varchar",
                "bpchar",
                "name",
                "json",
                "jsonb",
                "bytea",
                "date",
                "timestamp",
                "timestamptz",
                "uuid",
                "numeric",
                "numeric",
                "numeric",
                "numeric");
        assertTrue(PostgresCopyReader.decodes(schema, types), "the schema of every decoded type: " + schema);
        assertTrue(!PostgresCopyReader.decodes(schema, types.subList(1, types.size())), "a column count that differs");
    }

    @Test
    void copyGivesTheSameArrowTableAsJdbcBatchForBatch() throws Exception {
        try (BufferAllocator allocator = new RootAllocator();
                DatasetStream copied = client.get("copied", GetOptions.defaults(), allocator);
                DatasetStream bound = client.get("bound", GetOptions.defaults(), allocator)) {
            VectorSchemaRoot viaCopy = copied.reader().getVectorSchemaRoot();
            VectorSchemaRoot viaJdbc = bound.reader().getVectorSchemaRoot();
            assertEquals(viaJdbc.getSchema(), viaCopy.getSchema());
            long rows = 0;
            int batches = 0;
            while (copied.reader().loadNextBatch()) {
                assertTrue(bound.reader().loadNextBatch(), "JDBC has as many batches");
                assertEquals(viaJdbc.getRowCount(), viaCopy.getRowCount());
                for (int column = 0; column < viaCopy.getFieldVectors().size(); column++) {
                    FieldVector expected = viaJdbc.getVector(column);
                    FieldVector actual = viaCopy.getVector(column);
                    for (int row = 0; row < viaCopy.getRowCount(); row++) {
                        assertEquals(
                                shown(expected.getObject(row)),
                                shown(actual.getObject(row)),
                                "column " + actual.getName() + ", row " + (rows + row + 1));
                    }
                }
                assertTrue(viaJdbc.equals(viaCopy), "batch " + batches + " equal as Arrow data");
                rows += viaCopy.getRowCount();
                batches++;
            }
            assertTrue(!bound.reader().loadNextBatch());
            assertEquals(60_000, rows);
            assertEquals(15, batches);
        }
    }

    private static String shown(Object value) {
        return value instanceof byte[] bytes ? HexFormat.of().formatHex(bytes) : String.valueOf(value);
    }

    @Test
    void numericsAndTimestampsAreThoseThatPsqlPrints() throws Exception {
        List<String> printed = postgres.psql("SELECT coalesce(price::text, '-') || '|' || coalesce(precise::text, '-')"
                + " || '|' || coalesce(tiny::text, '-') || '|' || coalesce(neg::text, '-') || '|'"
                + " || coalesce((extract(epoch FROM at) * 1000000)::bigint::text, '-') || '|'"
                + " || coalesce((extract(epoch FROM atz) * 1000000)::bigint::text, '-') || '|'"
                + " || coalesce(encode(raw, 'hex'), '-')"
                + " FROM wide ORDER BY id");
        List<String> served = new ArrayList<>();
        try (BufferAllocator allocator = new RootAllocator();
                DatasetStream stream = client.get(
                        "copied",
                        GetOptions.defaults().parameter("columns", "price,precise,tiny,neg,at,atz,raw"),
                        allocator)) {
            VectorSchemaRoot root = stream.reader().getVectorSchemaRoot();
            while (stream.reader().loadNextBatch()) {
                for (int row = 0; row < root.getRowCount(); row++) {
                    List<String> values = new ArrayList<>();
                    for (String column : List.of("price", "precise", "tiny", "neg")) {
                        DecimalVector vector = (DecimalVector) root.getVector(column);
                        BigDecimal value = vector.getObject(row);
                        values.add(value == null ? "-" : value.toPlainString());
                    }
                    for (String column : List.of("at", "atz")) {
                        TimeStampVector vector = (TimeStampVector) root.getVector(column);
                        values.add(vector.isNull(row) ? "-" : String.valueOf(vector.get(row)));
                    }
                    byte[] raw = (byte[]) root.getVector("raw").getObject(row);
                    values.add(raw == null ? "-" : HexFormat.of().formatHex(raw));
                    served.add(String.join("|", values));
                }
            }
        }
        assertEquals(printed.size(), served.size());
        assertEquals(printed, served);
    }

    @Test
    void datesAreDaysOfPostgresqlsCalendarBeforeTheGregorianReformToo() throws Exception {
        List<String> printed = postgres.psql("SELECT (day - date '1970-01-01')::text FROM odd ORDER BY id");
        List<String> served = new ArrayList<>();
        try (BufferAllocator allocator = new RootAllocator();
                DatasetStream stream = client.get("days", GetOptions.defaults(), allocator)) {
            DateDayVector days =
                    (DateDayVector) stream.reader().getVectorSchemaRoot().getVector("day");
            while (stream.reader().loadNextBatch()) {
                for (int row = 0; row < days.getValueCount(); row++) {
                    served.add(String.valueOf(days.get(row)));
                }
            }
        }
        assertEquals(printed, served);
    }

    @Test
    void copiesEndedEarlyNeverLeaveABrokenConnectionInThePool() throws Exception {
        for (int i = 0; i < 6; i++) {
            // A value Arrow cannot hold ends the copy after its first row.
            assertThrows(IOException.class, () -> readAll("odd"));
            // A client that leaves after 100 KB of 200 MB.
            HttpURLConnection leaving = (HttpURLConnection)
                    fixture.server().uri("/datasets/long.arrows").toURL().openConnection();
            try (InputStream in = leaving.getInputStream()) {
                in.readNBytes(100_000);
            }
            leaving.disconnect();
        }
        // Every connection of the pool of 4 has served an ended copy: each next request still works.
        for (int i = 0; i < 8; i++) {
            assertEquals(1, readAll("odd?limit=1"), "request " + i + " after the ended copies");
            assertEquals(10, readAll("long?limit=10"));
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        List<String> open = openTransactions();
        while (!open.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(100);
            open = openTransactions();
        }
        assertEquals(List.of(), open, "no session left idle in a transaction, nor copying");
    }

    private static List<String> openTransactions() throws Exception {
        return postgres.psql("SELECT state || ' ' || left(query, 40) FROM pg_stat_activity"
                + " WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()"
                + " AND (state LIKE 'idle in transaction%' OR query LIKE 'COPY%' AND state = 'active')");
    }

    /** The rows of the dataset at {@code path} (with its query), read to the end. */
    private static long readAll(String path) throws IOException {
        String[] parts = path.split("\\?", 2);
        GetOptions options = GetOptions.defaults();
        if (parts.length > 1) {
            String[] parameter = parts[1].split("=", 2);
            options = options.parameter(parameter[0], parameter[1]);
        }
        long rows = 0;
        try (BufferAllocator allocator = new RootAllocator();
                DatasetStream stream = client.get(parts[0], options, allocator)) {
            while (stream.reader().loadNextBatch()) {
                rows += stream.reader().getVectorSchemaRoot().getRowCount();
            }
        }
        return rows;
    }

    @Test
    void infiniteTimestampsReadThroughJdbcFailNamingTheValueNeverAsWrongNumbers() {
        for (String query : List.of("infinite?from=2", "infinite?from=3")) {
            Exception failed = assertThrows(Exception.class, () -> readAll(query));
            String message = failed.getMessage() + " / " + failed.getCause();
            assertTrue(message.contains("cannot serve column '"), message);
            assertTrue(
                    message.contains(query.endsWith("2") ? "the timestamp infinity" : "the timestamp -infinity"),
                    message);
        }
    }

    @Test
    void aValueNoArrowTypeHoldsFailsTheStreamNamingTheColumnAndRow() {
        IOException failed = assertThrows(IOException.class, () -> {
            try (BufferAllocator allocator = new RootAllocator();
                    DatasetStream stream =
                            client.get("odd", GetOptions.defaults().status(), allocator)) {
                while (stream.reader().loadNextBatch()) {
                    // reading every batch
                }
            }
        });
        ArrowHttpException reported = (ArrowHttpException) failed.getCause();
        assertEquals(ErrorCode.UNAVAILABLE, reported.code(), "the status part's code");
        assertTrue(
                reported.getMessage()
                        .contains("Dataset 'odd' cannot serve column 'amount', row 2: numeric NaN, which a"
                                + " decimal cannot hold"),
                reported.getMessage());
    }
}

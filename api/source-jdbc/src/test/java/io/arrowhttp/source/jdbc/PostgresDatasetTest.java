package io.arrowhttp.source.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariDataSource;
import io.arrowhttp.client.ArrowHttpClient;
import io.arrowhttp.client.DatasetStream;
import io.arrowhttp.client.GetOptions;
import io.arrowhttp.dataset.DatasetDescription;
import io.arrowhttp.dataset.ParameterType;
import io.arrowhttp.dataset.QueryParameter;
import io.arrowhttp.protocol.ArrowHttpException;
import io.arrowhttp.protocol.DatasetInfo;
import io.arrowhttp.protocol.ErrorCode;
import io.arrowhttp.testing.PostgresCluster;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.net.HttpURLConnection;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.util.Text;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A real PostgreSQL 15 cluster with a table of 1,000,000 rows of every common type and nulls,
 * served through a HikariCP pool and read back with the Java client, every value compared with
 * what {@code psql} prints for the same rows.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PostgresDatasetTest {

    private static final int ROWS = 1_000_000;
    private static final List<String> COLUMNS =
            List.of("id", "small", "price", "amount", "label", "flag", "day", "ts", "tstz");

    /** Ten ids from {@code :from} (a name used twice), before a day, without a label. */
    private static final String WINDOW_SQL = "SELECT id, label, day FROM trades WHERE id >= :from AND id < :from + 10"
            + " AND day < :until AND label <> :skip ORDER BY id";

    private static PostgresFixture fixture;
    private static PostgresCluster postgres;
    private static HikariDataSource pool;
    private static ArrowHttpClient client;

    @BeforeAll
    static void start() throws Exception {
        fixture = PostgresFixture.start(
                "CREATE TABLE trades (id bigint NOT NULL, small integer, price float8, amount numeric(12, 2),"
                        + " label text, flag boolean, day date, ts timestamp, tstz timestamptz);"
                        + " INSERT INTO trades SELECT i::bigint AS id,"
                        + " CASE WHEN i % 17 = 0 THEN NULL ELSE (i % 1000)::integer END AS small,"
                        + " CASE WHEN i % 19 = 0 THEN NULL ELSE i * 0.5::float8 - 1000 END AS price,"
                        + " CASE WHEN i % 23 = 0 THEN NULL ELSE (i * 1.25)::numeric(12, 2) END AS amount,"
                        + " CASE WHEN i % 29 = 0 THEN NULL ELSE 'trade ' || i || CASE WHEN i % 5 = 0 THEN ' Zürich ☃' ELSE ''"
                        + " END END AS label,"
                        + " CASE WHEN i % 31 = 0 THEN NULL ELSE i % 2 = 0 END AS flag,"
                        + " CASE WHEN i % 37 = 0 THEN NULL ELSE DATE '2024-01-01' + (i % 3650) END AS day,"
                        + " CASE WHEN i % 41 = 0 THEN NULL ELSE TIMESTAMP '2024-01-01' + i * interval '1.000001 second' END"
                        + " AS ts,"
                        + " CASE WHEN i % 43 = 0 THEN NULL ELSE TIMESTAMPTZ '2024-01-01 00:00:00+00' + i * interval '1 minute'"
                        + " END AS tstz"
                        + " FROM generate_series(1, " + ROWS + ") i");
        postgres = fixture.postgres;
        pool = fixture.pool;
        fixture.serve(
                source -> feature -> {
                    datasets(source).forEach(feature::dataset);
                    return feature;
                },
                Duration.ofSeconds(120));
        client = fixture.client();
    }

    private static List<JdbcDataset> datasets(DataSource source) {
        return List.of(
                JdbcDataset.of(
                        source,
                        DatasetDescription.of("trades", "Every type"),
                        "SELECT * FROM trades ORDER BY id",
                        List.of(),
                        10_000),
                JdbcDataset.of(
                        source,
                        DatasetDescription.of("window", "Trades from an id, before a day"),
                        WINDOW_SQL,
                        List.of(
                                new QueryParameter("from", ParameterType.LONG, null),
                                new QueryParameter("until", ParameterType.DATE, "2034-01-01"),
                                new QueryParameter("skip", ParameterType.STRING, "none")),
                        10_000),
                JdbcDataset.of(
                                source,
                                DatasetDescription.of("by_id", "Ids, split on ranges of id"),
                                "SELECT id, day FROM trades",
                                List.of(),
                                50_000)
                        .partitionedBy("id", 4),
                JdbcDataset.of(
                                source,
                                DatasetDescription.of("by_day", "Ids, split on ranges of day"),
                                "SELECT id, day FROM trades",
                                List.of(),
                                50_000)
                        .partitionedBy("day", 3),
                JdbcDataset.of(
                        source,
                        DatasetDescription.of("slow", "A query that sleeps"),
                        "SELECT 1 AS one FROM pg_sleep(60)",
                        List.of(),
                        10_000));
    }

    @AfterAll
    static void stop() {
        if (fixture != null) {
            fixture.close();
        }
    }

    @Test
    @Order(1)
    void everyValueOfAMillionRowsIsWhatPsqlPrints() throws Exception {
        List<String> printed = postgres.psql("SELECT " + String.join(", ", COLUMNS) + " FROM trades ORDER BY id");
        Iterator<String> lines = printed.iterator();
        long rows = 0;
        int batches = 0;
        try (BufferAllocator allocator = new RootAllocator();
                DatasetStream stream = client.get("trades", GetOptions.defaults(), allocator)) {
            VectorSchemaRoot root = stream.reader().getVectorSchemaRoot();
            assertTypes(root);
            while (stream.reader().loadNextBatch()) {
                batches++;
                for (int i = 0; i < root.getRowCount(); i++, rows++) {
                    String[] expected = lines.next().split("\\|", -1);
                    for (int column = 0; column < COLUMNS.size(); column++) {
                        assertSameValue(expected[column], root.getVector(column), i);
                    }
                }
            }
        }
        assertEquals(ROWS, rows);
        assertFalse(lines.hasNext());
        assertTrue(batches >= ROWS / 10_000, "rows came in " + batches + " batches");
        assertEquals(0, pool.getHikariPoolMXBean().getActiveConnections(), "the connection went back to the pool");
    }

    @Test
    @Order(2)
    void parametersAreBoundWithTheirTypesNeverPastedIntoSql() throws Exception {
        assertEquals(psqlIds("990", "'2034-01-01'", "'none'"), ids("window", Map.of("from", "990")));
        List<Long> early = ids("window", Map.of("from", "365", "until", "2025-01-02"));
        assertEquals(psqlIds("365", "'2025-01-02'", "'none'"), early);
        assertEquals(List.of(365L, 366L), early);
        // A value shaped like SQL is a value: no row has this label, and the table is still there.
        assertEquals(
                psqlIds("990", "'2034-01-01'", "'none'"),
                ids("window", Map.of("from", "990", "skip", "x'; DROP TABLE trades; --")));
        assertEquals(List.of(String.valueOf(ROWS)), postgres.psql("SELECT count(*) FROM trades"));
    }

    /** What psql answers for the window query with these SQL literals in place of the parameters. */
    private static List<Long> psqlIds(String from, String until, String skip) throws Exception {
        String sql = WINDOW_SQL.replace(":from", from).replace(":until", until).replace(":skip", skip);
        return postgres.psql(sql.replace("SELECT id, label, day", "SELECT id")).stream()
                .map(Long::parseLong)
                .toList();
    }

    @Test
    @Order(3)
    void aMissingIllTypedOrUndeclaredParameterIsABadRequestNamingIt() {
        assertRefused(Map.of(), "'from'");
        assertRefused(Map.of("from", "ten"), "'from' must be a whole number");
        assertRefused(Map.of("from", "1", "until", "yesterday"), "'until' must be a date");
        // Java parses them; PostgreSQL would fail on them, which read as an outage of the source.
        assertRefused(Map.of("from", "1", "until", "+99999-01-01"), "'until' must be within the years 0001 to 9999");
        assertRefused(Map.of("from", "1", "until", "0000-12-31"), "'until' must be within the years 0001 to 9999");
        assertRefused(Map.of("from", "1", "owner", "me"), "no parameter 'owner'");
        assertRefused(Map.of("from", "1", "skip", "a\u0000b"), "'skip' holds a NUL character");
    }

    @Test
    @Order(4)
    void columnsAndLimitAreAnsweredByTheDatabase() throws Exception {
        try (BufferAllocator allocator = new RootAllocator();
                DatasetStream stream = client.get(
                        "trades",
                        GetOptions.defaults().parameter("columns", "tstz,id").parameter("limit", 25_000),
                        allocator)) {
            VectorSchemaRoot root = stream.reader().getVectorSchemaRoot();
            assertEquals(
                    List.of("tstz", "id"),
                    root.getSchema().getFields().stream().map(Field::getName).toList());
            long rows = 0;
            while (stream.reader().loadNextBatch()) {
                rows += root.getRowCount();
            }
            assertEquals(25_000, rows);
        }
    }

    @Test
    @Order(5)
    void aPassedDeadlineCancelsTheBackendAndTheConnectionReturnsToThePool() throws Exception {
        long started = System.nanoTime();
        ArrowHttpException stopped = assertThrows(
                ArrowHttpException.class,
                () -> client.get("slow", GetOptions.defaults().timeout(Duration.ofSeconds(1)), new RootAllocator())
                        .close());
        assertEquals(ErrorCode.TIMED_OUT, stopped.code());
        assertTrue(System.nanoTime() - started < Duration.ofSeconds(20).toNanos());
        // PostgreSQL ends the backend's query a moment after the cancel request reaches it.
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        List<String> sleeping = sleepingQueries();
        while (!sleeping.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(50);
            sleeping = sleepingQueries();
        }
        assertEquals(List.of(), sleeping, "PostgreSQL's backend stopped the query");
        assertEquals(0, pool.getHikariPoolMXBean().getActiveConnections(), "the connection went back to the pool");
    }

    @Test
    @Order(5)
    void rangesOfAColumnSplitTheRowsIntoPartitionsThatHoldEachRowOnce() throws Exception {
        DatasetInfo byId = client.info("by_id");
        assertEquals(4, byId.endpoints().size());
        assertEquals(Boolean.FALSE, byId.ordered(), "ranges of a column are not the query's order");
        assertEquals(
                fixture.server().uri("/datasets/by_id?partition=3").toString(),
                byId.endpoints().get(3).locations().get(0).toString());
        for (String dataset : List.of("by_id", "by_day")) {
            long[] seen = new long[ROWS + 1];
            List<Long> perPartition = new ArrayList<>();
            List<Integer> nullDays = new ArrayList<>();
            try (BufferAllocator allocator = new RootAllocator()) {
                client.fetchPartitions(dataset, GetOptions.defaults(), 3, allocator, (endpoint, batch) -> {
                    BigIntVector id = (BigIntVector) batch.getVector("id");
                    while (perPartition.size() <= endpoint) {
                        perPartition.add(0L);
                    }
                    perPartition.set(endpoint, perPartition.get(endpoint) + batch.getRowCount());
                    for (int row = 0; row < batch.getRowCount(); row++) {
                        seen[(int) id.get(row)]++;
                        if (batch.getVector("day").isNull(row)) {
                            nullDays.add(endpoint);
                        }
                    }
                });
            }
            for (int id = 1; id <= ROWS; id++) {
                assertEquals(1, seen[id], dataset + ": id " + id + " once");
            }
            assertEquals(ROWS / 37, nullDays.size(), dataset + ": every row without a day");
            if (dataset.equals("by_id")) {
                assertEquals(List.of(250_000L, 250_000L, 250_000L, 250_000L), perPartition, "equal ranges of ids");
            } else {
                assertEquals(
                        List.of(0), nullDays.stream().distinct().toList(), "rows without a day are in partition 0");
                assertEquals(3, perPartition.size());
            }
        }
        IllegalArgumentException text = assertThrows(
                IllegalArgumentException.class,
                () -> JdbcDataset.of(
                                pool,
                                DatasetDescription.of("by_label", ""),
                                "SELECT label FROM trades",
                                List.of(),
                                1000)
                        .partitionedBy("label", 4));
        assertTrue(text.getMessage().contains("a partition column is an integer"), text.getMessage());
        IllegalArgumentException unknown = assertThrows(
                IllegalArgumentException.class,
                () -> JdbcDataset.of(
                                pool, DatasetDescription.of("by_nothing", ""), "SELECT id FROM trades", List.of(), 1000)
                        .partitionedBy("price", 4));
        assertTrue(unknown.getMessage().contains("its columns are: id"), unknown.getMessage());
    }

    @Test
    @Order(6)
    void aColumnWithoutANaturalArrowTypeStopsTheStartNamingItAndItsCast() {
        IllegalArgumentException refused = assertThrows(
                IllegalArgumentException.class,
                () -> JdbcDataset.of(
                        pool,
                        DatasetDescription.of("points", ""),
                        "SELECT id, point(id, id) AS spot FROM trades",
                        List.of(),
                        1000));
        assertTrue(refused.getMessage().contains("column 'spot'"), refused.getMessage());
        assertTrue(refused.getMessage().contains("x::text"), refused.getMessage());
        // A numeric without a precision is served as its exact text (docs/types.md), not refused.
        JdbcDataset unbounded = JdbcDataset.of(
                pool, DatasetDescription.of("ratio", ""), "SELECT id / 3.0 AS ratio FROM trades", List.of(), 1000);
        assertEquals(
                ArrowType.Utf8.INSTANCE, unbounded.schema().findField("ratio").getType());
    }

    @Test
    @Order(6)
    void theCatalogSaysWhichParametersAQueryTakesBeforeItIsRun() throws Exception {
        ObjectMapper json = new ObjectMapper();
        JsonNode info;
        try (InputStream in =
                fixture.server().uri("/datasets/window/info").toURL().openStream()) {
            info = json.readTree(in);
        }
        assertEquals(
                json.readTree("[{\"name\":\"from\",\"type\":\"long\",\"defaultValue\":null,\"required\":true},"
                        + "{\"name\":\"until\",\"type\":\"date\",\"defaultValue\":\"2034-01-01\",\"required\":false},"
                        + "{\"name\":\"skip\",\"type\":\"string\",\"defaultValue\":\"none\",\"required\":false}]"),
                info.get("parameters"));
    }

    @Test
    @Order(7)
    void theCatalogTheSchemaAndHeadNeverRunTheQuery() throws Exception {
        long started = System.nanoTime();
        assertEquals("one", client.info("slow").schema().getFields().get(0).getName());
        assertEquals("one", client.schema("slow").getFields().get(0).getName());
        HttpURLConnection head = (HttpURLConnection)
                fixture.server().uri("/datasets/slow").toURL().openConnection();
        head.setRequestMethod("HEAD");
        head.setReadTimeout(10_000);
        assertEquals(200, head.getResponseCode());
        assertTrue(
                System.nanoTime() - started < Duration.ofSeconds(10).toNanos(),
                "a query that sleeps for 60 s was not run");
        assertEquals(
                List.of(),
                postgres.psql("SELECT pid FROM pg_stat_activity WHERE query LIKE '%pg_sleep(60)%'"
                        + " AND state = 'active' AND pid <> pg_backend_pid()"));
    }

    @Test
    @Order(8)
    void aDatabaseThatIsDownIsA503QuicklyWithNothingOfTheDatabaseInIt() throws Exception {
        assertEquals(200, readiness(), "ready while the database answers");
        postgres.stop();
        assertEquals(503, awaitReadiness(503), "not ready once it does not");
        long started = System.nanoTime();
        ArrowHttpException refused = assertThrows(
                ArrowHttpException.class,
                () -> client.get("trades", GetOptions.defaults(), new RootAllocator())
                        .close());
        assertEquals(ErrorCode.UNAVAILABLE, refused.code());
        assertTrue(
                System.nanoTime() - started < Duration.ofSeconds(10).toNanos(), "answered within the pool's timeout");
        String message = refused.getMessage();
        for (String secret : List.of(postgres.password(), "127.0.0.1", Integer.toString(postgres.port()), "SELECT")) {
            assertFalse(message.contains(secret), message);
        }
    }

    /**
     * The readiness probe's status once it is this one, or after 20 s whatever it is: the server
     * checks its sources at most once a second, so a change shows within that interval.
     */
    private static int awaitReadiness(int status) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        int answer = readiness();
        while (answer != status && System.nanoTime() < deadline) {
            Thread.sleep(50);
            answer = readiness();
        }
        return answer;
    }

    /** The PostgreSQL backends still running the slow dataset's query. */
    private static List<String> sleepingQueries() throws IOException, InterruptedException {
        return postgres.psql("SELECT pid FROM pg_stat_activity WHERE query LIKE '%pg_sleep(60)%' AND state = 'active'"
                + " AND pid <> pg_backend_pid()");
    }

    private static int readiness() throws IOException {
        HttpURLConnection probe = (HttpURLConnection)
                fixture.server().uri("/health/ready").toURL().openConnection();
        probe.setReadTimeout(20_000);
        return probe.getResponseCode();
    }

    private static void assertRefused(Map<String, String> parameters, String named) {
        ArrowHttpException refused = assertThrows(ArrowHttpException.class, () -> ids("window", parameters));
        assertEquals(ErrorCode.INVALID_ARGUMENT, refused.code());
        assertTrue(refused.getMessage().contains(named), refused.getMessage());
    }

    private static List<Long> ids(String dataset, Map<String, String> parameters) throws IOException {
        GetOptions options = GetOptions.defaults();
        for (Map.Entry<String, String> parameter : parameters.entrySet()) {
            options = options.parameter(parameter.getKey(), parameter.getValue());
        }
        List<Long> ids = new ArrayList<>();
        try (BufferAllocator allocator = new RootAllocator();
                DatasetStream stream = client.get(dataset, options, allocator)) {
            VectorSchemaRoot root = stream.reader().getVectorSchemaRoot();
            while (stream.reader().loadNextBatch()) {
                for (int i = 0; i < root.getRowCount(); i++) {
                    ids.add((Long) root.getVector("id").getObject(i));
                }
            }
        }
        return ids;
    }

    private static void assertTypes(VectorSchemaRoot root) {
        List<ArrowType> types =
                root.getSchema().getFields().stream().map(Field::getType).toList();
        assertEquals(new ArrowType.Int(64, true), types.get(0));
        assertEquals(new ArrowType.Int(32, true), types.get(1));
        assertEquals(new ArrowType.Decimal(12, 2, 128), types.get(3));
        assertEquals(ArrowType.Utf8.INSTANCE, types.get(4));
        assertEquals(ArrowType.Bool.INSTANCE, types.get(5));
        assertEquals(new ArrowType.Timestamp(TimeUnit.MICROSECOND, null), types.get(7));
        assertEquals(new ArrowType.Timestamp(TimeUnit.MICROSECOND, "UTC"), types.get(8));
    }

    /** psql's timestamps: the fraction has as many digits as it needs, none when zero. */
    private static final DateTimeFormatter PSQL_TIMESTAMP = new DateTimeFormatterBuilder()
            .appendPattern("yyyy-MM-dd HH:mm:ss")
            .optionalStart()
            .appendFraction(ChronoField.NANO_OF_SECOND, 1, 6, true)
            .optionalEnd()
            .toFormatter();

    /** Compares a value with its text as psql prints it: an empty field is NULL (no test text is empty). */
    private static void assertSameValue(String printed, FieldVector vector, int row) {
        Object value = vector.getObject(row);
        if (printed.isEmpty()) {
            assertNull(value, vector.getName() + " at row " + row);
            return;
        }
        String column = vector.getName();
        switch (column) {
            case "id", "small" -> assertEquals(Long.parseLong(printed), ((Number) value).longValue(), column);
            case "price" -> assertEquals(Double.parseDouble(printed), (Double) value, column);
            case "amount" -> assertEquals(new BigDecimal(printed), value, column);
            case "label" -> assertEquals(printed, ((Text) value).toString(), column);
            case "flag" -> assertEquals(printed.equals("t"), value, column);
            case "day" ->
                assertEquals(LocalDate.parse(printed), LocalDate.ofEpochDay(((Number) value).longValue()), column);
            case "ts" -> assertEquals(LocalDateTime.parse(printed, PSQL_TIMESTAMP), value, column);
            case "tstz" ->
                assertEquals(
                        OffsetDateTime.parse(printed.replace(' ', 'T') + ":00").toInstant(),
                        Instant.EPOCH.plus(((TimeStampVector) vector).get(row), ChronoUnit.MICROS),
                        column);
            default -> throw new AssertionError("unexpected column " + column);
        }
    }
}

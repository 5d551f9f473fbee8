package io.arrowhttp.source.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.arrowhttp.client.ArrowHttpClient;
import io.arrowhttp.client.DatasetStream;
import io.arrowhttp.client.GetOptions;
import io.arrowhttp.dataset.DatasetDescription;
import io.arrowhttp.dataset.ParameterType;
import io.arrowhttp.dataset.QueryParameter;
import io.arrowhttp.testing.TestServer;
import io.arrowhttp.testing.TrinoServer;
import java.io.IOException;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A real Trino 476 with its {@code tpch} connector: {@code tpch.tiny.lineitem} and
 * {@code tpch.sf1.orders} served through a pool of Trino's JDBC driver, their row counts and column
 * sums compared with Trino's own answer; and a query cancelled at the deadline, which Trino reports
 * as cancelled by its user.
 */
class TrinoDatasetIT {

    private static final String ENDLESS =
            "SELECT count(*) AS n FROM tpch.sf1000.lineitem WHERE comment LIKE '%arrowhttp%'";

    private static TrinoServer trino;
    private static HikariDataSource pool;
    private static TestServer server;
    private static ArrowHttpClient client;

    @BeforeAll
    static void start() throws Exception {
        trino = TrinoServer.start();
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(trino.jdbcUrl("tpch/tiny"));
        config.setUsername(TrinoServer.USER);
        config.setMaximumPoolSize(3);
        config.setConnectionTimeout(10_000);
        pool = new HikariDataSource(config);
        List<JdbcDataset> datasets = List.of(
                JdbcDataset.of(
                        pool,
                        DatasetDescription.of("lineitem", "tpch.tiny.lineitem"),
                        "SELECT * FROM tpch.tiny.lineitem",
                        List.of(),
                        8192),
                JdbcDataset.of(
                        pool,
                        DatasetDescription.of("orders", "tpch.sf1.orders of a status"),
                        "SELECT orderkey, custkey, totalprice, orderdate FROM tpch.sf1.orders WHERE orderstatus = :status",
                        List.of(new QueryParameter("status", ParameterType.STRING, "F")),
                        65_536),
                JdbcDataset.of(
                        pool, DatasetDescription.of("endless", "A scan of 6 billion rows"), ENDLESS, List.of(), 1024));
        server = TestServer.withFeature(feature -> {
            datasets.forEach(feature::dataset);
            return feature;
        });
        client = ArrowHttpClient.builder(server.uri("/"))
                .readTimeout(Duration.ofSeconds(120))
                .build();
    }

    @AfterAll
    static void stop() {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.close();
        }
        if (pool != null) {
            pool.close();
        }
        if (trino != null) {
            trino.close();
        }
    }

    @Test
    void tinyLineitemHasTrinosRowCountAndColumnSums() throws Exception {
        double[] sums =
                sums(client, "lineitem", List.of("quantity", "extendedprice", "orderkey"), GetOptions.defaults());
        List<String> expected = trinoRow(
                "SELECT count(*), sum(quantity), sum(extendedprice), sum(orderkey)" + " FROM tpch.tiny.lineitem");
        assertEquals(Long.parseLong(expected.get(0)), (long) sums[0]);
        assertEquals(Double.parseDouble(expected.get(1)), sums[1], 1e-6 * Math.abs(sums[1]));
        assertEquals(Double.parseDouble(expected.get(2)), sums[2], 1e-6 * Math.abs(sums[2]));
        assertEquals(Long.parseLong(expected.get(3)), (long) sums[3]);
    }

    @Test
    void sf1OrdersWithAParameterHaveTrinosRowCountAndSums() throws Exception {
        for (String status : List.of("F", "O")) {
            double[] sums = sums(
                    client,
                    "orders",
                    List.of("totalprice", "orderkey"),
                    GetOptions.defaults().parameter("status", status));
            List<String> expected = trinoRow("SELECT count(*), sum(totalprice), sum(orderkey) FROM tpch.sf1.orders"
                    + " WHERE orderstatus = '" + status + "'");
            assertEquals(Long.parseLong(expected.get(0)), (long) sums[0], status);
            assertEquals(Double.parseDouble(expected.get(1)), sums[1], 1e-6 * Math.abs(sums[1]), status);
            assertEquals(Long.parseLong(expected.get(2)), (long) sums[2], status);
        }
    }

    @Test
    void aPassedDeadlineCancelsTheTrinoQueryAndTheConnectionReturnsToThePool() throws Exception {
        // Trino answers the query's first page quickly, so the response starts; the deadline
        // then ends it while the scan runs, and the failure reaches the client in the stream.
        GetOptions options =
                GetOptions.defaults().timeout(Duration.ofSeconds(2)).status();
        long started = System.nanoTime();
        Exception stopped = assertThrows(Exception.class, () -> {
            try (BufferAllocator allocator = new RootAllocator();
                    DatasetStream stream = client.get("endless", options, allocator)) {
                while (stream.reader().loadNextBatch()) {
                    // reading until the server ends the stream
                }
            }
        });
        assertTrue(
                System.nanoTime() - started < Duration.ofSeconds(30).toNanos(), "stopped at the deadline: " + stopped);
        List<String> state = List.of();
        for (int attempt = 0; attempt < 100; attempt++) {
            // The driver prepares the query (PREPARE statementN FROM ...) and runs EXECUTE statementN.
            state = trinoRow("SELECT e.state, coalesce(e.error_code, '') FROM system.runtime.queries e"
                    + " JOIN system.runtime.queries p ON e.query = 'EXECUTE ' || split_part(p.query, ' ', 2)"
                    + " WHERE p.query LIKE 'PREPARE % FROM "
                    + ENDLESS.substring(0, 40).replace("'", "''") + "%'"
                    + " ORDER BY e.created DESC LIMIT 1");
            if (!state.isEmpty() && state.get(0).equals("FAILED")) {
                break;
            }
            Thread.sleep(100);
        }
        assertEquals(List.of("FAILED", "USER_CANCELED"), state, "Trino's own record of the query");
        for (int attempt = 0; attempt < 50 && pool.getHikariPoolMXBean().getActiveConnections() > 0; attempt++) {
            Thread.sleep(100);
        }
        assertEquals(0, pool.getHikariPoolMXBean().getActiveConnections(), "the connection went back to the pool");
    }

    /** The count of rows, then the sum of each named column, as the Java client reads them. */
    private static double[] sums(ArrowHttpClient client, String dataset, List<String> columns, GetOptions options)
            throws IOException {
        double[] sums = new double[columns.size() + 1];
        try (BufferAllocator allocator = new RootAllocator();
                DatasetStream stream = client.get(dataset, options, allocator)) {
            VectorSchemaRoot root = stream.reader().getVectorSchemaRoot();
            while (stream.reader().loadNextBatch()) {
                sums[0] += root.getRowCount();
                for (int c = 0; c < columns.size(); c++) {
                    FieldVector vector = root.getVector(columns.get(c));
                    for (int i = 0; i < root.getRowCount(); i++) {
                        Object value = vector.getObject(i);
                        sums[c + 1] += value instanceof BigDecimal decimal
                                ? decimal.doubleValue()
                                : ((Number) value).doubleValue();
                    }
                }
            }
        }
        return sums;
    }

    /** Trino's own answer: the first row of {@code sql}, as text; empty when there is none. */
    private static List<String> trinoRow(String sql) throws SQLException {
        try (Connection connection = pool.getConnection();
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery(sql)) {
            if (!result.next()) {
                return List.of();
            }
            return IntStream.rangeClosed(1, result.getMetaData().getColumnCount())
                    .mapToObj(column -> {
                        try {
                            return result.getString(column);
                        } catch (SQLException e) {
                            throw new IllegalStateException(e);
                        }
                    })
                    .toList();
        }
    }
}

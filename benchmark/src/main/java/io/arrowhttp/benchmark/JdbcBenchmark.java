package io.arrowhttp.benchmark;

import io.arrowhttp.client.ArrowHttpClient;
import io.arrowhttp.testing.PostgresCluster;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The benchmark of a JDBC dataset: a throwaway PostgreSQL (Debian's package) with a table of
 * (bigint, double, text, timestamp) rows, served by arrowhttp's standalone server from a catalog,
 * against the PostgreSQL driver's own ResultSet loop over the same columns in this process, and
 * psql's {@code \copy ... to '/dev/null'} as the engine's own reference. Cases alternate run by
 * run; the server's CPU time is read from /proc around each of its runs.
 */
@Command(
        name = "jdbc",
        mixinStandardHelpOptions = true,
        description = "Measures a PostgreSQL dataset against the JDBC driver's own ResultSet loop.")
final class JdbcBenchmark implements Callable<Integer> {

    @Option(names = "--rows", defaultValue = "10000000", description = "Rows of the table (default ${DEFAULT-VALUE}).")
    long rows;

    @Option(names = "--batch-rows", description = "The dataset's batch_rows (default: the catalog's default).")
    Integer batchRows;

    @Mixin
    RunsAndReport run;

    @Option(names = "--work", defaultValue = "benchmark/target/jdbc", description = "Where the catalog and logs go.")
    Path work;

    private static final String COLUMNS = "id, price, label, placed";
    private static final String OURS = "arrowhttp | Java client, decoding";
    private static final String DRIVER = "PostgreSQL JDBC driver in-process | ResultSet loop";
    private static final String BINARY_COPY = "psql | \\copy (FORMAT binary) to a file";

    private final Map<String, List<AlternatingRounds.Run>> results = new LinkedHashMap<>();
    private String coldLine = "";

    /** Where the driver loop's values go, so that the JIT cannot drop the reading. */
    private volatile long sink;

    @Override
    public Integer call() throws Exception {
        Files.createDirectories(work);
        try (PostgresCluster postgres = PostgresCluster.start()) {
            postgres.psql("CREATE TABLE bench (id bigint, price double precision, label text, placed timestamp);"
                    + " INSERT INTO bench SELECT i, i * 0.25, 'label ' || i, TIMESTAMP '2024-01-01' + i * interval '1 ms'"
                    + " FROM generate_series(1, " + rows + ") i");
            // A statement of its own: psql -c runs several as one transaction, and VACUUM refuses that.
            postgres.psql("VACUUM ANALYZE bench");
            Path catalog = Files.writeString(
                    work.resolve("catalog.yaml"),
                    String.join(
                            "\n",
                            "datasets:",
                            "  - name: bench",
                            "    jdbc: {url: \"" + postgres.jdbcUrl("postgres") + "\", user: " + PostgresCluster.USER
                                    + ", password: \"${env:BENCH_PASSWORD}\"}",
                            "    sql: \"SELECT " + COLUMNS + " FROM bench\"",
                            batchRows == null ? "" : "    batch_rows: " + batchRows,
                            ""),
                    StandardCharsets.UTF_8);
            String java =
                    Path.of(System.getProperty("java.home"), "bin", "java").toString();
            try (ChildProcess ours = ChildProcess.start(
                    "arrowhttp-jdbc",
                    List.of(
                            java,
                            "-Xmx256m",
                            "-jar",
                            run.serverJar.toString(),
                            "--port",
                            "0",
                            "--config",
                            catalog.toString()),
                    Map.of("BENCH_PASSWORD", postgres.password()),
                    Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)/"),
                    work)) {
                URI base = URI.create("http://127.0.0.1:" + ours.port() + "/");
                URI dataset = base.resolve("datasets/bench");
                Map<String, AlternatingRounds.Case> cases = new LinkedHashMap<>();
                try (ArrowHttpClient client = ArrowHttpClient.builder(base)
                        .readTimeout(Duration.ofMinutes(5))
                        .build()) {
                    // Cold: the server's first response of the dataset after its start. The
                    // client is warmed first on the example, so that its own JIT is not counted.
                    for (int i = 0; i < 3; i++) {
                        Clients.decode(client, base.resolve("datasets/tickers?rows=" + Math.min(rows, 5_000_000)));
                    }
                    Clients.Transfer cold = Clients.decode(client, dataset);
                    Clients.Transfer coldCopy = psqlBinaryCopy(postgres);
                    cases.put(OURS, () -> Clients.decode(client, dataset));
                    cases.put(DRIVER, () -> resultSetLoop(postgres));
                    cases.put("psql | \\copy to /dev/null", () -> psqlCopy(postgres));
                    cases.put(BINARY_COPY, () -> psqlBinaryCopy(postgres));
                    results.putAll(AlternatingRounds.run(cases, run.warmup, run.runs, ours));
                    coldLine = String.format(
                                    Locale.ROOT,
                                    "%nCold, the server's first response of the dataset after its start (the client warmed on the"
                                            + " example first): arrowhttp %.2f M rows/s,"
                                            + " psql binary \\copy to a file (run just after) %.2f M rows/s, ratio %.2f%n",
                                    cold.rows() / (cold.nanos() / 1e3),
                                    coldCopy.rows() / (coldCopy.nanos() / 1e3),
                                    ((double) cold.rows() / cold.nanos())
                                            / ((double) coldCopy.rows() / coldCopy.nanos()))
                            + String.format(
                                    Locale.ROOT,
                                    "%nRatio (medians): rows/s through arrowhttp to the decoding client / psql's binary"
                                            + " \\copy to a file: %.2f%n",
                                    RowsTable.medianRowsPerSecond(results.get(OURS))
                                            / RowsTable.medianRowsPerSecond(results.get(BINARY_COPY)));
                }
                String table = markdown(ours.peakRssBytes()) + coldLine;
                System.out.println(table);
                run.write(table);
            }
        }
        return 0;
    }

    /** The driver's own loop over the same columns: cursor fetch, every value read into a Java value. */
    private Clients.Transfer resultSetLoop(PostgresCluster postgres) throws Exception {
        long start = System.nanoTime();
        long read = 0;
        long first = 0;
        long checksum = 0;
        Properties credentials = new Properties();
        credentials.setProperty("user", PostgresCluster.USER);
        credentials.setProperty("password", postgres.password());
        try (Connection connection = DriverManager.getConnection(postgres.jdbcUrl("postgres"), credentials)) {
            connection.setAutoCommit(false);
            try (PreparedStatement statement = connection.prepareStatement("SELECT " + COLUMNS + " FROM bench")) {
                statement.setFetchSize(65_536);
                try (ResultSet result = statement.executeQuery()) {
                    while (result.next()) {
                        if (first == 0) {
                            first = System.nanoTime() - start;
                        }
                        checksum += result.getLong(1);
                        checksum += (long) result.getDouble(2);
                        String label = result.getString(3);
                        checksum += label == null ? 0 : label.length();
                        LocalDateTime placed = result.getObject(4, LocalDateTime.class);
                        checksum += placed == null ? 0 : placed.getNano();
                        read++;
                    }
                }
            }
            connection.rollback();
        }
        sink = checksum;
        return new Clients.Transfer(0, read, System.nanoTime() - start, first);
    }

    /** psql's own COPY of the same columns to nowhere: what the engine does with no conversion to Java. */
    private Clients.Transfer psqlCopy(PostgresCluster postgres) throws Exception {
        long start = System.nanoTime();
        List<String> output = postgres.psql("\\copy (SELECT " + COLUMNS + " FROM bench) to '/dev/null'");
        long nanos = System.nanoTime() - start;
        String counted = output.isEmpty() ? "" : output.get(output.size() - 1).replaceAll("[^0-9]", "");
        return new Clients.Transfer(0, counted.isEmpty() ? rows : Long.parseLong(counted), nanos, 0);
    }

    /** psql's binary COPY of the same columns into a file: the engine's own binary output, kept. */
    private Clients.Transfer psqlBinaryCopy(PostgresCluster postgres) throws Exception {
        Path file = work.resolve("bench.copy");
        long start = System.nanoTime();
        List<String> output =
                postgres.psql("\\copy (SELECT " + COLUMNS + " FROM bench) to '" + file + "' (FORMAT binary)");
        long nanos = System.nanoTime() - start;
        Files.deleteIfExists(file);
        String counted = output.isEmpty() ? "" : output.get(output.size() - 1).replaceAll("[^0-9]", "");
        return new Clients.Transfer(0, counted.isEmpty() ? rows : Long.parseLong(counted), nanos, 0);
    }

    private String markdown(long serverRss) {
        return RowsTable.markdown(
                String.format(
                        Locale.ROOT,
                        "JDBC benchmark of %s: PostgreSQL 15, %d rows of (bigint, double, text, timestamp); %d cores, %s",
                        LocalDate.now(),
                        rows,
                        Runtime.getRuntime().availableProcessors(),
                        System.getProperty("java.vm.name") + " " + System.getProperty("java.version")),
                results,
                serverRss,
                OURS,
                DRIVER);
    }
}

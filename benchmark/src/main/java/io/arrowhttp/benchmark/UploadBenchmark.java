package io.arrowhttp.benchmark;

import io.arrowhttp.client.ArrowHttpClient;
import io.arrowhttp.testing.PostgresCluster;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import org.duckdb.DuckDBDriver;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The benchmark of uploads: the example dataset's rows, made as they are sent, uploaded by
 * arrowhttp's Java client into the standalone server's Arrow-file store, then downloaded back by
 * the same client, and uploaded by Arrow Flight's Java client with DoPut into a Flight server that
 * writes the same files the same way; and, unless {@code --postgres-rows 0}, the same client
 * uploading into two PostgreSQL tables, by binary COPY and by batched inserts. Cases alternate run
 * by run; the arrowhttp server's CPU time is read from /proc around each of its runs.
 */
@Command(
        name = "upload",
        mixinStandardHelpOptions = true,
        description = "Measures uploads into Arrow files against downloads and Arrow Flight's DoPut.")
final class UploadBenchmark implements Callable<Integer> {

    @Option(
            names = "--rows",
            defaultValue = "42000000",
            description = "Rows per upload (default ${DEFAULT-VALUE}, about 1 GB).")
    long rows;

    @Mixin
    RunsAndReport run;

    @Option(names = "--no-flight", description = "Skips Arrow Flight.")
    boolean noFlight;

    @Option(
            names = "--postgres-rows",
            defaultValue = "2000000",
            description = "Rows per upload into PostgreSQL tables, by COPY and by inserts (default ${DEFAULT-VALUE};"
                    + " 0 skips PostgreSQL).")
    long postgresRows;

    @Option(
            names = "--duckdb-rows",
            defaultValue = "200000",
            description = "Rows per upload into tables of a DuckDB file, by its appender and by inserts (default"
                    + " ${DEFAULT-VALUE}; 0 skips DuckDB).")
    long duckdbRows;

    @Option(names = "--work", defaultValue = "benchmark/target/upload", description = "Where the files and logs go.")
    Path work;

    private static final String UPLOAD = "arrowhttp | PUT into Arrow files | Java client";
    private static final String DOWNLOAD = "arrowhttp | GET of the uploaded dataset | Java client, decoding";
    private static final int PARTS = 4;
    private static final String PARALLEL =
            "arrowhttp | GET of the same rows in 4 parts, 4 at once | Java client fetchPartitions, decoding";
    private static final String FLIGHT = "Arrow Flight | DoPut into Arrow files | Flight client";
    private static final String COPY = "arrowhttp | PUT into a PostgreSQL table, binary COPY | Java client";
    private static final String INSERTS = "arrowhttp | PUT into a PostgreSQL table, batched inserts | Java client";
    private static final String APPENDER = "arrowhttp | PUT into a DuckDB table, appender | Java client";
    private static final String DUCKDB_INSERTS = "arrowhttp | PUT into a DuckDB table, batched inserts | Java client";
    private static final String TABLE = "(ticker text NOT NULL, price bigint NOT NULL, volume bigint NOT NULL)";

    @Override
    public Integer call() throws Exception {
        Path folder = Files.createDirectories(work.toAbsolutePath());
        Path catalog = folder.resolve("catalog.yaml");
        StringBuilder yaml = new StringBuilder("uploads:\n  directory: arrowhttp-uploads\n  writable: true\n");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<ChildProcess> started = new ArrayList<>();
        PostgresCluster postgres = null;
        try {
            if (postgresRows > 0) {
                postgres = PostgresCluster.start();
                postgres.psql("CREATE TABLE bench_copy " + TABLE + "; CREATE TABLE bench_inserts " + TABLE);
                yaml.append("datasets:\n");
                for (String method : List.of("copy", "inserts")) {
                    yaml.append("  - name: bench_")
                            .append(method)
                            .append("\n    jdbc: {url: \"")
                            .append(postgres.jdbcUrl("postgres"))
                            .append("\", user: ")
                            .append(PostgresCluster.USER)
                            .append(", password: \"${env:BENCH_PASSWORD}\"}\n    table: bench_")
                            .append(method)
                            .append("\n    writable: true\n    upload_method: ")
                            .append(method)
                            .append('\n');
                }
            }
            if (duckdbRows > 0) {
                yaml.append(postgres == null ? "datasets:\n" : "");
                duckDbTables(folder.resolve("bench.duckdb"), yaml);
            }
            Files.writeString(catalog, yaml);
            ChildProcess ours = ChildProcess.start(
                    "arrowhttp-upload",
                    List.of(
                            java,
                            "-Xmx256m",
                            "-jar",
                            run.serverJar.toString(),
                            "--port",
                            "0",
                            "--config",
                            catalog.toString()),
                    postgres == null ? Map.of() : Map.of("BENCH_PASSWORD", postgres.password()),
                    Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)/"),
                    folder);
            started.add(ours);
            URI base = URI.create("http://127.0.0.1:" + ours.port() + "/");
            ArrowHttpClient client = ArrowHttpClient.builder(base)
                    .readTimeout(Duration.ofMinutes(5))
                    .build();
            // The datasets the downloads read, there before the first round: one of one part, one
            // of the same rows in four parts, which are its partitions.
            Clients.upload(client, "downloaded", rows);
            Clients.uploadInParts(client, "partitioned", rows, PARTS);
            Map<String, AlternatingRounds.Case> cases = new LinkedHashMap<>();
            cases.put(UPLOAD, () -> Clients.upload(client, "uploaded", rows));
            URI downloaded = base.resolve("datasets/downloaded");
            cases.put(DOWNLOAD, () -> Clients.decode(client, downloaded));
            cases.put(PARALLEL, () -> Clients.decodePartitions(client, "partitioned", PARTS));
            ChildProcess flight = null;
            if (!noFlight) {
                flight = ChildProcess.start(
                        "flight-upload",
                        List.of(
                                java,
                                "-Xmx256m",
                                "-jar",
                                Path.of(UploadBenchmark.class
                                                .getProtectionDomain()
                                                .getCodeSource()
                                                .getLocation()
                                                .toURI())
                                        .toString(),
                                "flight-server",
                                "--uploads",
                                folder.resolve("flight-uploads").toString()),
                        Pattern.compile("flight listening on (\\d+)"),
                        folder);
                started.add(flight);
                int port = flight.port();
                cases.put(FLIGHT, () -> Clients.flightPut(port, "uploaded", rows));
            }
            if (postgres != null) {
                cases.put(COPY, () -> Clients.upload(client, "bench_copy", postgresRows));
                cases.put(INSERTS, () -> Clients.upload(client, "bench_inserts", postgresRows));
            }
            if (duckdbRows > 0) {
                cases.put(APPENDER, () -> Clients.upload(client, "bench_duckdb_copy", duckdbRows));
                cases.put(DUCKDB_INSERTS, () -> Clients.upload(client, "bench_duckdb_inserts", duckdbRows));
            }
            Map<String, List<AlternatingRounds.Run>> results = AlternatingRounds.run(cases, run.warmup, run.runs, ours);
            client.close();
            String table = markdown(results, ours, flight);
            System.out.println(table);
            run.write(table);
        } finally {
            for (ChildProcess child : started) {
                child.close();
            }
            if (postgres != null) {
                postgres.close();
            }
        }
        return 0;
    }

    /**
     * Makes the DuckDB file and its two tables, and closes it before the server starts: DuckDB lets
     * one process at a time open a file.
     */
    private static void duckDbTables(Path file, StringBuilder yaml) throws SQLException, IOException {
        Files.deleteIfExists(file);
        Files.deleteIfExists(Path.of(file + ".wal"));
        try (Connection connection = new DuckDBDriver().connect("jdbc:duckdb:" + file, new Properties());
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE bench_duckdb_copy " + TABLE.replace("text", "VARCHAR")
                    + "; CREATE TABLE bench_duckdb_inserts " + TABLE.replace("text", "VARCHAR"));
        }
        for (String method : List.of("copy", "inserts")) {
            yaml.append("  - name: bench_duckdb_")
                    .append(method)
                    .append("\n    jdbc: {url: \"jdbc:duckdb:")
                    .append(file)
                    .append("\"}\n    table: bench_duckdb_")
                    .append(method)
                    .append("\n    writable: true\n    upload_method: ")
                    .append(method)
                    .append('\n');
        }
    }

    private String markdown(Map<String, List<AlternatingRounds.Run>> results, ChildProcess ours, ChildProcess flight) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(
                Locale.ROOT,
                "Upload benchmark of %s: %d rows of the example dataset per transfer; %d cores, %s%n%n",
                LocalDate.now(),
                rows,
                Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.vm.name") + " " + System.getProperty("java.version")));
        RowsTable.transfers(out, "transfer", results);
        out.append(String.format(
                Locale.ROOT, "%nPeak RSS of the arrowhttp server (-Xmx256m): %d MiB", ours.peakRssBytes() >> 20));
        if (flight != null) {
            out.append(String.format(
                    Locale.ROOT, "; of the Flight server (-Xmx256m): %d MiB", flight.peakRssBytes() >> 20));
        }
        out.append("\n\nRatios (medians of rows/s):\n\n");
        RowsTable.ratio(out, results, "upload / download, arrowhttp", UPLOAD, DOWNLOAD, true);
        RowsTable.ratio(out, results, "4 partitions at once / one stream, downloads", PARALLEL, DOWNLOAD, true);
        RowsTable.ratio(out, results, "arrowhttp upload / Flight DoPut", UPLOAD, FLIGHT, true);
        RowsTable.ratio(out, results, "PostgreSQL: binary COPY / batched inserts", COPY, INSERTS, true);
        RowsTable.ratio(out, results, "DuckDB: appender / batched inserts", APPENDER, DUCKDB_INSERTS, true);
        if (results.containsKey(APPENDER)) {
            out.append(String.format(
                    Locale.ROOT, "%nDuckDB cases upload %d rows each, into one database file.%n", duckdbRows));
        }
        if (results.containsKey(COPY)) {
            out.append(String.format(
                    Locale.ROOT,
                    "%nPostgreSQL cases upload %d rows each, into a cluster the harness makes with fsync off.%n",
                    postgresRows));
        }
        return out.toString();
    }
}

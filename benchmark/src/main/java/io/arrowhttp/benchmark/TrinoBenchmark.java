package io.arrowhttp.benchmark;

import io.arrowhttp.client.ArrowHttpClient;
import io.arrowhttp.testing.TrinoServer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.sql.Types;
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
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The benchmark of a distributed engine's query: a Trino 476 node on 127.0.0.1 with its
 * {@code tpch} connector, {@code SELECT * FROM lineitem} of a scale, served by arrowhttp's
 * standalone server with Trino's driver in its {@code --drivers} folder as docs/databases.md tells users,
 * against Trino's driver's own ResultSet loop reading every column in this process. Cases
 * alternate run by run; the server's CPU time is read from /proc around each of its runs.
 */
@Command(
        name = "trino",
        mixinStandardHelpOptions = true,
        description = "Measures a Trino dataset against the Trino JDBC driver's own ResultSet loop.")
final class TrinoBenchmark implements Callable<Integer> {

    private static final String OURS = "arrowhttp | Java client, decoding";
    private static final String DRIVER = "Trino JDBC driver in-process | ResultSet loop";

    @Option(
            names = "--scale",
            defaultValue = "sf1",
            description = "The tpch schema whose lineitem is read: tiny, sf1, ... (default ${DEFAULT-VALUE}).")
    String scale;

    @Option(names = "--runs", defaultValue = "3", description = "Measured runs per case (default ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--warmup", defaultValue = "1", description = "Unmeasured runs per case first.")
    int warmup;

    @Option(names = "--server-jar", defaultValue = "standalone/target/arrowhttp-server.jar")
    Path serverJar;

    @Option(
            names = "--trino-archive",
            defaultValue = "${sys:user.home}/.m2/repository/io/trino/trino-server/476/trino-server-476.tar.gz",
            description = "Trino's server archive, io.trino:trino-server:476:tar.gz.")
    Path archive;

    @Option(
            names = "--trino-driver",
            defaultValue = "${sys:user.home}/.m2/repository/io/trino/trino-jdbc/476/trino-jdbc-476.jar",
            description = "Trino's JDBC driver, copied into the server's --drivers folder.")
    Path driver;

    @Option(
            names = "--work",
            defaultValue = "benchmark/target/trino",
            description = "Where Trino, the catalog and logs go.")
    Path work;

    @Option(names = "--output", description = "Also writes the results as Markdown to this file.")
    Path output;

    @Option(
            names = "--server-java-option",
            description =
                    "A JVM option for the server, besides -Xmx256m; repeat for several (such as -XX:+UseSerialGC).")
    List<String> serverJavaOptions = new ArrayList<>();

    /** Where the driver loop's values go, so that the JIT cannot drop the reading. */
    private volatile long sink;

    @Override
    public Integer call() throws Exception {
        if (!Files.isRegularFile(driver)) {
            throw new IllegalArgumentException("Trino's JDBC driver is not at '" + driver + "': let Maven download it,"
                    + " with 'mvn dependency:get -Dartifact=io.trino:trino-jdbc:476', or give --trino-driver");
        }
        Files.createDirectories(work);
        try (TrinoServer trino = TrinoServer.start(archive, work.resolve("installation"))) {
            String url = trino.jdbcUrl("tpch/" + scale);
            Path catalog = Files.writeString(
                    work.resolve("catalog.yaml"),
                    String.join(
                            "\n",
                            "datasets:",
                            "  - name: lineitem",
                            "    jdbc: {url: \"" + url + "\", user: " + TrinoServer.USER + "}",
                            "    sql: \"SELECT * FROM lineitem\"",
                            ""),
                    StandardCharsets.UTF_8);
            Path drivers = Files.createDirectories(work.resolve("drivers"));
            Files.copy(driver, drivers.resolve(driver.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            String java =
                    Path.of(System.getProperty("java.home"), "bin", "java").toString();
            List<String> command = new ArrayList<>(List.of(java, "-Xmx256m"));
            command.addAll(serverJavaOptions);
            command.addAll(List.of(
                    "-jar",
                    serverJar.toString(),
                    "--drivers",
                    drivers.toString(),
                    "--port",
                    "0",
                    "--config",
                    catalog.toString()));
            try (ChildProcess ours = ChildProcess.start(
                    "arrowhttp-trino",
                    command,
                    Map.of(),
                    Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)/"),
                    work)) {
                URI base = URI.create("http://127.0.0.1:" + ours.port() + "/");
                URI dataset = base.resolve("datasets/lineitem");
                Map<String, AlternatingRounds.Case> cases = new LinkedHashMap<>();
                Map<String, List<AlternatingRounds.Run>> results;
                try (ArrowHttpClient client = ArrowHttpClient.builder(base)
                        .readTimeout(Duration.ofMinutes(5))
                        .build()) {
                    cases.put(OURS, () -> Clients.decode(client, dataset));
                    cases.put(DRIVER, () -> resultSetLoop(url));
                    results = AlternatingRounds.run(cases, warmup, runs, ours);
                }
                String table = RowsTable.markdown(
                        String.format(
                                Locale.ROOT,
                                "Trino benchmark of %s: Trino 476, tpch.%s.lineitem (16 columns); %d cores, %s%s",
                                LocalDate.now(),
                                scale,
                                Runtime.getRuntime().availableProcessors(),
                                System.getProperty("java.vm.name") + " " + System.getProperty("java.version"),
                                serverJavaOptions.isEmpty()
                                        ? ""
                                        : "; server options " + String.join(" ", serverJavaOptions)),
                        results,
                        ours.peakRssBytes(),
                        OURS,
                        DRIVER);
                System.out.println(table);
                if (output != null) {
                    Files.writeString(output, table);
                }
            }
        }
        return 0;
    }

    /** The driver's own loop: every column of every row read into the Java value its type suggests. */
    private Clients.Transfer resultSetLoop(String url) throws Exception {
        long start = System.nanoTime();
        long read = 0;
        long first = 0;
        long checksum = 0;
        Properties user = new Properties();
        user.setProperty("user", TrinoServer.USER);
        try (Connection connection = DriverManager.getConnection(url, user);
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("SELECT * FROM lineitem")) {
            ResultSetMetaData columns = result.getMetaData();
            int[] types = new int[columns.getColumnCount() + 1];
            for (int column = 1; column < types.length; column++) {
                types[column] = columns.getColumnType(column);
            }
            while (result.next()) {
                if (first == 0) {
                    first = System.nanoTime() - start;
                }
                for (int column = 1; column < types.length; column++) {
                    checksum += switch (types[column]) {
                        case Types.BIGINT, Types.INTEGER -> result.getLong(column);
                        case Types.DOUBLE -> (long) result.getDouble(column);
                        case Types.DATE -> {
                            LocalDate date = result.getObject(column, LocalDate.class);
                            yield date == null ? 0 : date.getDayOfMonth();
                        }
                        default -> {
                            String text = result.getString(column);
                            yield text == null ? 0 : text.length();
                        }
                    };
                }
                read++;
            }
        }
        sink = checksum;
        return new Clients.Transfer(0, read, System.nanoTime() - start, first);
    }
}

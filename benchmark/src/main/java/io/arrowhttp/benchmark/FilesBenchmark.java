package io.arrowhttp.benchmark;

import io.arrowhttp.client.ArrowHttpClient;
import io.arrowhttp.protocol.ArrowMediaTypes;
import io.arrowhttp.testing.Nginx;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
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
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.duckdb.DuckDBDriver;
import org.duckdb.DuckDBResultSet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The benchmark of files: one table of trades written as an Arrow IPC file, as Parquet and as CSV,
 * served by arrowhttp's standalone server from a data folder. The Arrow file is compared with nginx
 * sending our response's bytes with sendfile; Parquet and CSV with DuckDB's own Arrow export of the
 * same query read in this process. Cases alternate run by run; the server's CPU time is read from
 * /proc around each of its runs.
 */
@Command(
        name = "files",
        mixinStandardHelpOptions = true,
        description = "Measures serving an Arrow file, Parquet and CSV against nginx and DuckDB in-process.")
final class FilesBenchmark implements Callable<Integer> {

    @Option(
            names = "--rows",
            defaultValue = "30000000",
            description = "Rows of the Arrow and Parquet table (default ${DEFAULT-VALUE}, about 1 GB as Arrow).")
    long rows;

    @Option(
            names = "--csv-rows",
            defaultValue = "10000000",
            description = "Rows of the CSV table, the first of the same rows (default ${DEFAULT-VALUE}).")
    long csvRows;

    @Mixin
    RunsAndReport run;

    @Option(names = "--work", defaultValue = "benchmark/target/files", description = "Where the data and logs go.")
    Path work;

    private static final String ARROW_FILE = "Arrow file";
    private static final String PARQUET = "Parquet";
    private static final String CSV = "CSV";

    private final Map<String, List<AlternatingRounds.Run>> results = new LinkedHashMap<>();
    private final List<String> notes = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        Path data = Files.createDirectories(work.resolve("data").toAbsolutePath());
        writeData(data);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<ChildProcess> started = new ArrayList<>();
        try {
            ChildProcess ours = ChildProcess.start(
                    "arrowhttp-files",
                    List.of(
                            java,
                            "-Xmx256m",
                            "-jar",
                            run.serverJar.toString(),
                            "--port",
                            "0",
                            "--data",
                            data.toString()),
                    Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)/"),
                    work);
            started.add(ours);
            URI base = URI.create("http://127.0.0.1:" + ours.port() + "/");
            URI arrow = base.resolve("datasets/trades_arrow");
            Map<String, AlternatingRounds.Case> cases = new LinkedHashMap<>();
            ArrowHttpClient client = ArrowHttpClient.builder(base)
                    .readTimeout(Duration.ofMinutes(5))
                    .build();
            cases.put(
                    "arrowhttp | " + ARROW_FILE + " | bytes",
                    () -> Clients.countBytes(arrow, ArrowMediaTypes.ARROW_STREAM));
            cases.put("arrowhttp | " + ARROW_FILE + " | Java client, decoding", () -> Clients.decode(client, arrow));
            if (Nginx.installed()) {
                // The same bytes as our responses, saved once: the bare stream for the byte
                // counter, the multipart response for the decoding client.
                ChildProcess stream = serveSaved(arrow, ArrowMediaTypes.ARROW_STREAM, "nginx-files-stream");
                started.add(stream);
                ChildProcess multipart = serveSaved(arrow, null, "nginx-files-multipart");
                started.add(multipart);
                URI streamUri = URI.create("http://127.0.0.1:" + stream.port() + "/body");
                URI multipartUri = URI.create("http://127.0.0.1:" + multipart.port() + "/body");
                cases.put("nginx sendfile | " + ARROW_FILE + " | bytes", () -> Clients.countBytes(streamUri));
                cases.put(
                        "nginx sendfile | " + ARROW_FILE + " | Java client, decoding",
                        () -> Clients.decode(client, multipartUri));
            } else {
                notes.add("nginx is not installed (apt-get install nginx): the ceiling was not measured.");
            }
            URI parquet = base.resolve("datasets/trades_parquet");
            URI csv = base.resolve("datasets/trades_csv");
            cases.put("arrowhttp | " + PARQUET + " | Java client, decoding", () -> Clients.decode(client, parquet));
            cases.put(
                    "DuckDB in-process | " + PARQUET + " | arrowExportStream",
                    () -> duckDbExport("read_parquet('" + data.resolve("trades_parquet.parquet") + "')"));
            cases.put("arrowhttp | " + CSV + " | Java client, decoding", () -> Clients.decode(client, csv));
            cases.put(
                    "DuckDB in-process | " + CSV + " | arrowExportStream",
                    () -> duckDbExport("read_csv('" + data.resolve("trades_csv.csv") + "')"));
            results.putAll(AlternatingRounds.run(cases, run.warmup, run.runs, ours));
            client.close();
            String table = markdown(ours.peakRssBytes());
            System.out.println(table);
            run.write(table);
        } finally {
            for (ChildProcess child : started) {
                child.close();
            }
        }
        return 0;
    }

    /** nginx serving one response of ours, as {@code accept} asks for it (null: the default). */
    private ChildProcess serveSaved(URI uri, String accept, String name) throws IOException {
        Path body = work.resolve(name + "-body");
        HttpURLConnection connection = (HttpURLConnection) uri.toURL().openConnection();
        if (accept != null) {
            connection.setRequestProperty("Accept", accept);
        }
        String contentType = connection.getContentType();
        try (InputStream in = connection.getInputStream()) {
            Files.copy(in, body, StandardCopyOption.REPLACE_EXISTING);
        }
        return ChildProcess.nginx(work, name, body, contentType);
    }

    /** DuckDB's own Arrow export of {@code SELECT * FROM source}, read to the end in this process. */
    private Clients.Transfer duckDbExport(String source) throws SQLException, IOException {
        long start = System.nanoTime();
        long rowsRead = 0;
        long first = 0;
        Properties settings = new Properties();
        settings.setProperty("jdbc_stream_results", "true");
        try (BufferAllocator allocator = new RootAllocator();
                Connection connection = new DuckDBDriver().connect("jdbc:duckdb:", settings);
                Statement statement = connection.createStatement();
                DuckDBResultSet result = (DuckDBResultSet) statement.executeQuery("SELECT * FROM " + source);
                ArrowReader reader = (ArrowReader) result.arrowExportStream(allocator, 65_536)) {
            while (reader.loadNextBatch()) {
                if (first == 0) {
                    first = System.nanoTime() - start;
                }
                rowsRead += reader.getVectorSchemaRoot().getRowCount();
            }
        }
        return new Clients.Transfer(0, rowsRead, System.nanoTime() - start, first);
    }

    /** The table, once per row count: Parquet and CSV by DuckDB's COPY, the Arrow file by Arrow Java's writer. */
    private void writeData(Path data) throws SQLException, IOException {
        Path parquet = data.resolve("trades_parquet.parquet");
        Path csv = data.resolve("trades_csv.csv");
        Path arrow = data.resolve("trades_arrow.arrow");
        Path stamp = data.resolve("rows-" + rows + "-" + csvRows + ".done");
        if (Files.exists(stamp)) {
            return;
        }
        try (var listing = Files.list(data)) {
            for (Path old : listing.toList()) {
                Files.delete(old);
            }
        }
        String table = "SELECT range AS id, TIMESTAMP '2024-01-01' + to_microseconds(range * 997) AS ts,"
                + " ['AAPL', 'MSFT', 'NVDA', 'AMZN', 'GOOG'][range % 5 + 1] AS symbol,"
                + " round(100 + (hash(range) % 100000) / 1000.0, 3)::DOUBLE AS price,"
                + " (hash(range * 7) % 5000)::INTEGER AS quantity FROM range(";
        try (Connection connection = new DuckDBDriver().connect("jdbc:duckdb:", new Properties());
                Statement statement = connection.createStatement()) {
            statement.execute("COPY (" + table + rows + ")) TO '" + parquet + "' (FORMAT parquet)");
            statement.execute("COPY (" + table + csvRows + ")) TO '" + csv + "' (FORMAT csv, HEADER)");
        }
        Properties settings = new Properties();
        settings.setProperty("jdbc_stream_results", "true");
        try (BufferAllocator allocator = new RootAllocator();
                Connection connection = new DuckDBDriver().connect("jdbc:duckdb:", settings);
                Statement statement = connection.createStatement();
                DuckDBResultSet result =
                        (DuckDBResultSet) statement.executeQuery("SELECT * FROM read_parquet('" + parquet + "')");
                ArrowReader reader = (ArrowReader) result.arrowExportStream(allocator, 65_536);
                FileChannel channel = FileChannel.open(arrow, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                ArrowFileWriter writer = new ArrowFileWriter(reader.getVectorSchemaRoot(), reader, channel)) {
            writer.start();
            while (reader.loadNextBatch()) {
                writer.writeBatch();
            }
            writer.end();
        }
        Files.createFile(stamp);
    }

    private String markdown(long serverRss) throws IOException {
        StringBuilder out = new StringBuilder();
        out.append(String.format(
                Locale.ROOT,
                "Files benchmark of %s: %d rows (Arrow file %d MB, Parquet %d MB), CSV %d rows (%d MB); %d cores, %s%n%n",
                LocalDate.now(),
                rows,
                Files.size(work.resolve("data/trades_arrow.arrow")) >> 20,
                Files.size(work.resolve("data/trades_parquet.parquet")) >> 20,
                csvRows,
                Files.size(work.resolve("data/trades_csv.csv")) >> 20,
                Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.vm.name") + " " + System.getProperty("java.version")));
        RowsTable.transfers(out, "data", results);
        out.append(String.format(Locale.ROOT, "%nPeak RSS of the server (-Xmx256m): %d MiB%n", serverRss >> 20));
        out.append("\nRatios (medians):\n\n");
        RowsTable.ratio(
                out,
                results,
                "Arrow file, bytes: arrowhttp / nginx sendfile",
                "arrowhttp | Arrow file | bytes",
                "nginx sendfile | Arrow file | bytes",
                false);
        RowsTable.ratio(
                out,
                results,
                "Arrow file, decoding client: arrowhttp / nginx sendfile",
                "arrowhttp | Arrow file | Java client, decoding",
                "nginx sendfile | Arrow file | Java client, decoding",
                false);
        RowsTable.ratio(
                out,
                results,
                "Parquet, rows/s: arrowhttp to the decoding client / DuckDB in-process",
                "arrowhttp | Parquet | Java client, decoding",
                "DuckDB in-process | Parquet | arrowExportStream",
                true);
        RowsTable.ratio(
                out,
                results,
                "CSV, rows/s: arrowhttp to the decoding client / DuckDB in-process",
                "arrowhttp | CSV | Java client, decoding",
                "DuckDB in-process | CSV | arrowExportStream",
                true);
        notes.forEach(note -> out.append("- ").append(note).append('\n'));
        return out.toString();
    }
}

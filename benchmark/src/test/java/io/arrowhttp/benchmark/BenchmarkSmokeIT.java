package io.arrowhttp.benchmark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.arrowhttp.testing.PythonWithPyarrow;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Runs the packaged harness as a user would, on a small row count, so that it keeps working: every
 * case measured, no errors, every server it started stopped. Its figures mean nothing at this size.
 */
class BenchmarkSmokeIT {

    @Test
    void harnessMeasuresEveryCaseAndStopsItsServers() throws Exception {
        String results =
                runHarness("smoke", 5, "--rows", "100000", "--runs", "1", "--warmup", "0", "--concurrency", "1,2");
        assertTrue(results.contains("| arrowhttp | bytes |"), results);
        assertTrue(results.contains("| arrowhttp | Java client, decoding |"), results);
        assertTrue(results.contains("| Arrow Flight DoGet | Flight client, decoding |"), results);
        assertTrue(results.contains("| 2 | "), "the concurrency case ran: " + results);
        assertTrue(results.contains("- errors: 0"), results);
        if (Files.isExecutable(Path.of("/usr/sbin/nginx"))) {
            assertTrue(results.contains("| nginx static file | Java client, decoding |"), results);
        }
    }

    @Test
    void javaScriptBenchmarkComparesTheNodeClientWithTheJavaClientAndArrowAlone() throws Exception {
        String results = runHarness(
                "js-smoke",
                3,
                "js",
                "--rows",
                "100000",
                "--runs",
                "1",
                "--warmup",
                "0",
                "--script",
                Path.of("..", "api", "web", "client", "bench", "fetch.mjs").toString());
        assertTrue(results.contains("| arrowhttp | multipart | JS client, Node | "), results);
        assertTrue(results.contains("JS client, multipart / Java client, multipart (rows/s): "), results);
        assertTrue(results.contains("JS client, bare stream / apache-arrow reader alone (rows/s): "), results);
    }

    @Test
    void filesBenchmarkMeasuresEveryFormatAgainstItsBaseline() throws Exception {
        String results = runHarness(
                "files-smoke", 5, "files", "--rows", "200000", "--csv-rows", "50000", "--runs", "1", "--warmup", "0");
        assertTrue(results.contains("| arrowhttp | Arrow file | bytes |"), results);
        assertTrue(results.contains("Parquet, rows/s: arrowhttp to the decoding client / DuckDB in-process"), results);
        assertTrue(results.contains("CSV, rows/s: arrowhttp to the decoding client / DuckDB in-process"), results);
        if (Files.isExecutable(Path.of("/usr/sbin/nginx"))) {
            assertTrue(results.contains("Arrow file, bytes: arrowhttp / nginx sendfile"), results);
        }
    }

    @Test
    void uploadBenchmarkComparesUploadsWithDownloadsFlightDoPutAndDatabaseInserts() throws Exception {
        String results = runHarness(
                "upload-smoke",
                5,
                "upload",
                "--rows",
                "200000",
                "--postgres-rows",
                "20000",
                "--duckdb-rows",
                "20000",
                "--runs",
                "1",
                "--warmup",
                "0");
        assertTrue(results.contains("| arrowhttp | PUT into Arrow files | Java client |"), results);
        assertTrue(results.contains("| Arrow Flight | DoPut into Arrow files | Flight client |"), results);
        assertTrue(results.contains("- arrowhttp upload / Flight DoPut: "), results);
        assertTrue(results.contains("- PostgreSQL: binary COPY / batched inserts: "), results);
        assertTrue(results.contains("- DuckDB: appender / batched inserts: "), results);
    }

    @Test
    void jdbcBenchmarkComparesAPostgresDatasetWithTheDriversOwnLoop() throws Exception {
        String results = runHarness("jdbc-smoke", 5, "jdbc", "--rows", "50000", "--runs", "1", "--warmup", "0");
        assertTrue(results.contains("| arrowhttp | Java client, decoding |"), results);
        assertTrue(results.contains("| psql | \\copy to /dev/null |"), results);
        assertTrue(results.contains("the driver's ResultSet loop:"), results);
    }

    @Test
    void trinoBenchmarkReadsEveryRowThroughTheServerAndTheDriver() throws Exception {
        String results = runHarness(
                "trino-smoke",
                6,
                "trino",
                "--scale",
                "tiny",
                "--runs",
                "1",
                "--warmup",
                "0",
                "--trino-archive",
                System.getProperty("trino.archive"),
                "--trino-driver",
                System.getProperty("trino.driver"));
        // tpch.tiny.lineitem has 60,175 rows: both readers must have read all of them.
        assertTrue(results.contains("| arrowhttp | Java client, decoding | 60,175 |"), results);
        assertTrue(results.contains("| Trino JDBC driver in-process | ResultSet loop | 60,175 |"), results);
        assertTrue(results.contains("the driver's ResultSet loop:"), results);
    }

    @Test
    void compressionBenchmarkMeasuresEveryCodecOnBothDatasetsAndOverASlowLink() throws Exception {
        String results = runHarness(
                "compression-smoke",
                3,
                "compression",
                "--rows",
                "200000",
                "--float-rows",
                "100000",
                "--runs",
                "1",
                "--warmup",
                "0",
                "--links",
                "1gbit",
                "--link-rows",
                "100000",
                "--link-float-rows",
                "50000");
        assertTrue(
                results.contains("; 1gbit link (veth pair between two network namespaces, tc tbf)")
                        || results.contains("Slow links skipped: network namespaces cannot be made"),
                results);
        for (String dataset : new String[] {"example (compressible)", "random doubles"}) {
            for (String compression :
                    new String[] {"none", "IPC lz4", "IPC zstd", "HTTP zstd", "HTTP br", "HTTP gzip"}) {
                assertTrue(
                        results.contains("| " + dataset + " | " + compression + " | "), dataset + ", " + compression);
            }
        }
    }

    @Test
    void clientsBenchmarkReadsEveryDatasetWithEveryClientAndTheCacheServesTheParquetFile() throws Exception {
        Path python = PythonWithPyarrow.requireInterpreter();
        Path folder = Files.createDirectories(Path.of("target", "clients-smoke"));
        Path table = folder.resolve("results.md");
        Files.deleteIfExists(table);
        Path work = folder.resolve("work").toAbsolutePath();
        Path log = folder.resolve("script.log");
        Process script = new ProcessBuilder(
                        python.toString(),
                        Path.of("python", "clients_benchmark.py").toString(),
                        "--rows",
                        "100000",
                        "--parquet-rows",
                        "100000",
                        "--csv-rows",
                        "20000",
                        "--runs",
                        "1",
                        "--warmup",
                        "1",
                        "--server-jar",
                        System.getProperty("arrowhttp.server.jar"),
                        "--work",
                        work.toString(),
                        "--output",
                        table.toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        assertTrue(script.waitFor(5, TimeUnit.MINUTES), "ran for more than 5 minutes");
        assertEquals(0, script.exitValue(), Files.readString(log));
        String results = Files.readString(table);
        for (String dataset : new String[] {
            "### the example, `tickers.arrows?rows=100000`: 100,000 rows",
            "### a Parquet file, `trades.arrows`: 100,000 rows",
            "### a CSV file, `trades_csv.arrows`: 20,000 rows",
            "### DuckDB SQL over the Parquet file, `trades_sql.arrows`: "
        }) {
            assertTrue(results.contains(dataset), dataset + " in " + results);
        }
        // The reference reads every dataset; after the warm-up the Parquet file comes from the cache.
        assertEquals(
                4,
                count(results, "| urllib, `Accept-Encoding: identity`, `open_stream(response)` | identity | none | "));
        assertTrue(
                results.contains(
                        "| urllib, `Accept-Encoding: identity`, `open_stream(response)` | identity | none | hit |"),
                results);
        // A request with no header at all (HTTP/1.0) reads every dataset as a bare stream.
        assertEquals(
                4, count(results, "| HTTP/1.0 on a socket, no header at all, `open_stream(body)` | none | none | "));
        // requests and Node's fetch offer gzip by default (the script shows it), and on loopback no
        // client gets a content coding.
        assertEquals(
                4, count(results, "| `requests.get(url, stream=True)`, `open_stream(response.raw)` | gzip, deflate"));
        List<String> rows = results.lines()
                .filter(line -> line.startsWith("| ") && !line.startsWith("| client |") && !line.startsWith("| ---"))
                .toList();
        assertTrue(rows.size() >= 4 * 7, results);
        for (String row : rows) {
            String contentEncoding = row.split(" \\| ")[2];
            assertTrue(contentEncoding.equals("none") || contentEncoding.equals("not shown"), row);
        }
        assertTrue(
                results.contains("| polars `pl.read_ipc_stream(url)` | ")
                        || results.contains("- polars `pl.read_ipc_stream(url)`: polars is not installed"),
                results);
        String catalog = work.resolve("catalog.yaml").toString();
        assertTrue(
                ProcessHandle.allProcesses()
                        .noneMatch(process -> process.info()
                                .commandLine()
                                .map(line -> line.contains(catalog))
                                .orElse(false)),
                "the server outlived the script");
    }

    private static int count(String text, String part) {
        int found = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
            found++;
        }
        return found;
    }

    @Test
    void soakRunsMixedHostileTrafficAndTheServerEndsIdle() throws Exception {
        String results = runHarness("soak-smoke", 3, "soak", "--seconds", "8");
        assertTrue(results.contains("- Arrow memory held after the traffic: 0 bytes"), results);
        assertTrue(results.contains("- /status errors: 0"), results);
        assertTrue(results.contains("| wrong password |"), results);
    }

    @Test
    void hostileWriterSoakRefusesEveryHostileUploadAndAnswersEveryRealOne() throws Exception {
        String results = runHarness("hostile-soak-smoke", 3, "hostile-soak", "--seconds", "35");
        assertTrue(results.contains("- real requests: "), results);
        assertTrue(results.contains(", failed: 0"), results);
        assertTrue(results.contains("- Arrow allocatedBytes: 0 at the start, 0 at the end"), results);
        assertTrue(results.contains("- datasets made by hostile writers: 0"), results);
        assertTrue(results.contains("| forged zstd length | 413 |"), results);
        assertTrue(results.contains("| gzip bomb | 413 |"), results);
        assertTrue(results.contains("| trickled body | 408 |"), results);
        assertTrue(results.contains("- checks failed: 0"), results);
    }

    /**
     * Runs the benchmark jar with {@code arguments}, the server jar, a work folder of its own and
     * an output file, for at most {@code minutes}; checks that it succeeded and left no server
     * running, and returns the Markdown it wrote.
     */
    @Test
    void partitionsBenchmarkComparesOneStreamWithPartitionsFromOneServerAndFromAGroup() throws Exception {
        String results = runHarness(
                "partitions-smoke",
                5,
                "partitions",
                "--rows",
                "200000",
                "--member-rate",
                "500mbit",
                "--runs",
                "1",
                "--warmup",
                "0");
        assertTrue(
                results.contains("- partitions at once from the group / one stream: ")
                        || results.contains("Partitions benchmark skipped: network namespaces cannot be made"),
                results);
    }

    private static String runHarness(String work, int minutes, String... arguments) throws Exception {
        Path folder = Files.createDirectories(Path.of("target", work));
        Path table = folder.resolve("results.md");
        Files.deleteIfExists(table);
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                System.getProperty("arrowhttp.benchmark.jar")));
        command.addAll(List.of(arguments));
        command.addAll(List.of(
                "--server-jar",
                System.getProperty("arrowhttp.server.jar"),
                "--work",
                folder.toString(),
                "--output",
                table.toString()));
        Path log = folder.resolve("harness.log");
        Process harness = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        assertTrue(
                harness.waitFor(minutes, TimeUnit.MINUTES),
                "ran for more than " + minutes + " minutes: " + String.join(" ", arguments));
        assertEquals(0, harness.exitValue(), Files.readString(log));
        assertTrue(harness.descendants().noneMatch(ProcessHandle::isAlive), "a server outlived the harness");
        return Files.readString(table);
    }
}

package io.arrowhttp.benchmark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
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
        Path work = Path.of("target", "smoke");
        Path table = work.resolve("results.md");
        Files.createDirectories(work);
        Files.deleteIfExists(table);
        List<String> command = List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                System.getProperty("arrowhttp.benchmark.jar"),
                "--rows",
                "100000",
                "--runs",
                "1",
                "--warmup",
                "0",
                "--concurrency",
                "1,2",
                "--server-jar",
                System.getProperty("arrowhttp.server.jar"),
                "--work",
                work.toString(),
                "--output",
                table.toString());
        Path log = work.resolve("harness.log");
        Process harness = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        assertTrue(harness.waitFor(5, TimeUnit.MINUTES), "the harness ran for more than 5 minutes");
        String output = Files.readString(log);
        assertEquals(0, harness.exitValue(), output);

        String results = Files.readString(table);
        assertTrue(results.contains("| arrowhttp | bytes |"), results);
        assertTrue(results.contains("| arrowhttp | Java client, decoding |"), results);
        assertTrue(results.contains("| Arrow Flight DoGet | Flight client, decoding |"), results);
        assertTrue(results.contains("| 2 | "), "the concurrency case ran: " + results);
        assertTrue(results.contains("- errors: 0"), results);
        if (Files.isExecutable(Path.of("/usr/sbin/nginx"))) {
            assertTrue(results.contains("| nginx static file | Java client, decoding |"), results);
        }
        assertTrue(harness.descendants().noneMatch(ProcessHandle::isAlive), "a server outlived the harness");
    }

    @Test
    void filesBenchmarkMeasuresEveryFormatAgainstItsBaseline() throws Exception {
        Path work = Path.of("target", "files-smoke");
        Path table = work.resolve("files.md");
        Files.createDirectories(work);
        Files.deleteIfExists(table);
        List<String> command = List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                System.getProperty("arrowhttp.benchmark.jar"),
                "files",
                "--rows",
                "200000",
                "--csv-rows",
                "50000",
                "--runs",
                "1",
                "--warmup",
                "0",
                "--server-jar",
                System.getProperty("arrowhttp.server.jar"),
                "--work",
                work.toString(),
                "--output",
                table.toString());
        Path log = work.resolve("harness.log");
        Process harness = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        assertTrue(harness.waitFor(5, TimeUnit.MINUTES), "the files benchmark ran for more than 5 minutes");
        String output = Files.readString(log);
        assertEquals(0, harness.exitValue(), output);
        String results = Files.readString(table);
        assertTrue(results.contains("| arrowhttp | Arrow file | bytes |"), results);
        assertTrue(results.contains("Parquet, rows/s: arrowhttp to the decoding client / DuckDB in-process"), results);
        assertTrue(results.contains("CSV, rows/s: arrowhttp to the decoding client / DuckDB in-process"), results);
        if (Files.isExecutable(Path.of("/usr/sbin/nginx"))) {
            assertTrue(results.contains("Arrow file, bytes: arrowhttp / nginx sendfile"), results);
        }
        assertTrue(harness.descendants().noneMatch(ProcessHandle::isAlive), "a server outlived the harness");
    }

    @Test
    void jdbcBenchmarkComparesAPostgresDatasetWithTheDriversOwnLoop() throws Exception {
        Path work = Path.of("target", "jdbc-smoke");
        Path table = work.resolve("jdbc.md");
        Files.createDirectories(work);
        Files.deleteIfExists(table);
        List<String> command = List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                System.getProperty("arrowhttp.benchmark.jar"),
                "jdbc",
                "--rows",
                "50000",
                "--runs",
                "1",
                "--warmup",
                "0",
                "--server-jar",
                System.getProperty("arrowhttp.server.jar"),
                "--work",
                work.toString(),
                "--output",
                table.toString());
        Path log = work.resolve("harness.log");
        Process harness = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        assertTrue(harness.waitFor(5, TimeUnit.MINUTES), "the JDBC benchmark ran for more than 5 minutes");
        String output = Files.readString(log);
        assertEquals(0, harness.exitValue(), output);
        String results = Files.readString(table);
        assertTrue(results.contains("| arrowhttp | Java client, decoding |"), results);
        assertTrue(results.contains("| psql | \\copy to /dev/null |"), results);
        assertTrue(results.contains("the driver's ResultSet loop:"), results);
        assertTrue(harness.descendants().noneMatch(ProcessHandle::isAlive), "a server outlived the harness");
    }

    @Test
    void soakRunsMixedHostileTrafficAndTheServerEndsIdle() throws Exception {
        Path work = Path.of("target", "soak-smoke");
        Path table = work.resolve("soak.md");
        Files.createDirectories(work);
        Files.deleteIfExists(table);
        List<String> command = List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                System.getProperty("arrowhttp.benchmark.jar"),
                "soak",
                "--seconds",
                "8",
                "--server-jar",
                System.getProperty("arrowhttp.server.jar"),
                "--work",
                work.toString(),
                "--output",
                table.toString());
        Path log = work.resolve("soak.log");
        Process soak = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        assertTrue(soak.waitFor(3, TimeUnit.MINUTES), "the soak ran for more than 3 minutes");
        assertEquals(0, soak.exitValue(), Files.readString(log));
        String results = Files.readString(table);
        assertTrue(results.contains("- Arrow memory held after the traffic: 0 bytes"), results);
        assertTrue(results.contains("- /status errors: 0"), results);
        assertTrue(results.contains("| wrong password |"), results);
        assertTrue(soak.descendants().noneMatch(ProcessHandle::isAlive), "the server outlived the soak");
    }
}

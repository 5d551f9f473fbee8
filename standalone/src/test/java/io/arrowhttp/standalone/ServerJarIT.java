package io.arrowhttp.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.arrowhttp.app.example.TickersDataset;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The runnable jar as a user starts it: {@code java -Xmx256m -jar arrowhttp-server.jar --port 0},
 * with no other JVM flag (the jar's manifest opens java.nio for Arrow).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ServerJarIT {

    private Process server;
    private Path log;
    private URI base;

    @BeforeAll
    void startJar() throws Exception {
        Path jar = Path.of("target", "arrowhttp-server.jar");
        assertTrue(Files.isRegularFile(jar), "run after 'package': " + jar.toAbsolutePath());
        // Its output, the lines printed on shutdown included, is in this file.
        log = Path.of("target", "server-jar-it.log");
        server = ServerJarProcess.start(log);
        base = ServerJarProcess.awaitListening(server, log);
    }

    @AfterAll
    void stopJar() throws InterruptedException {
        if (server != null && server.isAlive()) {
            server.destroyForcibly();
            server.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void streamsTheFullDefaultResponseToAJavaClient() throws IOException {
        HttpURLConnection connection =
                (HttpURLConnection) base.resolve("?include_footnotes").toURL().openConnection();
        connection.setConnectTimeout(5_000);
        connection.setReadTimeout(60_000);
        assertEquals(200, connection.getResponseCode());
        String boundary = connection.getContentType().replaceAll(".*boundary=", "");
        long rows = 0;
        long batches = 0;
        try (InputStream in = connection.getInputStream();
                BufferAllocator allocator = new RootAllocator()) {
            skipToArrowPart(in);
            // Arrow's reader closes the stream it reads when it closes: read the parts after the
            // Arrow stream first.
            String rest;
            try (ArrowStreamReader reader = new ArrowStreamReader(in, allocator)) {
                while (reader.loadNextBatch()) {
                    rows += reader.getVectorSchemaRoot().getRowCount();
                    batches++;
                }
                rest = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            assertTrue(rest.startsWith("\r\n--" + boundary + "\r\nContent-Type: text/plain\r\n\r\n"), rest);
            assertTrue(rest.contains(batches + " Arrow record batch(es) with " + rows + " rows"), rest);
            assertTrue(rest.endsWith("\r\n--" + boundary + "--\r\n"), rest);
        }
        assertEquals(TickersDataset.DEFAULT_ROWS, rows);
        assertEquals(
                (TickersDataset.DEFAULT_ROWS + TickersDataset.BATCH_ROWS - 1) / TickersDataset.BATCH_ROWS, batches);
        assertTrue(server.isAlive(), "the server survived a full response with a 256 MiB heap");
    }

    @Test
    void fetchCommandReadsTheFullResponseWithASmallHeapAndNoTemporaryFiles() throws Exception {
        Path temporary = Files.createDirectories(Path.of("target", "fetch-tmp"));
        try (var old = Files.list(temporary)) {
            for (Path file : (Iterable<Path>) old::iterator) {
                Files.delete(file);
            }
        }
        Result fetch = run(
                "-Xmx256m",
                "-Djava.io.tmpdir=" + temporary.toAbsolutePath(),
                "-jar",
                jar().toString(),
                "fetch",
                "--no-progress",
                base.resolve("?include_footnotes").toString());

        assertEquals(0, fetch.exitCode(), fetch.output());
        assertTrue(fetch.output().contains("Parsed 42000000 records in 6836 batch(es)"), fetch.output());
        assertTrue(fetch.output().contains("-- Text Message:"), fetch.output());
        try (var left = Files.list(temporary)) {
            assertEquals(0, left.count(), "the client wrote temporary files");
        }
    }

    @Test
    void fetchCommandSavesTheBatchesAsAnArrowStream() throws Exception {
        Path saved = Path.of("target", "fetched.arrows");
        Files.deleteIfExists(saved);
        Result fetch = run(
                "-jar",
                jar().toString(),
                "fetch",
                "--no-progress",
                "--save",
                saved.toString(),
                base.resolve("datasets/tickers?rows=10000").toString());

        assertEquals(0, fetch.exitCode(), fetch.output());
        long rows = 0;
        try (InputStream in = Files.newInputStream(saved);
                BufferAllocator allocator = new RootAllocator();
                ArrowStreamReader reader = new ArrowStreamReader(in, allocator)) {
            while (reader.loadNextBatch()) {
                rows += reader.getVectorSchemaRoot().getRowCount();
            }
        }
        assertEquals(10_000, rows);
    }

    @Test
    void fetchCommandAsksForEachCompressionAndSaysWhatItGot() throws Exception {
        for (String compression : new String[] {"zstd", "lz4", "http-zstd", "br", "gzip"}) {
            Result fetch = run(
                    "-jar",
                    jar().toString(),
                    "fetch",
                    "--no-progress",
                    "--compression",
                    compression,
                    base.resolve("datasets/tickers?rows=100000").toString());
            assertEquals(0, fetch.exitCode(), fetch.output());
            assertTrue(fetch.output().contains("Parsed 100000 records"), fetch.output());
            assertTrue(fetch.output().contains("Compression: " + compression + "\n"), fetch.output());
        }
        Result unknown = run("-jar", jar().toString(), "fetch", "--compression", "snappy", base.toString());
        assertEquals(2, unknown.exitCode());
        assertTrue(unknown.output().contains("use zstd or lz4 (Arrow IPC buffers)"), unknown.output());
    }

    @Test
    void fetchCommandReportsARefusalWithItsCode() throws Exception {
        Result fetch = run(
                "-jar",
                jar().toString(),
                "fetch",
                base.resolve("datasets/tickers?rows=0").toString());

        assertEquals(1, fetch.exitCode());
        assertTrue(fetch.output().contains("fetch failed: INVALID_ARGUMENT"), fetch.output());
    }

    @Test
    void fetchCommandSaysInOneLineWhatIsWrongWithTheUrlOrTheServer() throws Exception {
        Result catalog =
                run("-jar", jar().toString(), "fetch", base.resolve("datasets").toString());
        assertEquals(2, catalog.exitCode(), catalog.output());
        assertEquals(
                "fetch failed: " + base.resolve("datasets") + " is the catalog, a list of datasets; fetch one of"
                        + " them, such as " + base.resolve("datasets") + "/NAME",
                catalog.output().strip());

        int closed;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = socket.getLocalPort();
        }
        Result down = run("-jar", jar().toString(), "fetch", "http://127.0.0.1:" + closed + "/datasets/tickers");
        assertEquals(1, down.exitCode(), down.output());
        assertEquals(
                "fetch failed: nothing answers at 127.0.0.1:" + closed + "; is the server running there?",
                down.output().strip());
    }

    private record Result(int exitCode, String output) {}

    private static Path jar() {
        return Path.of("target", "arrowhttp-server.jar");
    }

    private static Result run(String... arguments) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of(arguments));
        Path output = Files.createTempFile(Path.of("target"), "run", ".log");
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .start();
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), "still running after 2 minutes: " + command);
        return new Result(process.exitValue(), Files.readString(output));
    }

    @Test
    @Order(Integer.MAX_VALUE)
    void stopsCleanlyOnSigterm() throws Exception {
        streamsTheFullDefaultResponseToAJavaClient();
        server.destroy();
        assertTrue(server.waitFor(30, TimeUnit.SECONDS), "still running 30 s after SIGTERM");
        List<String> output = Files.readAllLines(log);
        assertTrue(output.contains("arrowhttp stopped"), String.join("\n", output));
        assertTrue(output.stream().noneMatch(line -> line.contains("still in use")), String.join("\n", output));
    }

    private static void skipToArrowPart(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        boolean arrowHeaders = false;
        int b;
        while ((b = in.read()) != -1) {
            if (b != '\n') {
                line.write(b);
                continue;
            }
            String text = line.toString(StandardCharsets.ISO_8859_1).replace("\r", "");
            line.reset();
            if (text.equals("Content-Type: application/vnd.apache.arrow.stream")) {
                arrowHeaders = true;
            } else if (arrowHeaders && text.isEmpty()) {
                return;
            }
        }
        throw new IOException("no Arrow part");
    }
}

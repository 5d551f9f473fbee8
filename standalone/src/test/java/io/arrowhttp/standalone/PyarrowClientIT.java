package io.arrowhttp.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Arrow C++, through pyarrow, as a client that shares no code with the server: it writes an Arrow
 * file with zstd-compressed buffers, which the server serves from a data folder, then fetches that
 * dataset and the example dataset asking for each IPC codec and for none. Python with pyarrow is
 * taken from {@code ARROWHTTP_PYTHON}, else from the virtual environment {@code .ci/run} makes in
 * {@code ~/.m2/arrowhttp-pyarrow}; without one the test is skipped, saying so.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PyarrowClientIT {

    private static final String ARROW = "application/vnd.apache.arrow.stream";

    private Path python;
    private Path script;
    private Path stored;
    private Process server;
    private URI base;

    @BeforeAll
    void writeAFileWithPyarrowAndServeIt() throws Exception {
        python = pythonWithPyarrow();
        assumeTrue(python != null, "No Python with pyarrow: set ARROWHTTP_PYTHON, or run .ci/run to make one");
        Path work = Files.createDirectories(Path.of("target", "pyarrow-it"));
        script = work.resolve("check_compressed_streams.py");
        try (InputStream in = getClass().getResourceAsStream("/pyarrow/check_compressed_streams.py")) {
            Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
        }
        Path data = Files.createDirectories(work.resolve("data"));
        stored = data.resolve("stored.arrow");
        runPython("write", stored.toString());
        Path log = work.resolve("server.log");
        server = ServerJarProcess.start(log, "--data", data.toString());
        base = ServerJarProcess.awaitListening(server, log);
    }

    @AfterAll
    void stop() throws InterruptedException {
        ServerJarProcess.stop(server);
    }

    @Test
    void pyarrowDecodesEveryIpcCodecTheServerSendsAndGetsTheStoredTableBack() throws Exception {
        List<String> lines = runPython("read", base.toString(), stored.toString());
        assertEquals(6, lines.size(), String.join("\n", lines));
        for (String codec : new String[] {"zstd", "lz4"}) {
            String label = "\"contentType\": \"" + ARROW + ";codecs=" + codec + "\"";
            assertTrue(
                    lines.contains("{\"dataset\": \"stored\", \"asked\": \"" + codec + "\", " + label
                            + ", \"rows\": 50000, \"equal\": true}"),
                    codec + ", stored file: " + lines);
            assertTrue(
                    lines.contains("{\"dataset\": \"tickers\", \"asked\": \"" + codec + "\", " + label
                            + ", \"rows\": 100000, \"columns\": [\"ticker\", \"price\", \"volume\"]}"),
                    codec + ", example dataset: " + lines);
        }
        assertTrue(
                lines.contains("{\"dataset\": \"stored\", \"asked\": null, \"contentType\": \"" + ARROW
                        + "\", \"rows\": 50000, \"equal\": true}"),
                "uncompressed, stored file: " + lines);
        assertTrue(
                lines.contains("{\"dataset\": \"tickers\", \"asked\": null, \"contentType\": \"" + ARROW
                        + "\", \"rows\": 100000, \"columns\": [\"ticker\", \"price\", \"volume\"]}"),
                "uncompressed, example dataset: " + lines);
    }

    private List<String> runPython(String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(python.toString(), script.toString()));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] output;
        try (InputStream in = process.getInputStream()) {
            output = in.readAllBytes();
        }
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), "pyarrow did not finish in 120 s");
        String text = new String(output, StandardCharsets.UTF_8);
        assertEquals(0, process.exitValue(), "pyarrow failed:\n" + text);
        return text.lines().filter(line -> !line.isBlank()).toList();
    }

    private static Path pythonWithPyarrow() throws InterruptedException {
        String configured = System.getenv("ARROWHTTP_PYTHON");
        Path candidate = configured != null && !configured.isBlank()
                ? Path.of(configured)
                : Path.of(System.getProperty("user.home"), ".m2", "arrowhttp-pyarrow", "bin", "python");
        if (!Files.isExecutable(candidate)) {
            return null;
        }
        try {
            Process probe = new ProcessBuilder(candidate.toString(), "-c", "import pyarrow")
                    .redirectErrorStream(true)
                    .start();
            probe.getInputStream().readAllBytes();
            return probe.waitFor(60, TimeUnit.SECONDS) && probe.exitValue() == 0 ? candidate : null;
        } catch (IOException notRunnable) {
            return null;
        }
    }
}

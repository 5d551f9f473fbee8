package io.arrowhttp.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.arrowhttp.testing.PythonWithPyarrow;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Arrow C++, through pyarrow, as a client that shares no code with the server: it writes an Arrow
 * file with zstd-compressed buffers, which the server serves from a data folder, then fetches that
 * dataset and the example dataset asking for each IPC codec and for none. Without a Python with
 * pyarrow ({@link PythonWithPyarrow}) the test is skipped, saying so.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PyarrowClientIT {

    private static final String ARROW = "application/vnd.apache.arrow.stream";

    private PythonWithPyarrow python;
    private Path stored;
    private Process server;
    private URI base;

    @BeforeAll
    void writeAFileWithPyarrowAndServeIt() throws Exception {
        python = PythonWithPyarrow.find("check_compressed_streams.py");
        assumeTrue(python != null, "No Python with pyarrow: set ARROWHTTP_PYTHON, or run .ci/run to make one");
        Path work = Path.of("target", "pyarrow-it");
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
        return python.run(arguments);
    }
}

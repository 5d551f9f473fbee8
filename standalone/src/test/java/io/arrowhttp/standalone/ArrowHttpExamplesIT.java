package io.arrowhttp.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The clients of the Arrow project's HTTP examples (apache/arrow-experiments {@code http/}), written
 * afresh in Python to behave as they do, against the server jar with only the base URL changed:
 * {@code get_simple}'s urllib client (no headers), {@code get_compressed}'s six strategies,
 * {@code get_indirect}'s listing then GETs (requests' own headers), polars on a URL, and pyarrow's
 * full validation of {@code ?limit}, {@code ?columns} and both over a file of every type the server
 * can serve. Without a Python with pyarrow the test is skipped; without polars or requests in it,
 * their checks are, unless {@code CI=true}, where {@code .ci/run} installs them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ArrowHttpExamplesIT {

    private static final String ARROW = "application/vnd.apache.arrow.stream";
    private static final ObjectMapper JSON = new ObjectMapper();

    private PythonWithPyarrow python;
    private Process server;
    private URI base;

    @BeforeAll
    void writeEveryTypeWithPyarrowAndServeIt() throws Exception {
        python = PythonWithPyarrow.find("arrow_http_examples.py");
        assumeTrue(python != null, "No Python with pyarrow: set ARROWHTTP_PYTHON, or run .ci/run to make one");
        Path work = Path.of("target", "arrow-http-examples");
        Path data = Files.createDirectories(work.resolve("data"));
        python.run("write", data.toString());
        Path log = work.resolve("server.log");
        server = ServerJarProcess.start(log, "--data", data.toString());
        base = ServerJarProcess.awaitListening(server, log);
    }

    @AfterAll
    void stop() throws InterruptedException {
        ServerJarProcess.stop(server);
    }

    @Test
    void everyLimitedAndProjectedStreamOfEveryTypePassesPyarrowsFullValidation() throws Exception {
        List<JsonNode> checks = run("validate");
        assertTrue(checks.size() > 40, checks.toString());
        for (JsonNode check : checks) {
            assertEquals(0, check.get("problems").size(), check.toString());
            String query = check.get("query").asText();
            long expected =
                    query.contains("limit=") ? Long.parseLong(query.substring(query.indexOf("limit=") + 6)) : 900;
            assertEquals(expected, check.get("rows").asLong(), check.toString());
        }
    }

    @Test
    void getSimplesClientWithNoHeadersReadsTheBareStreamUncompressed() throws Exception {
        JsonNode check = run("simple").get(0);
        assertEquals(ARROW, check.get("contentType").asText());
        assertTrue(check.get("contentEncoding").isNull(), check.toString());
        assertEquals(900, check.get("rows").asLong());
    }

    @Test
    void getCompressedsStrategiesEachGetTheCodingOrCodecTheyInsistOn() throws Exception {
        List<String> lines = new ArrayList<>();
        for (JsonNode check : run("compressed")) {
            assertEquals(900, check.get("rows").asLong(), check.toString());
            lines.add(check.get("asked").asText() + " -> "
                    + check.get("contentType").asText() + " "
                    + check.get("contentEncoding").asText());
        }
        assertEquals(
                List.of(
                        "identity -> " + ARROW + " null",
                        "zstd -> " + ARROW + " zstd",
                        "br -> " + ARROW + " br",
                        "gzip -> " + ARROW + " gzip",
                        "\"zstd, lz4\" -> " + ARROW + ";codecs=zstd null",
                        "lz4 -> " + ARROW + ";codecs=lz4 null"),
                lines);
    }

    @Test
    void getIndirectsClientFollowsTheCatalogsStreamUrlsWithRequestsDefaultHeaders() throws Exception {
        List<JsonNode> checks = run("indirect");
        if (skipped(checks, "requests")) {
            return;
        }
        List<String> fetched = new ArrayList<>();
        for (JsonNode check : checks) {
            assertTrue(check.get("contentEncoding").isNull(), "requests offers gzip, which costs it time: " + check);
            assertEquals(900, check.get("rows").asLong(), check.toString());
            fetched.add(check.get("uri").asText());
        }
        assertEquals(
                List.of("datasets/ids.arrows", "datasets/types.arrows"),
                fetched.stream().sorted().toList());
    }

    @Test
    void polarsReadsTheArrowsUrl() throws Exception {
        List<JsonNode> checks = run("polars");
        if (skipped(checks, "polars")) {
            return;
        }
        assertEquals(900, checks.get(0).get("rows").asLong());
        assertEquals(5, checks.get(0).get("columns").size());
    }

    /** Whether the script said the module is missing: a skip, except under CI, where it fails. */
    private static boolean skipped(List<JsonNode> checks, String module) {
        boolean missing = checks.size() == 1 && checks.get(0).has("missing");
        if (missing && "true".equals(System.getenv("CI"))) {
            throw new AssertionError(module + " is missing from the Python environment: .ci/run installs it");
        }
        assumeTrue(!missing, module + " is not installed next to pyarrow; skipping its client");
        return missing;
    }

    private List<JsonNode> run(String command) throws IOException, InterruptedException {
        List<JsonNode> checks = new ArrayList<>();
        for (String line : python.run(command, base.toString())) {
            checks.add(JSON.readTree(line));
        }
        return checks;
    }
}

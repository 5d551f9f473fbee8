package io.arrowhttp.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.arrowhttp.testing.PythonWithPyarrow;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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

    /**
     * get_compressed's curl client, over HTTP/1.0 and 1.1: no header, each coding insisted on, and
     * IPC codecs in {@code Accept}; each saved body decodes, by its {@code Content-Encoding}, to the
     * whole dataset. HTTP/1.0 bodies are not chunked; over HTTP/1.1 the stored stream asked for without
     * compression comes with its length, the rest chunked.
     */
    @Test
    void getCompressedsCurlClientOverHttp10And11() throws Exception {
        Path curl = Path.of("/usr/bin/curl");
        if (!Files.isExecutable(curl)) {
            if ("true".equals(System.getenv("CI"))) {
                throw new IllegalStateException("curl is missing: .ci/run installs Debian's curl package");
            }
            assumeTrue(false, "curl is not installed; skipping get_compressed's curl client");
        }
        Path folder = Files.createDirectories(Path.of("target", "arrow-http-examples", "curl"));
        String url = base + "datasets/types.arrows";
        List<String> seen = new ArrayList<>();
        for (String version : new String[] {"--http1.0", "--http1.1"}) {
            for (String header : new String[] {
                "",
                "Accept-Encoding: identity",
                "Accept-Encoding: gzip, *;q=0",
                "Accept-Encoding: zstd, *;q=0",
                "Accept-Encoding: br, *;q=0",
                "Accept: " + ARROW + "; codecs=\"zstd, lz4\"",
                "Accept: " + ARROW + "; codecs=lz4"
            }) {
                Path body = folder.resolve("body");
                Path headers = folder.resolve("headers");
                List<String> command = new ArrayList<>(List.of(
                        curl.toString(),
                        "--silent",
                        "--show-error",
                        version,
                        "-D",
                        headers.toString(),
                        "-o",
                        body.toString()));
                if (!header.isEmpty()) {
                    command.addAll(List.of("-H", header));
                }
                command.add(url);
                Process process =
                        new ProcessBuilder(command).redirectErrorStream(true).start();
                String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertEquals(0, process.waitFor(), output);
                String coding = "";
                String type = "";
                boolean chunked = false;
                for (String line : Files.readAllLines(headers)) {
                    String lower = line.toLowerCase(Locale.ROOT);
                    if (lower.startsWith("content-encoding:")) {
                        coding = line.substring(line.indexOf(':') + 1).trim();
                    } else if (lower.startsWith("content-type:")) {
                        type = line.substring(line.indexOf(':') + 1).trim();
                    } else if (lower.startsWith("transfer-encoding:")) {
                        chunked = lower.contains("chunked");
                    }
                }
                assertEquals(
                        900,
                        run("decode", body.toString(), coding)
                                .get(0)
                                .get("rows")
                                .asLong(),
                        header);
                if (version.equals("--http1.0")) {
                    assertFalse(chunked, "HTTP/1.0 has no chunked bodies: " + header);
                }
                seen.add(version + " [" + header + "] " + type + " " + coding);
            }
        }
        assertTrue(seen.contains("--http1.0 [Accept-Encoding: gzip, *;q=0] " + ARROW + " gzip"), seen.toString());
        assertTrue(seen.contains("--http1.1 [Accept-Encoding: br, *;q=0] " + ARROW + " br"), seen.toString());
        assertTrue(seen.contains("--http1.1 [] " + ARROW + " "), "no header, no coding: " + seen);
        assertTrue(
                seen.contains("--http1.0 [Accept: " + ARROW + "; codecs=lz4] " + ARROW + ";codecs=lz4 "),
                seen.toString());
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
        return run(command, base.toString());
    }

    private List<JsonNode> run(String... arguments) throws IOException, InterruptedException {
        List<JsonNode> checks = new ArrayList<>();
        for (String line : python.run(arguments)) {
            checks.add(JSON.readTree(line));
        }
        return checks;
    }
}

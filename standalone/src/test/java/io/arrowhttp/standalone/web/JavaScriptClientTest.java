package io.arrowhttp.standalone.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.arrowhttp.standalone.StandaloneServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JavaScript client's own tests ({@code api/web/client/test}, Node's test runner) against real
 * servers: one plain, one whose responses fail after they start, one with authentication.
 */
class JavaScriptClientTest {

    /** The client's folder, from this module's folder, where Maven runs the tests. */
    static final Path CLIENT = Path.of("..", "api", "web", "client");

    @TempDir
    Path folder;

    @Test
    void nodeTestsOfTheJavaScriptClientPassAgainstRealServers() throws Exception {
        String password = UUID.randomUUID().toString();
        try (StandaloneServer plain = WebServers.plain(WebServers.dataFolder(folder), List.of());
                StandaloneServer broken = WebServers.broken();
                StandaloneServer secured = WebServers.secured(folder, password)) {
            Path log = folder.resolve("node-test.log");
            // Node finds test/*.test.js itself; test-support/ holds no tests.
            ProcessBuilder node = new ProcessBuilder("node", "--test", "--test-reporter=spec", "--test-timeout=60000")
                    .directory(CLIENT.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            Map<String, String> environment = node.environment();
            environment.put("ARROWHTTP_URL", plain.baseUri().toString());
            environment.put("ARROWHTTP_BROKEN_URL", broken.baseUri().toString());
            environment.put("ARROWHTTP_SECURED_URL", secured.baseUri().toString());
            environment.put("ARROWHTTP_USER", WebServers.USER);
            environment.put("ARROWHTTP_PASSWORD", password);
            environment.put("ARROWHTTP_NUMBER_ROWS", Long.toString(WebServers.NUMBER_ROWS));
            Process process = node.start();
            boolean ended = process.waitFor(5, TimeUnit.MINUTES);
            if (!ended) {
                process.destroyForcibly().waitFor();
            }
            String output = Files.readString(log, StandardCharsets.UTF_8);
            System.out.println(output);
            assertTrue(ended, "node --test did not end within 5 minutes:\n" + output);
            assertEquals(0, process.exitValue(), "node --test failed:\n" + output);
            assertTrue(output.contains("ℹ fail 0") && !output.contains("ℹ pass 0"), output);
        }
    }
}

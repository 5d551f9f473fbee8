package io.arrowhttp.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The jar's log, configured from the command line: the request id on every line of a request, one
 * JSON object per line with {@code --log-format json}, and a logback.xml of the operator's own.
 */
class ServerJarLoggingIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path folder;

    @Test
    void jsonLinesCarryTheRequestIdOfEveryLineOfAFailingRequest() throws Exception {
        Path log = folder.resolve("json.log");
        // Responses may hold less Arrow memory than one batch: the stream fails after its status line.
        Process server = ServerJarProcess.start(
                log, 0, Map.of("ARROWHTTP_RESPONSE_MEMORY_LIMIT", "100000"), "--log-format", "json");
        try {
            URI base = ServerJarProcess.awaitListening(server, log);
            read(base.resolve("datasets/tickers?rows=100000"), "trace-me-1");
            List<JsonNode> lines = awaitLinesAfterStart(log, 2);
            for (JsonNode line : lines) {
                assertEquals("trace-me-1", line.path("mdc").path("requestId").asText(), line.toString());
            }
            assertTrue(
                    lines.stream()
                            .anyMatch(line -> line.path("loggerName").asText().equals("io.arrowhttp.access")),
                    "the access line: " + lines);
            assertTrue(
                    lines.stream().anyMatch(line -> line.path("level").asText().matches("WARN|ERROR")),
                    "the failure's line: " + lines);
        } finally {
            ServerJarProcess.stop(server);
        }
        for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
            if (!line.startsWith("arrowhttp ")) {
                JSON.readTree(line); // every log line is one JSON object
            }
        }
    }

    @Test
    void aLogbackFileOnTheCommandLineDecidesTheFormat() throws Exception {
        Path config = Files.writeString(folder.resolve("logback.xml"), """
                <configuration>
                  <appender name="OUT" class="ch.qos.logback.core.ConsoleAppender">
                    <encoder><pattern>CUSTOM|%X{requestId}|%logger|%msg%n</pattern></encoder>
                  </appender>
                  <root level="INFO"><appender-ref ref="OUT"/></root>
                </configuration>
                """);
        Path log = folder.resolve("custom.log");
        Process server = ServerJarProcess.start(log, "--log-config", config.toString());
        try {
            URI base = ServerJarProcess.awaitListening(server, log);
            read(base.resolve("datasets/tickers?rows=10"), "trace-me-2");
            String expected = "CUSTOM|trace-me-2|io.arrowhttp.access|GET /datasets/tickers";
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!Files.readString(log).contains(expected) && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertTrue(Files.readString(log).contains(expected), Files.readString(log));
        } finally {
            ServerJarProcess.stop(server);
        }
    }

    @Test
    void aLogFormatThatDoesNotExistStopsTheJarWithOneLine() throws Exception {
        Path log = folder.resolve("refused.log");
        Process server = ServerJarProcess.start(log, "--log-format", "yaml");
        assertTrue(server.waitFor(30, TimeUnit.SECONDS));
        assertEquals(2, server.exitValue());
        String output = Files.readString(log).strip();
        assertEquals("arrowhttp cannot start: --log-format takes text or json, not 'yaml'", output);
        assertFalse(output.contains("Exception"));
    }

    private static void read(URI uri, String requestId) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) uri.toURL().openConnection();
        connection.setReadTimeout(30_000);
        connection.setRequestProperty("X-Request-Id", requestId);
        connection.getResponseCode();
        try (InputStream in = connection.getInputStream()) {
            in.readAllBytes();
        } catch (IOException broken) {
            // the failing stream ends without its last chunk
        }
    }

    /**
     * The JSON lines after the jar said it listens, once there are at least {@code count}: the
     * test's request is the only thing happening then, so all of them are its lines.
     */
    private static List<JsonNode> awaitLinesAfterStart(Path log, int count) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        List<JsonNode> found = new ArrayList<>();
        while (System.nanoTime() < deadline) {
            found.clear();
            boolean started = false;
            for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
                if (line.startsWith("arrowhttp listening on ")) {
                    started = true;
                } else if (started && line.startsWith("{")) {
                    found.add(JSON.readTree(line));
                }
            }
            if (found.size() >= count) {
                return found;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("fewer than " + count + " lines after the start:\n" + Files.readString(log));
    }
}

package io.arrowhttp.war;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.arrowhttp.war.containers.TomcatContainer;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Tomcat stopped (SIGTERM, as an orchestrator stops it) while a client reads a large stream
 * slowly: the application ends the stream after its grace so that the client sees a failure,
 * closes its Arrow memory, and leaves Tomcat nothing to warn about.
 */
class TomcatStopDuringTransferIT {

    /** What Tomcat and Arrow say when an application leaves threads, memory or loaders behind. */
    private static final List<String> WARNINGS = List.of(
            "SEVERE",
            "Illegal access",
            "appears to have started a thread",
            "memory leak",
            "Memory was leaked",
            "still in use");

    @Test
    void aStopDuringATransferCutsTheStreamAfterTheGraceAndLeavesCleanLogs() throws Exception {
        TomcatContainer tomcat = new TomcatContainer(
                Path.of("target", "it", "tomcat-stop"), Map.of("arrowhttp.stop-grace-seconds", "2"), true, null);
        try {
            tomcat.start();
            HttpURLConnection connection = (HttpURLConnection) tomcat.baseUri()
                    .resolve("/datasets/tickers?rows=42000000&include_status")
                    .toURL()
                    .openConnection();
            connection.setReadTimeout(60_000);
            try (InputStream in = connection.getInputStream()) {
                byte[] buffer = new byte[64 * 1024];
                long read = 0;
                while (read < 4_000_000) {
                    read += Math.max(0, in.read(buffer));
                }
                long stopAsked = System.nanoTime();
                Thread stopping = new Thread(tomcat::close, "stop-tomcat");
                stopping.start();
                // A slow reader: the stream cannot finish within the grace.
                assertThrows(IOException.class, () -> {
                    while (in.read(buffer) >= 0) {
                        Thread.sleep(5);
                    }
                });
                stopping.join(TimeUnit.SECONDS.toMillis(90));
                assertFalse(stopping.isAlive(), "Tomcat stopped");
                assertTrue(
                        System.nanoTime() - stopAsked > TimeUnit.SECONDS.toNanos(2), "the stream had its grace first");
            }
            String log = tomcat.logText();
            assertTrue(log.contains("Stopped after ending 1 stream(s) still running after 2 s"), log);
            assertTrue(log.contains("arrowhttp stopped; its Arrow root allocator is closed"), log);
            for (String warning : WARNINGS) {
                assertFalse(log.contains(warning), "'" + warning + "' in Tomcat's log:\n" + log);
            }
        } finally {
            tomcat.close();
        }
    }
}

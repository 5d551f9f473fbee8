package io.arrowhttp.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.arrowhttp.app.ServerSettings;
import io.arrowhttp.testing.StalledClient;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A reader that stops reading is dropped within 10 % of the configured write timeout over real
 * loopback sockets (counted from the response's head, so including the time the server takes to
 * fill the socket buffers before its write blocks: some 3 MB here, under a second), and a deadline the client asked for ({@code X-Request-Timeout}) drops a
 * blocked reader at the deadline, not at the write timeout.
 */
class StalledReaderTimeoutStandaloneTest {

    private static final long WRITE_TIMEOUT_SECONDS = 10;
    private static final ObjectMapper JSON = new ObjectMapper();

    private static StandaloneServer server;

    @BeforeAll
    static void start() throws IOException {
        server = StandaloneServer.start(
                "127.0.0.1",
                0,
                ServerSettings.defaults()
                        .withStreaming(new ServerSettings.Streaming(8, 0, 0, WRITE_TIMEOUT_SECONDS, 5)));
    }

    @AfterAll
    static void stop() {
        server.close();
        assertEquals(0, server.application().allocatedMemory());
    }

    @Test
    void stalledReadersAreDroppedWithinTenPercentOfTheWriteTimeout() throws Exception {
        List<Long> millis = dropTimes("", 2);
        long timeout = WRITE_TIMEOUT_SECONDS * 1000;
        for (long dropped : millis) {
            assertTrue(dropped >= timeout * 0.9 && dropped <= timeout * 1.1, millis + " ms for " + timeout + " ms");
        }
    }

    @Test
    void aDeadlineEndsAStreamWhoseReaderIsBlocked() throws Exception {
        // The deadline, 1 s, is far below the write timeout; the blocked write ends within the
        // second the server gives a reader to take what is being written.
        List<Long> millis = dropTimes("X-Request-Timeout: 1\r\n", 2);
        for (long dropped : millis) {
            assertTrue(dropped >= 900 && dropped <= 2_500, millis + " ms for a deadline of 1000 ms");
        }
    }

    /**
     * Stalled readers of the example dataset; for each, ms from its response's head until the
     * server ended its stream, as {@code /status} counts them (the k-th stream to end is paired
     * with the k-th to start: they are alike and started together).
     */
    private static List<Long> dropTimes(String headerLines, int readers) throws Exception {
        List<StalledClient> clients = new ArrayList<>();
        List<Long> heads = new ArrayList<>();
        try {
            for (int i = 0; i < readers; i++) {
                StalledClient client = StalledClient.request(server.port(), "/", headerLines);
                heads.add(System.nanoTime());
                assertTrue(client.isOk(), client.head());
                clients.add(client);
            }
            List<Long> ends = new ArrayList<>();
            long giveUp = System.nanoTime() + WRITE_TIMEOUT_SECONDS * 3_000_000_000L;
            while (ends.size() < readers && System.nanoTime() < giveUp) {
                long active = activeStreams();
                long now = System.nanoTime();
                while (ends.size() < readers - active) {
                    ends.add(now);
                }
                Thread.sleep(20);
            }
            assertEquals(readers, ends.size(), "every stalled stream ended");
            List<Long> millis = new ArrayList<>();
            for (int i = 0; i < readers; i++) {
                millis.add((ends.get(i) - heads.get(i)) / 1_000_000);
            }
            return millis;
        } finally {
            for (StalledClient client : clients) {
                client.close();
            }
        }
    }

    private static long activeStreams() throws IOException {
        HttpURLConnection connection =
                (HttpURLConnection) server.baseUri().resolve("/status").toURL().openConnection();
        connection.setConnectTimeout(1_000);
        connection.setReadTimeout(1_000);
        try (InputStream body = connection.getInputStream()) {
            return JSON.readTree(body).get("activeStreams").asLong();
        }
    }
}

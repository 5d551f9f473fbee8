package io.arrowhttp.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.arrowhttp.app.ServerSettings;
import io.arrowhttp.testing.StalledClient;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Clients that ask for the whole example dataset and never read it cannot starve the server: its
 * threads outnumber the streams it may send, so the catalog and {@code /status} stay answered.
 */
class StalledClientsStandaloneTest {

    private static final int MAX_STREAMS = 4;

    private static StandaloneServer server;

    @BeforeAll
    static void start() throws IOException {
        server = StandaloneServer.start(
                "127.0.0.1",
                0,
                ServerSettings.defaults().withStreaming(new ServerSettings.Streaming(MAX_STREAMS, 0, 0, 60, 30)));
    }

    @AfterAll
    static void stop() {
        server.close();
        assertEquals(0, server.application().allocatedMemory());
    }

    @Test
    void stalledClientsBeyondEveryThreadLeaveSmallRequestsAnsweredWithinASecond() throws Exception {
        List<StalledClient> clients = new ArrayList<>();
        try {
            int served = 0;
            int refused = 0;
            // Three times the streams allowed, and more than Grizzly's default pool on any machine here.
            for (int i = 0; i < 3 * MAX_STREAMS; i++) {
                StalledClient client = StalledClient.request(server.port(), "/");
                clients.add(client);
                if (client.isOk()) {
                    served++;
                } else if (client.head().startsWith("HTTP/1.1 503")) {
                    refused++;
                }
            }
            assertEquals(MAX_STREAMS, served);
            assertEquals(2 * MAX_STREAMS, refused);
            for (String path : List.of("/status", "/datasets", "/datasets/tickers/info")) {
                assertTimeoutPreemptively(Duration.ofSeconds(1), () -> assertEquals(200, status(path)), path);
            }
        } finally {
            for (StalledClient client : clients) {
                client.close();
            }
        }
    }

    private static int status(String path) throws IOException {
        URI uri = server.baseUri().resolve(path);
        HttpURLConnection connection = (HttpURLConnection) uri.toURL().openConnection();
        connection.setConnectTimeout(1_000);
        connection.setReadTimeout(1_000);
        try (InputStream body = connection.getInputStream()) {
            body.readAllBytes();
            return connection.getResponseCode();
        }
    }
}

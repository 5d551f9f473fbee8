package io.arrowhttp.war;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.arrowhttp.testing.ServerStatus;
import io.arrowhttp.testing.StalledClient;
import io.arrowhttp.testing.TickersContract;
import io.arrowhttp.war.containers.LogTailOnFailure;
import io.arrowhttp.war.containers.ServletContainer;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The client contract against the war deployed in a real container, started once for the class
 * and stopped at the end whatever happened; the container's log tail is printed when a test
 * fails. Each container also gets the application's row bound through its own kind of setting.
 */
@ExtendWith(LogTailOnFailure.class)
abstract class DeployedWarContract extends TickersContract implements LogTailOnFailure.RunsInContainer {

    private ServletContainer container;

    /** A container, not started, that deploys the war with {@code arrowhttp.max-rows} set to {@link #maxRows()}. */
    protected abstract ServletContainer createContainer();

    /** The row bound the container's setting gives the application. */
    protected abstract long maxRows();

    @BeforeAll
    void startContainer() {
        container = createContainer();
        container.start();
    }

    @AfterAll
    void stopContainer() {
        container.close();
    }

    @Override
    protected URI baseUri() {
        return container.baseUri();
    }

    @Override
    public ServletContainer container() {
        return container;
    }

    @Test
    void theContainersSettingBoundsTheRows() throws IOException {
        HttpURLConnection connection = (HttpURLConnection)
                baseUri().resolve("?rows=" + (maxRows() + 1)).toURL().openConnection();
        assertEquals(400, connection.getResponseCode());
        try (InputStream error = connection.getErrorStream()) {
            String body = new String(error.readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(body.contains("from 1 to " + maxRows()), body);
        }
    }

    /**
     * A client that asks for the largest response it may and reads nothing is ended by the container's own
     * write timeout (Tomcat: the connector's connectionTimeout) or the application's, whichever
     * comes first, and its Arrow memory is freed.
     */
    @Test
    void aClientThatStopsReadingIsEndedAndItsMemoryFreed() throws Exception {
        List<StalledClient> stalled = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                StalledClient client =
                        StalledClient.request(baseUri().getPort(), baseUri().getPath() + "?rows=" + maxRows());
                stalled.add(client);
                assertTrue(client.isOk(), client.head());
            }
            long started = System.nanoTime();
            JsonNode idle = awaitNoStream(Duration.ofSeconds(60));
            assertEquals(0, idle.get("activeStreams").asLong(), idle.toString());
            assertEquals(0, idle.get("allocatedBytes").asLong(), idle.toString());
            System.out.printf(
                    "%s ended 2 stalled responses in %.1f s%n",
                    getClass().getSimpleName(), (System.nanoTime() - started) / 1e9);
        } finally {
            for (StalledClient client : stalled) {
                client.close();
            }
        }
    }

    private JsonNode awaitNoStream(Duration limit) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        JsonNode status = ServerStatus.read(baseUri().resolve("status"));
        while (status.get("activeStreams").asLong() != 0 && System.nanoTime() < deadline) {
            Thread.sleep(250);
            status = ServerStatus.read(baseUri().resolve("status"));
        }
        return status;
    }
}

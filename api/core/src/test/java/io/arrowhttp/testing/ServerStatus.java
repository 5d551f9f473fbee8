package io.arrowhttp.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.concurrent.TimeUnit;

/** Reads a server's {@code GET /status}, the way an operator would check that nothing leaks. */
public final class ServerStatus {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ServerStatus() {}

    public static JsonNode read(URI status) throws IOException {
        try (InputStream in = status.toURL().openStream()) {
            return JSON.readTree(in);
        }
    }

    /**
     * The status once no stream runs and no Arrow memory is held, or after 20 s whatever it is:
     * responses end on the server a little after their clients have left.
     */
    public static JsonNode awaitIdle(URI status) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        JsonNode current = read(status);
        while ((current.get("allocatedBytes").asLong() != 0
                        || current.get("activeStreams").asLong() != 0)
                && System.nanoTime() < deadline) {
            Thread.sleep(50);
            current = read(status);
        }
        return current;
    }
}

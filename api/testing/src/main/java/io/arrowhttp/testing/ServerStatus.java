package io.arrowhttp.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Reads a server's {@code GET /status}, the way an operator would check that nothing leaks. */
public final class ServerStatus {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ServerStatus() {}

    public static JsonNode read(URI status) throws IOException {
        return read(status, Map.of());
    }

    /** The status, asked for with these request headers (a bearer token, say). */
    public static JsonNode read(URI status, Map<String, String> headers) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) status.toURL().openConnection();
        connection.setConnectTimeout(5_000);
        connection.setReadTimeout(10_000);
        headers.forEach(connection::setRequestProperty);
        try (InputStream in = connection.getInputStream()) {
            return JSON.readTree(in);
        }
    }

    /**
     * The status once no stream runs and no Arrow memory is held, or after 20 s whatever it is:
     * responses end on the server a little after their clients have left.
     */
    public static JsonNode awaitIdle(URI status) throws IOException, InterruptedException {
        return awaitIdle(status, Map.of());
    }

    /** As {@link #awaitIdle(URI)}, asking with these request headers. */
    public static JsonNode awaitIdle(URI status, Map<String, String> headers) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        JsonNode current = read(status, headers);
        while ((current.get("allocatedBytes").asLong() != 0
                        || current.get("activeStreams").asLong() != 0)
                && System.nanoTime() < deadline) {
            Thread.sleep(50);
            current = read(status, headers);
        }
        return current;
    }
}

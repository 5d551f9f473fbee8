package io.arrowhttp.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.arrowhttp.app.ServerSettings;
import io.arrowhttp.client.ArrowHttpClient;
import io.arrowhttp.client.DatasetStream;
import io.arrowhttp.client.GetOptions;
import io.arrowhttp.protocol.ArrowHttpException;
import io.arrowhttp.protocol.ErrorCode;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;

/**
 * The standalone server stopping while it streams: new streams are refused at once and the
 * readiness probe says so, a stream that outlasts the grace is ended so that its client sees a
 * failure, and the server stops with all its Arrow memory free.
 */
class GracefulStopTest {

    @Test
    void aStopRefusesNewStreamsAndEndsTheOnesThatOutlastTheGraceVisibly() throws Exception {
        StandaloneServer server = StandaloneServer.start(
                "127.0.0.1", 0, ServerSettings.defaults().withStreaming(new ServerSettings.Streaming(8, 0, 0, 30, 2)));
        URI base = server.baseUri();
        CompletableFuture<Void> stopped = null;
        try (ArrowHttpClient client = ArrowHttpClient.builder(base)
                        .readTimeout(Duration.ofSeconds(30))
                        .build();
                BufferAllocator allocator = new RootAllocator();
                DatasetStream stream = client.get(
                        "tickers",
                        GetOptions.defaults().parameter("rows", 42_000_000).status(),
                        allocator)) {
            assertTrue(stream.reader().loadNextBatch());
            stopped = CompletableFuture.runAsync(server::close);
            awaitReadinessStatus(base, 503);
            ArrowHttpException refused = assertThrows(
                    ArrowHttpException.class,
                    () -> client.get("tickers", GetOptions.defaults().parameter("rows", 10), allocator)
                            .close());
            assertEquals(ErrorCode.UNAVAILABLE, refused.code());
            assertTrue(refused.getMessage().contains("The server is stopping"), refused.getMessage());

            // Read on, slowly: the grace of 2 s passes long before the 42 million rows could.
            IOException cut = assertThrows(IOException.class, () -> {
                while (stream.reader().loadNextBatch()) {
                    Thread.sleep(20);
                }
            });
            ArrowHttpException reason = (ArrowHttpException) cut.getCause();
            assertEquals(ErrorCode.UNAVAILABLE, reason.code());
            assertTrue(
                    reason.getMessage().contains("The server stopped before the response was complete"),
                    reason.getMessage());
            assertEquals(
                    ErrorCode.UNAVAILABLE.name(),
                    stream.status().orElseThrow().code(),
                    "the status part says why the stream ended");
        } finally {
            if (stopped != null) {
                stopped.get(60, TimeUnit.SECONDS);
            } else {
                server.close();
            }
        }
        assertEquals(0, server.application().allocatedMemory(), "every response's Arrow memory is free");
        assertEquals(0, server.application().openResponses());
    }

    /** Polls the readiness probe until it answers {@code status}, for at most 10 s. */
    private static void awaitReadinessStatus(URI base, int status) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        int last = -1;
        while (System.nanoTime() < deadline) {
            HttpURLConnection probe =
                    (HttpURLConnection) base.resolve("health/ready").toURL().openConnection();
            probe.setConnectTimeout(2_000);
            probe.setReadTimeout(5_000);
            last = probe.getResponseCode();
            if (last == status) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("the readiness probe answered " + last + ", not " + status);
    }
}

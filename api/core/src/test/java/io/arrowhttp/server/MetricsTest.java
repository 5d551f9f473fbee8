package io.arrowhttp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.arrowhttp.client.ArrowHttpClient;
import io.arrowhttp.client.DatasetStream;
import io.arrowhttp.client.GetOptions;
import io.arrowhttp.testing.RawHttp;
import io.arrowhttp.testing.ScriptedDataset;
import io.arrowhttp.testing.TestServer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.time.Duration;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What the feature counts into an application's meter registry, as a scrape would read it. */
class MetricsTest {

    private static final SimpleMeterRegistry REGISTRY = new SimpleMeterRegistry();

    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.withFeature(
                feature -> feature.dataset(ScriptedDataset.of("small", 3, 100)).metrics(REGISTRY));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void streamsRowsBytesAndRequestsByRouteAreCounted() throws IOException {
        long bytes;
        try (ArrowHttpClient client = ArrowHttpClient.builder(server.uri("/"))
                        .readTimeout(Duration.ofSeconds(20))
                        .build();
                BufferAllocator allocator = new RootAllocator()) {
            try (DatasetStream stream = client.get("small", GetOptions.defaults(), allocator)) {
                while (stream.reader().loadNextBatch()) {
                    // read every batch
                }
                bytes = stream.bytesReceived();
            }
            HttpURLConnection unknown = (HttpURLConnection)
                    server.uri("/datasets/made-up-name-1").toURL().openConnection();
            assertEquals(404, unknown.getResponseCode());
        }
        assertEquals(300, REGISTRY.get("arrowhttp.stream.rows").counter().count());
        assertEquals(
                1,
                REGISTRY.get("arrowhttp.streams").tag("outcome", "ok").timer().count());
        assertEquals(0, REGISTRY.get("arrowhttp.streams.active").gauge().value());
        assertEquals(
                1,
                REGISTRY.get("arrowhttp.requests")
                        .tags("method", "GET", "route", "/datasets/{name}", "status", "200")
                        .counter()
                        .count());
        assertEquals(
                1,
                REGISTRY.get("arrowhttp.requests")
                        .tags("route", "/datasets/{name}", "status", "404")
                        .counter()
                        .count(),
                "a made-up name counts under the route, not as a meter of its own");
        assertNull(REGISTRY.find("arrowhttp.requests")
                .tag("route", "/datasets/made-up-name-1")
                .counter());
        double counted = REGISTRY.get("arrowhttp.stream.bytes").counter().count();
        assertTrue(counted > 0 && counted <= bytes, counted + " bytes counted, " + bytes + " received");
    }

    @Test
    void madeUpMethodsCountAsOneLabelValueWhateverClientsSend() throws IOException {
        for (int i = 0; i < 50; i++) {
            RawHttp.send(server.port(), "BREW" + i, "/datasets/small", "1.1", Map.of());
        }
        assertEquals(
                50,
                REGISTRY.get("arrowhttp.requests").tag("method", "OTHER").counters().stream()
                        .mapToDouble(Counter::count)
                        .sum());
        assertNull(REGISTRY.find("arrowhttp.requests").tag("method", "BREW7").counter());
    }
}

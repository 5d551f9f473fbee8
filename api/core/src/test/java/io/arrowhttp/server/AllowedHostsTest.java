package io.arrowhttp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.arrowhttp.testing.RawHttp;
import io.arrowhttp.testing.ScriptedDataset;
import io.arrowhttp.testing.TestServer;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Without a public base URI, the catalog's absolute locations name the request's {@code Host} only
 * when it is on the allowed list, and the listener's own address otherwise: a forged {@code Host}
 * never appears in a response.
 */
class AllowedHostsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.withFeature(feature -> feature.dataset(ScriptedDataset.of("small", 2, 10))
                .allowedHosts(List.of("data.example.com", " other.example:8443 ")));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void aHostNotOnTheListGetsTheListenersOwnAddressInLocations() throws Exception {
        for (String host :
                new String[] {"evil.example", "evil.example:443", "other.example:8444", "data.example.com.evil"}) {
            for (String path : new String[] {"/datasets", "/datasets/small/info"}) {
                RawHttp.Exchange exchange = exchange(path, host);
                assertEquals("HTTP/1.1 200 OK", exchange.statusLine(), host + path);
                assertEquals(
                        "http://127.0.0.1:" + server.port() + "/datasets/small", firstLocation(exchange), host + path);
                String hostName = host.split(":")[0];
                assertFalse(exchange.bodyText().contains(hostName), host + path + ": " + exchange.bodyText());
                assertFalse(exchange.headers().toString().contains(hostName), host + path + ": " + exchange.headers());
            }
        }
    }

    @Test
    void anAllowedHostIsKeptOnAnyPortOrOnItsListedPort() throws Exception {
        assertEquals(
                "http://data.example.com:9999/datasets/small",
                firstLocation(exchange("/datasets", "data.example.com:9999")));
        assertEquals(
                "http://data.example.com:80/datasets/small",
                firstLocation(exchange("/datasets/small/info", "Data.Example.COM"))
                        .toLowerCase(Locale.ROOT));
        assertEquals(
                "http://other.example:8443/datasets/small", firstLocation(exchange("/datasets", "other.example:8443")));
    }

    @Test
    void anAllowedHostThatIsNotAHostIsRefusedWhenTheFeatureIsBuilt() {
        try (RootAllocator root = new RootAllocator()) {
            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class,
                    () -> ArrowHttpFeature.builder(root)
                            .allowedHosts(List.of("data.example.com", "https://data.example.com/")));
            assertTrue(e.getMessage().contains("host or host:port"), e.getMessage());
        }
    }

    private static RawHttp.Exchange exchange(String path, String host) throws Exception {
        return RawHttp.send(server.port(), "GET", path, "1.1", Map.of("Host", host, "Accept", "application/json"));
    }

    private static String firstLocation(RawHttp.Exchange exchange) throws Exception {
        JsonNode body = JSON.readTree(exchange.body());
        JsonNode entry = body.has("datasets") ? body.get("datasets").get(0) : body;
        return entry.get("endpoints").get(0).get("locations").get(0).asText();
    }
}

package io.arrowhttp.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.arrowhttp.app.ServerSettings;
import io.arrowhttp.testing.RawHttp;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * On the standalone server, neither the catalog nor a redirect ever names a {@code Host} that is
 * not the public base URL or on the allowed list.
 */
class ForgedHostTest {

    private static final String BROWSER = "text/html,application/xhtml+xml,*/*;q=0.8";

    @Test
    void aForgedHostReachesNoRedirectAndNoLocation() throws Exception {
        try (StandaloneServer server = StandaloneServer.start(
                "127.0.0.1", 0, ServerSettings.defaults().withAllowedHosts(List.of("data.example.com")))) {
            int port = server.port();
            for (String[] request :
                    new String[][] {{"/", BROWSER}, {"/ui", "*/*"}, {"/datasets", "application/json"}}) {
                RawHttp.Exchange forged = RawHttp.send(
                        port, "GET", request[0], "1.1", Map.of("Host", "evil.example:8008", "Accept", request[1]));
                String wire = forged.statusLine() + forged.headers() + forged.bodyText();
                assertFalse(wire.contains("evil"), request[0] + ": " + wire);
                if (!request[0].equals("/datasets")) {
                    assertTrue(forged.statusLine().startsWith("HTTP/1.1 303 "), forged.statusLine());
                    assertEquals("http://127.0.0.1:" + port + "/ui/", forged.header("Location"), request[0]);
                } else {
                    assertTrue(
                            forged.bodyText().contains("\"http://127.0.0.1:" + port + "/datasets/"), forged.bodyText());
                }
            }
            RawHttp.Exchange allowed = RawHttp.send(
                    port,
                    "GET",
                    "/datasets",
                    "1.1",
                    Map.of("Host", "data.example.com:8008", "Accept", "application/json"));
            assertTrue(allowed.bodyText().contains("\"http://data.example.com:8008/datasets/"), allowed.bodyText());
        }
    }

    @Test
    void withAPublicBaseUrlRedirectsAndLocationsUseItWhateverTheHost() throws Exception {
        try (StandaloneServer server = StandaloneServer.start(
                "127.0.0.1",
                0,
                ServerSettings.defaults()
                        .withPublicBaseUrl(URI.create("https://data.example.com/arrow/"))
                        .withAllowedHosts(List.of("evil.example")))) {
            int port = server.port();
            for (String[] request : new String[][] {{"/", BROWSER}, {"/ui", "*/*"}}) {
                RawHttp.Exchange forged = RawHttp.send(
                        port, "GET", request[0], "1.1", Map.of("Host", "evil.example", "Accept", request[1]));
                assertTrue(forged.statusLine().startsWith("HTTP/1.1 303 "), forged.statusLine());
                assertEquals("https://data.example.com/arrow/ui/", forged.header("Location"), request[0]);
            }
            RawHttp.Exchange catalog = RawHttp.send(
                    port, "GET", "/datasets", "1.1", Map.of("Host", "evil.example", "Accept", "application/json"));
            assertTrue(catalog.bodyText().contains("\"https://data.example.com/arrow/datasets/"), catalog.bodyText());
            assertFalse(catalog.bodyText().contains("evil"), catalog.bodyText());
        }
    }
}

package io.arrowhttp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.arrowhttp.testing.RawHttp;
import io.arrowhttp.testing.ScriptedDataset;
import io.arrowhttp.testing.TestServer;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** With a public base URI configured, no Host header can point the catalog's locations elsewhere. */
class PublicBaseUriTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.withFeature(feature -> feature.dataset(ScriptedDataset.of("small", 2, 10))
                .publicBaseUri(URI.create("https://data.example.com/arrow")));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void locationsUseThePublicBaseWhateverTheHostHeaderSays() throws Exception {
        for (String path : new String[] {"/datasets", "/datasets/small/info"}) {
            RawHttp.Exchange exchange = RawHttp.send(
                    server.port(),
                    "GET",
                    path,
                    "1.1",
                    Map.of("Host", "evil.example:443", "Accept", "application/json"));
            JsonNode body = JSON.readTree(exchange.body());
            JsonNode entry = body.has("datasets") ? body.get("datasets").get(0) : body;
            assertEquals(
                    "https://data.example.com/arrow/datasets/small",
                    entry.get("endpoints").get(0).get("locations").get(0).asText(),
                    path);
        }
    }
}

package io.arrowhttp.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.arrowhttp.app.AuthSettings;
import io.arrowhttp.app.ServerSettings;
import io.arrowhttp.client.ArrowHttpClient;
import io.arrowhttp.client.DatasetStream;
import io.arrowhttp.client.GetOptions;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;

/** {@code /metrics} as Prometheus scrapes it: behind the token like the data, in its text format. */
class MetricsStandaloneTest {

    private static final String TOKEN = "scraper-token-0123456789abcdef-0123456789";

    @Test
    void prometheusScrapesStreamsRequestsArrowMemoryAndTheJvmWithAToken() throws Exception {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        ServerSettings settings = ServerSettings.defaults()
                .withMetrics(true)
                .withAuth(new AuthSettings(
                        null, List.of("scraper=" + TOKEN), Base64.getEncoder().encodeToString(key), true));
        try (StandaloneServer server = StandaloneServer.start("127.0.0.1", 0, settings)) {
            try (ArrowHttpClient client = ArrowHttpClient.builder(server.baseUri())
                            .bearerToken(TOKEN)
                            .readTimeout(Duration.ofSeconds(30))
                            .build();
                    BufferAllocator allocator = new RootAllocator();
                    DatasetStream stream =
                            client.get("tickers", GetOptions.defaults().parameter("rows", 5000), allocator)) {
                while (stream.reader().loadNextBatch()) {
                    // read it all
                }
            }
            assertEquals(401, scrape(server, null).status(), "the meters are protected like the data");
            Scrape scrape = scrape(server, TOKEN);
            assertEquals(200, scrape.status());
            assertTrue(
                    scrape.contentType().startsWith("text/plain")
                            && scrape.contentType().contains("version=0.0.4"),
                    scrape.contentType());
            for (String line : List.of(
                    "arrowhttp_streams_seconds_count{outcome=\"ok\"} 1",
                    "arrowhttp_stream_rows_total 5000",
                    "arrowhttp_requests_total{method=\"GET\",route=\"/datasets/{name}\",status=\"200\"} 1",
                    "arrowhttp_arrow_allocated_bytes ",
                    "arrowhttp_streams_active ",
                    "jvm_memory_used_bytes{")) {
                assertTrue(scrape.body().contains(line), line + " in:\n" + scrape.body());
            }
        }
    }

    private record Scrape(int status, String contentType, String body) {}

    private static Scrape scrape(StandaloneServer server, String token) throws IOException {
        HttpURLConnection connection =
                (HttpURLConnection) server.baseUri().resolve("metrics").toURL().openConnection();
        connection.setReadTimeout(10_000);
        if (token != null) {
            connection.setRequestProperty("Authorization", "Bearer " + token);
        }
        int status = connection.getResponseCode();
        try (InputStream in = status >= 400 ? connection.getErrorStream() : connection.getInputStream()) {
            return new Scrape(
                    status,
                    String.valueOf(connection.getContentType()),
                    in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }
}

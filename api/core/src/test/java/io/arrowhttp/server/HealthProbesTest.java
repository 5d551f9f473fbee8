package io.arrowhttp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.arrowhttp.dataset.Dataset;
import io.arrowhttp.dataset.DatasetRequest;
import io.arrowhttp.server.auth.TokenAuthenticator;
import io.arrowhttp.testing.ScriptedDataset;
import io.arrowhttp.testing.TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The probes an orchestrator calls, without credentials on a server that wants them: live while
 * the server runs, ready only while every dataset's source answers, and never naming a dataset.
 */
class HealthProbesTest {

    private static final AtomicBoolean SOURCE_UP = new AtomicBoolean(true);

    private static TestServer server;

    @BeforeAll
    static void start() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        server = TestServer.withFeature(feature -> feature.dataset(ScriptedDataset.of("steady", 1, 10))
                .dataset(new FlakySource(ScriptedDataset.of("secret_orders", 1, 10)))
                .authentication(TokenAuthenticator.builder(key)
                        .apiTokens(Map.of("reader", "reader-token-0123456789abcdef-0123456789"))
                        .allowInsecureHttp()
                        .build()));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void readinessFollowsTheSourcesWithoutCredentialsAndWithoutNames() throws Exception {
        assertEquals(401, get("/datasets").status(), "the data still wants a token");
        assertEquals(new Answer(200, "{\"status\":\"UP\"}"), get("/health/live"));
        assertEquals(new Answer(200, "{\"status\":\"UP\",\"datasets\":2,\"unavailable\":0}"), get("/health/ready"));

        SOURCE_UP.set(false);
        Answer down = awaitReadiness(503);
        assertEquals(new Answer(503, "{\"status\":\"DOWN\",\"datasets\":2,\"unavailable\":1}"), down);
        assertFalse(down.body().contains("secret"), "probes learn no dataset names");
        assertEquals(200, get("/health/live").status(), "a source that is down is no reason to restart the server");

        SOURCE_UP.set(true);
        assertEquals(200, awaitReadiness(200).status());
    }

    /**
     * The readiness probe's answer once it has this status, or after 20 s whatever it is: the
     * server checks its sources at most once a second, so a change shows within that interval.
     */
    private static Answer awaitReadiness(int status) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        Answer answer = get("/health/ready");
        while (answer.status() != status && System.nanoTime() < deadline) {
            Thread.sleep(50);
            answer = get("/health/ready");
        }
        return answer;
    }

    private record Answer(int status, String body) {}

    private static Answer get(String path) throws IOException {
        HttpURLConnection connection =
                (HttpURLConnection) server.uri(path).toURL().openConnection();
        connection.setConnectTimeout(5_000);
        connection.setReadTimeout(10_000);
        connection.setRequestProperty("Accept", "application/json");
        int status = connection.getResponseCode();
        try (InputStream in = status >= 400 ? connection.getErrorStream() : connection.getInputStream()) {
            return new Answer(status, in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    /** A dataset whose source answers while {@link #SOURCE_UP} says so. */
    private record FlakySource(Dataset dataset) implements Dataset {

        @Override
        public String name() {
            return dataset.name();
        }

        @Override
        public String description() {
            return dataset.description();
        }

        @Override
        public Schema schema() {
            return dataset.schema();
        }

        @Override
        public Object metadata(DatasetRequest request) {
            return dataset.metadata(request);
        }

        @Override
        public ArrowReader open(DatasetRequest request, BufferAllocator allocator) {
            return dataset.open(request, allocator);
        }

        @Override
        public void checkAvailable() {
            if (!SOURCE_UP.get()) {
                throw new IllegalStateException("the database of secret_orders does not answer");
            }
        }
    }
}

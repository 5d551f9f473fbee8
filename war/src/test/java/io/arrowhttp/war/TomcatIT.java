package io.arrowhttp.war;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.arrowhttp.war.containers.ServletContainer;
import io.arrowhttp.war.containers.TomcatContainer;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The war in Tomcat 10.1 at context root {@code /}, with the Arrow option in the JVM as setenv.sh would add it. */
class TomcatIT extends DeployedWarContract {

    private static final long MAX_ROWS = 50_000_000;
    private static final String API_TOKEN = UUID.randomUUID() + "-" + UUID.randomUUID();
    private final String managerPassword = UUID.randomUUID().toString();

    /** Configured the Tomcat way: a context parameter in conf/Catalina/localhost/ROOT.xml. */
    @Override
    protected ServletContainer createContainer() {
        return new TomcatContainer(
                        Path.of("target", "it", "tomcat"),
                        Map.of("arrowhttp.max-rows", Long.toString(MAX_ROWS)),
                        true,
                        managerPassword)
                .alsoDeploy(
                        "/broken", Map.of("arrowhttp.response-memory-limit", BrokenResponses.TOO_SMALL_RESPONSE_MEMORY))
                .alsoDeploy(
                        "/secured",
                        Map.of(
                                "arrowhttp.auth.api-tokens",
                                "nightly=" + API_TOKEN,
                                // The test talks plain HTTP to Tomcat; a real deployment would use HTTPS.
                                "arrowhttp.auth.allow-insecure-http",
                                "true"));
    }

    @Override
    protected long maxRows() {
        return MAX_ROWS;
    }

    private TomcatContainer tomcat() {
        return (TomcatContainer) container();
    }

    @Test
    void oneContextParameterTurnsAuthenticationOn() throws IOException {
        HttpURLConnection anonymous = (HttpURLConnection)
                baseUri().resolve("/secured/datasets/tickers?rows=10").toURL().openConnection();
        assertEquals(401, anonymous.getResponseCode());
        assertTrue(anonymous.getHeaderField("WWW-Authenticate").startsWith("Bearer"));
        assertEquals("application/problem+json", anonymous.getContentType());

        HttpURLConnection machine = (HttpURLConnection)
                baseUri().resolve("/secured/datasets/tickers?rows=10").toURL().openConnection();
        machine.setRequestProperty("Authorization", "Bearer " + API_TOKEN);
        assertEquals(200, machine.getResponseCode());
        try (InputStream in = machine.getInputStream()) {
            assertTrue(in.readAllBytes().length > 0);
        }
    }

    @Test
    void failureAfterTheStatusLineIsVisibleToTheClient() throws IOException {
        BrokenResponses.assertFailureIsVisible(baseUri().resolve("/broken/"));
    }

    @Test
    void redeployingTenTimesLeavesNoApplicationBehind() throws IOException {
        long stopsBefore = countStops();
        for (int i = 0; i < 10; i++) {
            assertEquals(
                    "OK - Reloaded application at context path [/]",
                    manager("reload?path=/").trim());
            HttpURLConnection connection =
                    (HttpURLConnection) baseUri().resolve("?rows=10").toURL().openConnection();
            assertEquals(200, connection.getResponseCode());
            try (InputStream in = connection.getInputStream()) {
                in.readAllBytes();
            }
        }
        assertEquals(stopsBefore + 10, countStops(), "each undeploy closes the application's root allocator cleanly");
        assertTrue(tomcat().logText().lines().noneMatch(line -> line.contains("still in use")));
        assertTrue(noStoppedApplicationStaysInMemory());
    }

    /**
     * Tomcat's findleaks forces a full garbage collection and lists the stopped applications whose
     * class loader is still reachable: a leaked allocator, thread or static reference keeps it
     * listed for good. Tomcat renews a worker thread, dropping what the old application left in its
     * thread locals, only after that thread runs its next request; so between tries a few requests
     * let the threads turn over. Bounded: 15 tries.
     */
    private boolean noStoppedApplicationStaysInMemory() throws IOException {
        String leaks = "";
        for (int attempt = 0; attempt < 15; attempt++) {
            leaks = manager("findleaks?statusLine=true");
            if (leaks.startsWith("OK - No memory leaks found")) {
                return true;
            }
            for (int request = 0; request < 20; request++) {
                HttpURLConnection connection =
                        (HttpURLConnection) baseUri().resolve("?rows=1").toURL().openConnection();
                connection.setRequestProperty("Connection", "close");
                try (InputStream in = connection.getInputStream()) {
                    in.readAllBytes();
                }
            }
            try {
                Thread.sleep(1_100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        System.err.println(leaks);
        return false;
    }

    private long countStops() {
        return tomcat().logText()
                .lines()
                .filter(line -> line.contains("arrowhttp stopped; its Arrow root allocator is closed"))
                .count();
    }

    private String manager(String command) throws IOException {
        HttpURLConnection connection = (HttpURLConnection)
                tomcat().managerUri().resolve(command).toURL().openConnection();
        connection.setRequestProperty(
                "Authorization",
                "Basic "
                        + Base64.getEncoder()
                                .encodeToString(("arrowhttp:" + managerPassword).getBytes(StandardCharsets.UTF_8)));
        connection.setReadTimeout(120_000);
        try (InputStream in = connection.getInputStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}

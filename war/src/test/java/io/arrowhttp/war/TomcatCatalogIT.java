package io.arrowhttp.war;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.arrowhttp.war.containers.LogTailOnFailure;
import io.arrowhttp.war.containers.ServletContainer;
import io.arrowhttp.war.containers.TomcatContainer;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The war in a Tomcat of its own, serving a YAML catalog of Parquet and CSV files and SQL over
 * them, named by the context parameter {@code arrowhttp.config}; and a catalog with a mistake,
 * after which that deployment serves nothing and its log names the file and the line.
 *
 * <p>A Tomcat of its own: DuckDB's driver registers a JFR periodic event when it loads, after which
 * Tomcat's findleaks reports reloaded applications of the same JVM, which the reload test of
 * {@link TomcatIT} checks.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(LogTailOnFailure.class)
class TomcatCatalogIT implements LogTailOnFailure.RunsInContainer {

    private TomcatContainer tomcat;
    private Path mistake;

    @BeforeAll
    void startTomcat() throws IOException {
        Path folder = Path.of("target", "it", "catalog").toAbsolutePath();
        Path catalog = CatalogDeployment.write(folder);
        mistake = Files.writeString(
                folder.resolve("mistake.yaml"),
                "datasets:\n  - name: trades\n    file: data/missing.parquet\n",
                StandardCharsets.UTF_8);
        tomcat = new TomcatContainer(
                        Path.of("target", "it", "tomcat-catalog"),
                        Map.of("arrowhttp.config", catalog.toString()),
                        true,
                        UUID.randomUUID().toString())
                .alsoDeploy("/mistake", Map.of("arrowhttp.config", mistake.toString()))
                .alsoDeploy(
                        "/writable",
                        Map.of(
                                "arrowhttp.config",
                                Files.writeString(
                                                folder.resolve("writable.yaml"),
                                                "uploads:\n  directory: uploads\n  writable: true\n",
                                                StandardCharsets.UTF_8)
                                        .toString()));
        tomcat.start();
    }

    @AfterAll
    void stopTomcat() {
        tomcat.close();
    }

    @Override
    public ServletContainer container() {
        return tomcat;
    }

    @Test
    void aCatalogNamedByAContextParameterServesItsFilesAndQueries() throws IOException {
        CatalogDeployment.assertServed(tomcat.baseUri());
    }

    @Test
    void uploadsThroughTomcatAreWrittenAndServedBack() throws IOException {
        UploadRoundTrip.assertRoundTrip(tomcat.baseUri().resolve("/writable/"));
    }

    @Test
    void aCatalogWithAMistakeServesNothingAndTheLogNamesTheFileAndLine() throws IOException {
        HttpURLConnection connection = (HttpURLConnection)
                tomcat.baseUri().resolve("/mistake/datasets").toURL().openConnection();
        assertEquals(503, connection.getResponseCode(), "the application must not be serving");
        assertEquals("application/problem+json", connection.getContentType());
        try (InputStream error = connection.getErrorStream()) {
            String body = new String(error.readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(body.contains("misconfigured"), body);
            assertFalse(body.contains("mistake.yaml"), "paths stay in the log: " + body);
        }
        String expected = mistake + ":2: dataset 'trades': the file ";
        assertTrue(tomcat.logText().contains(expected), "the log names the file and the line: " + expected);
    }
}

package io.arrowhttp.war;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.arrowhttp.war.containers.TomcatContainer;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Tomcat started without {@code --add-opens=java.base/java.nio=ALL-UNNAMED}: the application
 * says so once in the log and answers 503 with the same hint, never a stack trace.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TomcatWithoutArrowOptionIT {

    private TomcatContainer tomcat;

    @BeforeAll
    void startTomcat() {
        tomcat = new TomcatContainer(Path.of("target", "it", "tomcat-without-option"), Map.of(), false, null);
        tomcat.start();
    }

    @AfterAll
    void stopTomcat() {
        tomcat.close();
    }

    @Test
    void everyRequestIsAnswered503WithTheHint() throws IOException {
        for (String path : new String[] {"", "datasets/tickers?rows=10", "datasets/nope"}) {
            HttpURLConnection connection =
                    (HttpURLConnection) tomcat.baseUri().resolve(path).toURL().openConnection();
            assertEquals(503, connection.getResponseCode(), path);
            assertEquals("application/problem+json", connection.getContentType());
            try (InputStream error = connection.getErrorStream()) {
                JsonNode problem = new ObjectMapper().readTree(error);
                assertEquals("UNAVAILABLE", problem.get("code").asText());
                String detail = problem.get("detail").asText();
                assertTrue(detail.contains("--add-opens=java.base/java.nio=ALL-UNNAMED"), detail);
                assertTrue(detail.contains("bin/setenv.sh"), detail);
                assertFalse(problem.toString().contains("Exception"), problem.toString());
            }
        }
    }

    @Test
    void theProblemIsLoggedOnceWithTheFlag() {
        long lines = tomcat.logText()
                .lines()
                .filter(line -> line.contains("arrowhttp cannot serve Arrow data"))
                .count();
        assertEquals(1, lines, tomcat.logTail(40));
        assertTrue(tomcat.logText().contains("CATALINA_OPTS in bin/setenv.sh"));
    }
}

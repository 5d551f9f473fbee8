package io.arrowhttp.war;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.arrowhttp.app.TickersContract;
import io.arrowhttp.war.containers.LogTailOnFailure;
import io.arrowhttp.war.containers.ServletContainer;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The client contract against the war deployed in a real container, started once for the class
 * and stopped at the end whatever happened; the container's log tail is printed when a test
 * fails. Each container also gets the application's row bound through its own kind of setting.
 */
@ExtendWith(LogTailOnFailure.class)
abstract class DeployedWarContract extends TickersContract implements LogTailOnFailure.RunsInContainer {

    private ServletContainer container;

    /** A container, not started, that deploys the war with {@code arrowhttp.max-rows} set to {@link #maxRows()}. */
    protected abstract ServletContainer createContainer();

    /** The row bound the container's setting gives the application. */
    protected abstract long maxRows();

    @BeforeAll
    void startContainer() {
        container = createContainer();
        container.start();
    }

    @AfterAll
    void stopContainer() {
        container.close();
    }

    @Override
    protected URI baseUri() {
        return container.baseUri();
    }

    @Override
    public ServletContainer container() {
        return container;
    }

    @Test
    void theContainersSettingBoundsTheRows() throws IOException {
        HttpURLConnection connection = (HttpURLConnection)
                baseUri().resolve("?rows=" + (maxRows() + 1)).toURL().openConnection();
        assertEquals(400, connection.getResponseCode());
        try (InputStream error = connection.getErrorStream()) {
            String body = new String(error.readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(body.contains("from 1 to " + maxRows()), body);
        }
    }
}

package io.arrowhttp.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.arrowhttp.app.ServerSettings;
import io.arrowhttp.testing.TickersContract;
import java.io.IOException;
import java.net.URI;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The application's client contract against the standalone Grizzly server. */
class StandaloneTickersTest extends TickersContract {

    private StandaloneServer server;

    @BeforeAll
    void startServer() throws IOException {
        server = StandaloneServer.start("127.0.0.1", 0, ServerSettings.defaults());
    }

    @AfterAll
    void stopServerAndCheckItsMemory() {
        server.close();
        assertEquals(0, server.application().openResponses(), "response allocators left open");
        assertEquals(0, server.application().allocatedMemory(), "server-side Arrow memory leaked");
    }

    @Override
    protected URI baseUri() {
        return server.baseUri();
    }
}

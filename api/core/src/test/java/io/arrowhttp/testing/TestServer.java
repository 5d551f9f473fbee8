package io.arrowhttp.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import org.glassfish.grizzly.http.server.HttpServer;
import org.glassfish.jersey.grizzly2.httpserver.GrizzlyHttpServerFactory;
import org.glassfish.jersey.server.ResourceConfig;

/** A Grizzly server on 127.0.0.1 and a free port, for one test class. */
public final class TestServer implements AutoCloseable {

    private final HttpServer server;

    private TestServer(HttpServer server) {
        this.server = server;
    }

    public static TestServer start(ResourceConfig config) {
        HttpServer server = GrizzlyHttpServerFactory.createHttpServer(URI.create("http://127.0.0.1:0/"), config, false);
        try {
            server.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new TestServer(server);
    }

    public int port() {
        return server.getListeners().iterator().next().getPort();
    }

    public URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + port() + pathAndQuery);
    }

    @Override
    public void close() {
        server.shutdownNow();
    }
}

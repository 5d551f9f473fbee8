package io.arrowhttp.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.arrowhttp.dataset.Dataset;
import io.arrowhttp.server.ArrowHttpFeature;
import io.arrowhttp.server.auth.PasswordHash;
import io.arrowhttp.server.auth.TokenAuthenticator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.security.SecureRandom;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.glassfish.grizzly.http.server.HttpServer;
import org.glassfish.jersey.grizzly2.httpserver.GrizzlyHttpServerFactory;
import org.glassfish.jersey.server.ResourceConfig;

/**
 * A Grizzly server on 127.0.0.1 and a free port, for one test class.
 *
 * <h2>Ownership</h2>
 * A server made by {@link #withFeature} owns the root allocator of its feature: {@link #close()}
 * stops the server, then checks that no Arrow memory is held and closes the allocator, so every
 * test class using it doubles as a leak check. One made by {@link #start} owns nothing but the
 * server.
 */
public final class TestServer implements AutoCloseable {

    private final HttpServer server;
    private BufferAllocator allocator;

    private TestServer(HttpServer server) {
        this.server = server;
    }

    /** A server of an {@link ArrowHttpFeature} configured by {@code configure}, on an allocator of its own. */
    public static TestServer withFeature(UnaryOperator<ArrowHttpFeature.Builder> configure) {
        return withFeature(0, configure);
    }

    /**
     * As {@link #withFeature(UnaryOperator)}, on {@code port} of 127.0.0.1: for servers that must
     * know each other's addresses before they start, such as the members of a group (see
     * {@link #freePort()}).
     */
    /**
     * A server of {@code dataset} that takes {@code user} with {@code password} over plain HTTP (on
     * loopback, as tests may), signing tokens with a random key.
     */
    public static TestServer withUser(String user, String password, Dataset dataset) {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return withFeature(feature -> feature.dataset(dataset)
                .authentication(TokenAuthenticator.builder(key)
                        .users(Map.of(user, PasswordHash.hash(password.toCharArray())))
                        .allowInsecureHttp()
                        .build()));
    }

    public static TestServer withFeature(int port, UnaryOperator<ArrowHttpFeature.Builder> configure) {
        BufferAllocator allocator = new RootAllocator();
        try {
            TestServer server = start(
                    new ResourceConfig()
                            .register(configure
                                    .apply(ArrowHttpFeature.builder(allocator))
                                    .build()),
                    port);
            server.allocator = allocator;
            return server;
        } catch (RuntimeException | Error e) {
            allocator.close();
            throw e;
        }
    }

    /** The feature's root allocator, for a server made by {@link #withFeature}. */
    public BufferAllocator allocator() {
        return allocator;
    }

    public static TestServer start(ResourceConfig config) {
        return start(config, 0);
    }

    private static TestServer start(ResourceConfig config, int port) {
        HttpServer server =
                GrizzlyHttpServerFactory.createHttpServer(URI.create("http://127.0.0.1:" + port + "/"), config, false);
        try {
            server.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new TestServer(server);
    }

    /** A port of 127.0.0.1 that nothing listens on now, as the system chose it. */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
        if (allocator != null) {
            assertEquals(0, allocator.getAllocatedMemory(), "Arrow memory left held when the server stopped");
            allocator.close();
        }
    }
}

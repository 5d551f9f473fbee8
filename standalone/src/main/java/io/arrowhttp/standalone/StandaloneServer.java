package io.arrowhttp.standalone;

import io.arrowhttp.app.ArrowHttpApplication;
import io.arrowhttp.app.ServerSettings;
import io.arrowhttp.tls.TlsPolicy;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLContext;
import org.glassfish.grizzly.http.server.HttpHandler;
import org.glassfish.grizzly.http.server.HttpHandlerRegistration;
import org.glassfish.grizzly.http.server.HttpServer;
import org.glassfish.grizzly.http.server.NetworkListener;
import org.glassfish.grizzly.http.server.ServerConfiguration;
import org.glassfish.grizzly.ssl.SSLEngineConfigurator;
import org.glassfish.grizzly.threadpool.ThreadPoolConfig;
import org.glassfish.jersey.grizzly2.httpserver.GrizzlyHttpServerFactory;

/**
 * The arrowhttp application on an embedded Grizzly HTTP server.
 *
 * <p>Closing it refuses new streams, lets running ones finish for up to the stop grace
 * ({@code arrowhttp.stop-grace-seconds}) and ends those left, then stops accepting connections
 * and stops the application, which closes its root allocator.
 */
public final class StandaloneServer implements AutoCloseable {

    /** How long Grizzly waits for requests other than streams (which have ended by then) to finish. */
    private static final long GRACE_SECONDS = 10;

    /**
     * Grizzly's switch for writing a response in the thread that produces it, blocking until the
     * socket has taken the bytes. Left off, Grizzly queues what the socket cannot take at once and
     * copies it for the queue: for record batches that is a copy of most of every batch, and
     * measured here a quarter of the throughput. A streaming response holds its thread anyway.
     */
    static final String BLOCKING_WRITES = "org.glassfish.grizzly.http.io.OutputBuffer.isBlocking";

    static {
        if (System.getProperty(BLOCKING_WRITES) == null) {
            System.setProperty(BLOCKING_WRITES, "true");
        }
    }

    private final HttpServer server;
    private final String host;
    private final ArrowHttpApplication application;
    private final String scheme;
    private final long stopGraceSeconds;

    private StandaloneServer(
            HttpServer server, String host, ArrowHttpApplication application, String scheme, long stopGraceSeconds) {
        this.server = server;
        this.host = host;
        this.application = application;
        this.scheme = scheme;
        this.stopGraceSeconds = stopGraceSeconds;
    }

    /**
     * Starts a server.
     *
     * @param host the address to listen on; {@code 127.0.0.1} keeps it to this machine
     * @param port the port; 0 takes a free one, see {@link #port()}
     * @throws IOException when the address cannot be bound
     */
    public static StandaloneServer start(String host, int port, ServerSettings settings) throws IOException {
        return start(host, port, settings, null);
    }

    /**
     * Starts a server, serving HTTPS when {@code tls} is given.
     *
     * @param tls the server's key and certificates, or null for plain HTTP
     */
    public static StandaloneServer start(String host, int port, ServerSettings settings, TlsOptions tls)
            throws IOException {
        Objects.requireNonNull(host, "host");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("Port must be from 0 to 65535, got " + port);
        }
        if (settings.auth().enabled() && tls == null && !settings.auth().allowInsecureHttp()) {
            throw new IllegalStateException("Authentication over plain HTTP would send passwords and tokens in clear: "
                    + "serve HTTPS (--tls-cert and --tls-key, or --tls-keystore), or for local tests only set "
                    + "arrowhttp.auth.allow-insecure-http=true");
        }
        String scheme = tls == null ? "http" : "https";
        URI uri = URI.create(scheme + "://" + hostForUri(host) + ":" + port + "/");
        ArrowHttpApplication application = new ArrowHttpApplication(settings);
        HttpServer server = tls == null
                ? GrizzlyHttpServerFactory.createHttpServer(uri, application, false)
                : GrizzlyHttpServerFactory.createHttpServer(uri, application, true, serverTls(tls), false);
        configureListeners(server, settings.streaming().workerThreads());
        answerContainerErrors(server);
        try {
            server.start();
        } catch (IOException e) {
            server.shutdownNow();
            throw new IOException("Cannot listen on " + host + ":" + port + ": " + e.getMessage(), e);
        }
        return new StandaloneServer(
                server, host, application, scheme, settings.streaming().stopGraceSeconds());
    }

    /** The application being served, to watch its Arrow memory. */
    public ArrowHttpApplication application() {
        return application;
    }

    /** The port bound, also when 0 was asked for. */
    public int port() {
        NetworkListener listener = server.getListeners().iterator().next();
        return listener.getPort();
    }

    public URI baseUri() {
        return URI.create(scheme + "://" + hostForUri(host) + ":" + port() + "/");
    }

    /**
     * Stops gracefully: new streams are refused while running ones get the configured grace to
     * finish ({@code arrowhttp.stop-grace-seconds}), those left are ended so that their clients see
     * a failure, and then the server stops.
     */
    @Override
    public void close() {
        application.stop(Duration.ofSeconds(stopGraceSeconds));
        try {
            server.shutdown(GRACE_SECONDS, TimeUnit.SECONDS).get(GRACE_SECONDS + 5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // Fall through to the hard stop below.
        } finally {
            server.shutdownNow();
        }
    }

    /**
     * A fixed worker pool: one thread per stream the application may send, and some to spare for
     * the catalog, {@code /status} and handshakes (Grizzly's default, two per core, lets four
     * stalled clients on two cores take every thread); {@link ProtocolErrorAddOn} for what
     * Grizzly's HTTP parser refuses on its own; and {@link HalfClosedInput}, so that a client that
     * half-closes its connection mid-body gets its answer.
     */
    private static void configureListeners(HttpServer server, int threads) {
        for (NetworkListener listener : server.getListeners()) {
            listener.registerAddOn(new ProtocolErrorAddOn());
            listener.registerAddOn(HalfClosedInput.addOn());
            listener.getTransport()
                    .setWorkerThreadPoolConfig(ThreadPoolConfig.defaultConfig()
                            .setPoolName("arrowhttp-worker")
                            .setCorePoolSize(threads)
                            .setMaxPoolSize(threads));
        }
    }

    /**
     * Puts {@link ContainerErrorHandler} and {@link DeferredContinueHandler} in front of Jersey's
     * container, at the same paths.
     */
    private static void answerContainerErrors(HttpServer server) {
        ServerConfiguration configuration = server.getServerConfiguration();
        Map<HttpHandler, HttpHandlerRegistration[]> handlers = Map.copyOf(configuration.getHttpHandlersWithMapping());
        handlers.forEach((handler, paths) -> {
            configuration.removeHttpHandler(handler);
            configuration.addHttpHandler(new DeferredContinueHandler(new ContainerErrorHandler(handler)), paths);
        });
    }

    /** The server side of TLS, offering only {@link TlsPolicy}'s versions and forward-secret AEAD suites. */
    private static SSLEngineConfigurator serverTls(TlsOptions tls) {
        SSLContext context = tls.context();
        SSLEngineConfigurator configurator = new SSLEngineConfigurator(context, false, tls.mutual(), false);
        configurator.setEnabledProtocols(TlsPolicy.protocols());
        configurator.setEnabledCipherSuites(TlsPolicy.cipherSuites(context));
        return configurator;
    }

    private static String hostForUri(String host) {
        return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }
}

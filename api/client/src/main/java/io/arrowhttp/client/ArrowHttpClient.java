package io.arrowhttp.client;

import com.fasterxml.jackson.databind.JsonNode;

import io.arrowhttp.protocol.ArrowHttpException;
import io.arrowhttp.protocol.ErrorCode;
import io.arrowhttp.protocol.DatasetInfo;
import io.arrowhttp.protocol.internal.Json;
import io.arrowhttp.tls.TlsMaterial;

import jakarta.ws.rs.client.Client;
import jakarta.ws.rs.client.ClientBuilder;
import jakarta.ws.rs.client.Invocation;
import jakarta.ws.rs.client.WebTarget;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.types.pojo.Schema;
import org.glassfish.jersey.client.ClientConfig;
import org.glassfish.jersey.client.HttpUrlConnectorProvider;

/**
 * A client of an arrowhttp server, in the spirit of Arrow Flight's {@code FlightClient}: the
 * catalog ({@link #listDatasets()}, {@link #info}, {@link #schema}) and datasets streamed into
 * Arrow ({@link #get}).
 *
 * <pre>{@code
 * try (ArrowHttpClient client = ArrowHttpClient.builder(URI.create("http://127.0.0.1:8008/")).build();
 *      BufferAllocator allocator = new RootAllocator();
 *      DatasetStream stream = client.get("tickers", GetOptions.defaults().parameter("rows", 1_000_000), allocator)) {
 *     while (stream.reader().loadNextBatch()) {
 *         VectorSchemaRoot batch = stream.reader().getVectorSchemaRoot();
 *     }
 * }
 * }</pre>
 *
 * Built on the JAX-RS client with Jersey's {@code HttpURLConnection} connector, the fastest at
 * reading large bodies here. Errors answered by the server become {@link ArrowHttpException}s
 * with the server's code. Thread-safe; close it to release its connections and timer.
 */
public final class ArrowHttpClient implements AutoCloseable {

    private static final int BUFFER_BYTES = 256 * 1024;
    private static final Duration DEADLINE_GRACE = Duration.ofSeconds(2);

    private final URI base;
    private final Client client;
    private final Map<String, String> headers;
    private final Duration defaultTimeout;
    private final ThreadLocal<HttpURLConnection> lastConnection = new ThreadLocal<>();
    private final ScheduledThreadPoolExecutor timer;
    private final String basicUser;
    private final char[] basicPassword;

    private ArrowHttpClient(Builder builder) {
        this.base = builder.base;
        this.headers = Map.copyOf(builder.headers);
        this.defaultTimeout = builder.timeout;
        ClientConfig config = new ClientConfig().connectorProvider(new HttpUrlConnectorProvider()
                .connectionFactory(url -> {
                    HttpURLConnection connection = (HttpURLConnection) url.openConnection();
                    lastConnection.set(connection);
                    return connection;
                }));
        ClientBuilder clientBuilder = ClientBuilder.newBuilder().withConfig(config);
        if (builder.sslContext != null) {
            clientBuilder.sslContext(builder.sslContext);
        }
        this.client = clientBuilder
                .connectTimeout(builder.connectTimeout.toMillis(), TimeUnit.MILLISECONDS)
                .readTimeout(builder.readTimeout.toMillis(), TimeUnit.MILLISECONDS)
                .build();
        List<ClientMiddleware> allMiddleware = new ArrayList<>(builder.middleware);
        if (builder.basicUser != null) {
            allMiddleware.add(0, new TokenAuthentication(this::handshake));
        } else if (builder.bearerToken != null) {
            String header = "Bearer " + builder.bearerToken;
            allMiddleware.add(0, new ClientMiddleware() {
                @Override
                public void onBeforeRequest(URI uri, jakarta.ws.rs.core.MultivaluedMap<String, Object> headers) {
                    headers.putSingle("Authorization", header);
                }
            });
        }
        this.basicUser = builder.basicUser;
        this.basicPassword = builder.basicPassword;
        for (ClientMiddleware middleware : allMiddleware) {
            client.register((jakarta.ws.rs.client.ClientRequestFilter) request ->
                    middleware.onBeforeRequest(request.getUri(), request.getHeaders()));
            client.register((jakarta.ws.rs.client.ClientResponseFilter) (request, response) ->
                    middleware.onResponse(request.getUri(), response.getStatus(), response.getHeaders()));
        }
        this.timer = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "arrowhttp-client-deadlines");
            thread.setDaemon(true);
            return thread;
        });
        this.timer.setRemoveOnCancelPolicy(true);
    }

    /** A client of the server at {@code base}, such as {@code http://127.0.0.1:8008/}. */
    public static Builder builder(URI base) {
        return new Builder(base);
    }

    /** Every dataset of the server, as its catalog describes it. */
    public List<DatasetInfo> listDatasets() {
        JsonNode datasets = json(target().path("datasets")).path("datasets");
        List<DatasetInfo> infos = new ArrayList<>();
        for (JsonNode dataset : datasets) {
            infos.add(toInfo(dataset));
        }
        return infos;
    }

    /** One dataset's catalog entry. */
    public DatasetInfo info(String name) {
        return toInfo(json(target().path("datasets").path(name).path("info")));
    }

    /** A dataset's schema. */
    public Schema schema(String name) {
        try {
            return Schema.fromJSON(json(target().path("datasets").path(name).path("schema")).toString());
        } catch (IOException e) {
            throw new UncheckedIOException("The server sent a schema Arrow cannot read", e);
        }
    }

    /**
     * Starts receiving a dataset: returns once the JSON metadata has arrived, with the record
     * batches to read from {@link DatasetStream#reader()}.
     *
     * @param allocator the reader's buffers come from it; the caller owns it and closes it after
     *     the stream
     * @throws ArrowHttpException with the server's code when it refuses the request
     */
    public DatasetStream get(String name, GetOptions options, BufferAllocator allocator) throws IOException {
        return stream(target().path("datasets").path(name), options, allocator);
    }

    /**
     * As {@link #get}, for a dataset's full URL, such as a location from the catalog, {@code /}
     * of a server, or a URL with query parameters of its own.
     */
    public DatasetStream fetch(URI location, GetOptions options, BufferAllocator allocator) throws IOException {
        return stream(client.target(location), options, allocator);
    }

    private DatasetStream stream(WebTarget dataset, GetOptions options, BufferAllocator allocator) throws IOException {
        WebTarget target = dataset;
        for (Map.Entry<String, String> parameter : options.parameters().entrySet()) {
            target = target.queryParam(parameter.getKey(), parameter.getValue());
        }
        Duration timeout = options.timeoutOrNull() != null ? options.timeoutOrNull() : defaultTimeout;
        Invocation.Builder request = request(target, "multipart/mixed");
        if (timeout != null) {
            request.header("X-Request-Timeout", String.format(Locale.ROOT, "%.3f", timeout.toNanos() / 1e9));
        }
        lastConnection.remove();
        Response response = send(request);
        HttpURLConnection connection = lastConnection.get();
        lastConnection.remove();
        Runnable disconnect = () -> {
            if (connection != null) {
                connection.disconnect();
            }
            response.close();
        };
        // The server ends a late response itself and says so in the status part; the local timer,
        // a little later, covers a server that does not.
        java.util.concurrent.atomic.AtomicBoolean timedOutHere = new java.util.concurrent.atomic.AtomicBoolean();
        ScheduledFuture<?> deadline = timeout == null ? null : timer.schedule(() -> {
            timedOutHere.set(true);
            disconnect.run();
        }, timeout.plus(DEADLINE_GRACE).toMillis(), TimeUnit.MILLISECONDS);
        try {
            failUnlessOk(response);
            String boundary = response.getMediaType() == null ? null : response.getMediaType().getParameters().get("boundary");
            if (!"multipart".equals(response.getMediaType().getType()) || boundary == null) {
                throw new IOException("Expected a multipart/mixed response with a boundary, got " + response.getMediaType());
            }
            CountingInputStream counted = new CountingInputStream(response.readEntity(InputStream.class));
            InputStream body = new BufferedInputStream(counted, BUFFER_BYTES);
            Runnable stop = () -> {
                if (deadline != null) {
                    deadline.cancel(false);
                }
                disconnect.run();
            };
            return new DatasetStream(body, boundary, allocator, stop, timedOutHere::get, counted::count);
        } catch (IOException | RuntimeException e) {
            if (deadline != null) {
                deadline.cancel(false);
            }
            disconnect.run();
            throw e;
        }
    }

    /** Exchanges the Basic credentials for a bearer token at {@code POST /auth/handshake}. */
    private TokenAuthentication.Token handshake() {
        String basic = java.util.Base64.getEncoder().encodeToString(
                (basicUser + ":" + new String(basicPassword)).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        try (Response response = request(target().path("auth").path("handshake"), MediaType.APPLICATION_JSON)
                .header("Authorization", "Basic " + basic)
                .post(jakarta.ws.rs.client.Entity.text(""))) {
            failUnlessOk(response);
            JsonNode body = Json.mapper().readTree(response.readEntity(InputStream.class));
            return new TokenAuthentication.Token(body.path("token").asText(),
                    java.time.Instant.parse(body.path("expiresAt").asText()));
        } catch (IOException e) {
            throw new UncheckedIOException("The handshake's answer could not be read", e);
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        client.close();
    }

    private WebTarget target() {
        return client.target(base);
    }

    private Invocation.Builder request(WebTarget target, String accept) {
        Invocation.Builder request = target.request(accept);
        headers.forEach(request::header);
        return request;
    }

    /** Sends a GET; a refusal raised by middleware (a failed handshake) comes out as itself. */
    private static Response send(Invocation.Builder request) {
        try {
            return request.get();
        } catch (jakarta.ws.rs.ProcessingException e) {
            if (e.getCause() instanceof ArrowHttpException refused) {
                throw refused;
            }
            throw e;
        }
    }

    private JsonNode json(WebTarget target) {
        try (Response response = send(request(target, MediaType.APPLICATION_JSON))) {
            failUnlessOk(response);
            return Json.mapper().readTree(response.readEntity(InputStream.class));
        } catch (IOException e) {
            throw new UncheckedIOException("The server's JSON could not be read", e);
        }
    }

    private static DatasetInfo toInfo(JsonNode node) {
        try {
            return Json.mapper().treeToValue(node, DatasetInfo.class);
        } catch (IOException e) {
            throw new UncheckedIOException("The server's catalog entry could not be read: " + node, e);
        }
    }

    /** Turns an error response into the server's code and message. */
    private static void failUnlessOk(Response response) {
        if (response.getStatus() == 200) {
            return;
        }
        String detail = "HTTP " + response.getStatus();
        ErrorCode code = null;
        try {
            JsonNode problem = Json.mapper().readTree(response.readEntity(InputStream.class));
            detail = problem.path("detail").asText(detail);
            code = ErrorCode.valueOf(problem.path("code").asText());
        } catch (IOException | RuntimeException notAProblemBody) {
            // Fall back on the status.
        }
        response.close();
        if (code == null) {
            code = codeForStatus(response.getStatus());
        }
        throw new ArrowHttpException(code, detail);
    }

    private static ErrorCode codeForStatus(int status) {
        for (ErrorCode code : ErrorCode.values()) {
            if (code.httpStatus() == status) {
                return code;
            }
        }
        return status >= 500 ? ErrorCode.UNKNOWN : ErrorCode.INVALID_ARGUMENT;
    }

    /** Counts the bytes of a response body as they arrive, below the buffering. */
    private static final class CountingInputStream extends java.io.FilterInputStream {
        private volatile long count;

        CountingInputStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] bytes, int offset, int length) throws IOException {
            int n = super.read(bytes, offset, length);
            if (n > 0) {
                count += n;
            }
            return n;
        }

        long count() {
            return count;
        }
    }

    /** Where the server is, timeouts and extra headers. */
    public static final class Builder {

        private final URI base;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration readTimeout = Duration.ofSeconds(60);
        private Duration timeout;
        private final Map<String, String> headers = new LinkedHashMap<>();
        private final List<ClientMiddleware> middleware = new ArrayList<>();
        private KeyStore trusted;
        private KeyStore clientKeys;
        private char[] clientKeysPassword;
        private javax.net.ssl.SSLContext sslContext;
        private String basicUser;
        private char[] basicPassword;
        private String bearerToken;

        private Builder(URI base) {
            Objects.requireNonNull(base, "base");
            if (!"http".equals(base.getScheme()) && !"https".equals(base.getScheme())) {
                throw new IllegalArgumentException("The server's URI must be http or https, got " + base);
            }
            this.base = base.getPath().endsWith("/") ? base : URI.create(base + "/");
        }

        /** How long to wait for a connection. 10 s by default. */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /** How long a read may wait for the next bytes. 60 s by default. */
        public Builder readTimeout(Duration timeout) {
            this.readTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /** A deadline for every dataset call, unless its {@link GetOptions} give one. None by default. */
        public Builder timeout(Duration timeout) {
            this.timeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /** A header sent with every request. */
        public Builder header(String name, String value) {
            headers.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /** For {@code https}: trusts the CA certificates in this PEM file instead of the JVM's defaults. */
        public Builder trustCertificates(Path pemFile) {
            this.trusted = TlsMaterial.trustStoreFromPem(pemFile);
            return this;
        }

        /** For {@code https}: trusts the certificates of this PKCS12 trust store instead of the JVM's defaults. */
        public Builder trustStore(Path pkcs12, char[] password) {
            this.trusted = TlsMaterial.keyStore(pkcs12, password);
            return this;
        }

        /** For mutual TLS: presents this certificate chain and key (PEM files, the key PKCS#8). */
        public Builder clientCertificate(Path certificateChainPem, Path privateKeyPem) {
            this.clientKeys = TlsMaterial.keyStoreFromPem(certificateChainPem, privateKeyPem);
            this.clientKeysPassword = null;
            return this;
        }

        /** For mutual TLS: presents the key in this PKCS12 keystore. */
        public Builder clientKeyStore(Path pkcs12, char[] password) {
            this.clientKeys = TlsMaterial.keyStore(pkcs12, password);
            this.clientKeysPassword = password;
            return this;
        }

        /**
         * Authenticates like Arrow Flight's handshake: these credentials go once to
         * {@code POST /auth/handshake} (HTTP Basic), and the bearer token it returns goes with
         * every call, renewed before it expires. Use HTTPS: the password travels with the handshake.
         */
        public Builder basicHandshake(String user, char[] password) {
            this.basicUser = Objects.requireNonNull(user, "user");
            this.basicPassword = Objects.requireNonNull(password, "password").clone();
            return this;
        }

        /** Sends this bearer token (an API token of the server) with every call. */
        public Builder bearerToken(String token) {
            this.bearerToken = Objects.requireNonNull(token, "token");
            return this;
        }

        /** Adds middleware around every request, in the order added. */
        public Builder middleware(ClientMiddleware middleware) {
            this.middleware.add(Objects.requireNonNull(middleware, "middleware"));
            return this;
        }

        public ArrowHttpClient build() {
            if (trusted != null || clientKeys != null) {
                sslContext = TlsMaterial.context(clientKeys, clientKeysPassword, trusted);
            }
            return new ArrowHttpClient(this);
        }
    }
}

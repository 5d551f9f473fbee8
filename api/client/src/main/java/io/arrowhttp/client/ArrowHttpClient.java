package io.arrowhttp.client;

import io.arrowhttp.client.internal.ContentType;
import io.arrowhttp.client.internal.CountingInputStream;
import io.arrowhttp.client.internal.HttpExchange;
import io.arrowhttp.client.internal.PartitionFetch;
import io.arrowhttp.client.internal.UploadBodyWriter;
import io.arrowhttp.protocol.ArrowHttpException;
import io.arrowhttp.protocol.ArrowMediaTypes;
import io.arrowhttp.protocol.Catalog;
import io.arrowhttp.protocol.ContentCoding;
import io.arrowhttp.protocol.DatasetInfo;
import io.arrowhttp.protocol.ErrorCode;
import io.arrowhttp.protocol.HandshakeResponse;
import io.arrowhttp.protocol.HeaderNames;
import io.arrowhttp.protocol.HttpStatus;
import io.arrowhttp.protocol.Problem;
import io.arrowhttp.protocol.ProtocolJson;
import io.arrowhttp.protocol.QueryParameters;
import io.arrowhttp.protocol.ResourcePaths;
import io.arrowhttp.protocol.UploadMetadata;
import io.arrowhttp.protocol.UploadResult;
import io.arrowhttp.protocol.internal.ArrowRuntimeCheck;
import io.arrowhttp.protocol.internal.ContentDecoding;
import io.arrowhttp.protocol.internal.SecureBoundary;
import io.arrowhttp.tls.TlsMaterial;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedHashMap;
import jakarta.ws.rs.core.MultivaluedMap;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.StringJoiner;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLContext;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * A client of an arrowhttp server, in the spirit of Arrow Flight's {@code FlightClient}: the
 * catalog ({@link #listDatasets()}, {@link #info}, {@link #schema}), datasets streamed into
 * Arrow ({@link #get}), and uploads streamed from Arrow ({@link #put}, {@link #append}).
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
 * Every call has a connection of its own (the JDK's {@code HttpURLConnection}, pooled between
 * calls that read their response to the end), so one client serves any number of threads and
 * parallel streams. Every method throws {@link IOException} when the server cannot be reached or
 * its answer cannot be read, and {@link ArrowHttpException} (unchecked) with the server's code
 * when the server refuses. Close it to stop its deadline timer.
 */
public final class ArrowHttpClient implements AutoCloseable {

    private static final int BUFFER_BYTES = 256 * 1024;
    private static final Duration DEADLINE_GRACE = Duration.ofSeconds(2);

    private final URI base;
    private final Map<String, String> headers;
    private final Duration defaultTimeout;
    private final Duration connectTimeout;
    private final Duration readTimeout;
    private final SSLContext tls;
    private final List<ClientMiddleware> middleware;
    private final ScheduledThreadPoolExecutor timer;

    private ArrowHttpClient(Builder builder) {
        this.base = builder.base;
        this.headers = Map.copyOf(builder.headers);
        this.defaultTimeout = builder.timeout;
        this.connectTimeout = builder.connectTimeout;
        this.readTimeout = builder.readTimeout;
        this.tls = builder.sslContext;
        List<ClientMiddleware> all = new ArrayList<>(builder.middleware);
        if (builder.basicUser != null) {
            String user = builder.basicUser;
            char[] password = builder.basicPassword;
            all.add(0, new TokenAuthentication(() -> handshake(user, password)));
        } else if (builder.bearerToken != null) {
            all.add(0, new StaticBearerToken(builder.bearerToken));
        }
        this.middleware = List.copyOf(all);
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
    public List<DatasetInfo> listDatasets() throws IOException {
        return getJson(base.resolve(ResourcePaths.DATASETS), Catalog.class).datasets();
    }

    /** One dataset's catalog entry. */
    public DatasetInfo info(String name) throws IOException {
        return getJson(
                base.resolve(ResourcePaths.dataset(pathSegment(name)) + "/" + ResourcePaths.INFO), DatasetInfo.class);
    }

    /** A dataset's schema. */
    public Schema schema(String name) throws IOException {
        URI uri = base.resolve(ResourcePaths.dataset(pathSegment(name)) + "/" + ResourcePaths.SCHEMA);
        HttpExchange exchange = send(uri, "GET", MediaType.APPLICATION_JSON, null);
        try (InputStream body = exchange.body()) {
            failUnlessOk(exchange);
            return Schema.fromJSON(new String(body.readAllBytes(), StandardCharsets.UTF_8));
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
        return stream(base.resolve(ResourcePaths.dataset(pathSegment(name))), options, allocator);
    }

    /**
     * As {@link #get}, for a dataset's full URL, such as a location from the catalog, {@code /}
     * of a server, or a URL with query parameters of its own.
     */
    public DatasetStream fetch(URI location, GetOptions options, BufferAllocator allocator) throws IOException {
        return stream(location, options, allocator);
    }

    private DatasetStream stream(URI dataset, GetOptions options, BufferAllocator allocator) throws IOException {
        ArrowRuntimeCheck.require();
        URI uri = withQuery(dataset, options.parameters());
        Duration timeout = options.timeoutOrNull() != null ? options.timeoutOrNull() : defaultTimeout;
        MultivaluedMap<String, Object> extra = new MultivaluedHashMap<>();
        if (timeout != null) {
            extra.putSingle(HeaderNames.REQUEST_TIMEOUT, String.format(Locale.ROOT, "%.3f", timeout.toNanos() / 1e9));
        }
        String accept = ArrowMediaTypes.MULTIPART_MIXED;
        Compression compression = options.compressionOrNull();
        if (compression != null && compression.ipcCodec() != null) {
            // The Arrow range names the codecs of the multipart response's Arrow part; its lower
            // quality keeps multipart the type chosen.
            accept += ", " + ArrowMediaTypes.ARROW_STREAM + "; " + ArrowMediaTypes.CODECS + "=\""
                    + compression.ipcCodec().token() + "\"; q=0.5";
        } else if (compression != null) {
            // Refusing identity says the coding is meant: a server may leave an offer unanswered.
            extra.putSingle(
                    HttpHeaders.ACCEPT_ENCODING, compression.contentCoding().token() + ", identity;q=0");
        }
        HttpExchange exchange = send(uri, "GET", accept, extra, null);
        // The server ends a late response itself and says so in the status part; the local timer,
        // a little later, covers a server that does not.
        AtomicBoolean timedOutHere = new AtomicBoolean();
        ScheduledFuture<?> deadline = timeout == null
                ? null
                : timer.schedule(
                        () -> {
                            timedOutHere.set(true);
                            exchange.disconnect();
                        },
                        timeout.plus(DEADLINE_GRACE).toMillis(),
                        TimeUnit.MILLISECONDS);
        Runnable stop = () -> {
            if (deadline != null) {
                deadline.cancel(false);
            }
            exchange.disconnect();
        };
        try {
            failUnlessOk(exchange);
            ContentType type = ContentType.parse(exchange.header(HttpHeaders.CONTENT_TYPE));
            String boundary = type == null ? null : type.parameters().get("boundary");
            if (type == null || !type.isMultipart() || boundary == null || boundary.isEmpty()) {
                throw new IOException("Expected a multipart/mixed response with a boundary, got "
                        + exchange.header(HttpHeaders.CONTENT_TYPE));
            }
            CountingInputStream counted = new CountingInputStream(exchange.body());
            InputStream body = new BufferedInputStream(
                    ContentDecoding.decode(exchange.header(HttpHeaders.CONTENT_ENCODING), counted), BUFFER_BYTES);
            return new DatasetStream(
                    body,
                    boundary,
                    allocator,
                    stop,
                    timedOutHere::get,
                    counted::count,
                    exchange.header(HttpHeaders.CONTENT_ENCODING));
        } catch (IOException | RuntimeException e) {
            stop.run();
            throw e;
        }
    }

    /**
     * Uploads {@code batches} as dataset {@code name}, creating it or replacing its content
     * ({@code PUT}, Arrow Flight's DoPut): streamed as they are read, one batch in memory at a
     * time. The server writes all of them or, when anything fails, nothing.
     *
     * @param batches read to the end; the caller owns and closes it
     * @throws ArrowHttpException with the server's code when it refuses the upload, or
     *     {@code CANCELLED} when the options' listener cancelled it
     */
    public UploadResult put(String name, ArrowReader batches, UploadOptions options) throws IOException {
        return upload("PUT", name, batches, options);
    }

    /**
     * Adds {@code batches} after the rows of dataset {@code name} ({@code POST}); the schemas must
     * be equal. See {@link #put}.
     */
    public UploadResult append(String name, ArrowReader batches, UploadOptions options) throws IOException {
        return upload("POST", name, batches, options);
    }

    /**
     * Deletes dataset {@code name} ({@code DELETE}), one that uploads made, with everything the
     * server stored of it: all or nothing.
     *
     * @throws ArrowHttpException {@code NOT_FOUND} when the server has no such dataset,
     *     {@code INVALID_ARGUMENT} (405) for one it does not let clients delete (a configured
     *     dataset), {@code UNAUTHORIZED} for a caller who is not one of its writers
     */
    public void delete(String name) throws IOException {
        HttpExchange exchange = send(
                base.resolve(ResourcePaths.dataset(pathSegment(name))), "DELETE", MediaType.APPLICATION_JSON, null);
        if (exchange.status() != HttpStatus.NO_CONTENT) {
            failUnlessOk(exchange);
        }
        exchange.body().close();
    }

    private UploadResult upload(String method, String name, ArrowReader batches, UploadOptions options)
            throws IOException {
        ArrowRuntimeCheck.require();
        URI uri = base.resolve(ResourcePaths.dataset(pathSegment(name)));
        UploadMetadata metadata = options.metadataOrNull();
        String boundary = metadata == null ? null : SecureBoundary.next();
        Compression compression = options.compressionOrNull();
        MultivaluedMap<String, Object> extra = new MultivaluedHashMap<>();
        extra.putSingle(
                HttpHeaders.CONTENT_TYPE,
                boundary == null
                        ? ArrowMediaTypes.ARROW_STREAM
                        : ArrowMediaTypes.MULTIPART_MIXED + "; boundary=" + boundary);
        ContentCoding coding = compression == null ? null : compression.contentCoding();
        if (coding != null) {
            extra.putSingle(HttpHeaders.CONTENT_ENCODING, coding.token());
        }
        UploadListener listener = options.listener();
        UploadBodyWriter writer = new UploadBodyWriter(
                batches,
                metadata,
                boundary,
                compression == null ? null : compression.ipcCodec(),
                coding,
                listener::onBatch,
                listener::isCancelled);
        HttpExchange exchange;
        try {
            exchange = sendStreaming(uri, method, MediaType.APPLICATION_JSON, extra, writer::writeTo);
        } catch (UploadBodyWriter.Cancelled cancelled) {
            throw new ArrowHttpException(
                    ErrorCode.CANCELLED, cancelled.getMessage() + "; the server wrote nothing of it");
        }
        try (InputStream body = exchange.body()) {
            if (exchange.status() != HttpStatus.CREATED) {
                failUnlessOk(exchange);
            }
            return ProtocolJson.mapper().readValue(body, UploadResult.class);
        }
    }

    /**
     * Fetches every endpoint of dataset {@code name}'s catalog entry, up to {@code parallelism} at
     * once, and hands their batches to {@code consumer} on this thread: in endpoint order, unless
     * the entry says the endpoints' order does not matter ({@code "ordered": false}, as for ranges
     * of a column), then as they arrive. For a dataset served whole this is
     * one fetch. Memory stays at about {@code parallelism} times two batches. Each endpoint is
     * tried at its locations in turn until one delivers all of it: when one fails part-way, the
     * next resumes after the last batch handed over ({@code start_batch}), so no batch is handed
     * over twice. When every location has failed, the whole fetch fails, naming the endpoint, and
     * closes every stream.
     *
     * @param allocator the batches' memory comes from it; the caller owns it and closes it after
     *     this returns
     * @return the rows and batches handed over
     */
    public PartitionTotals fetchPartitions(
            String name, GetOptions options, int parallelism, BufferAllocator allocator, PartitionConsumer consumer)
            throws IOException {
        DatasetInfo info = info(name);
        return fetchEndpoints(info, options, parallelism, !Boolean.FALSE.equals(info.ordered()), allocator, consumer);
    }

    /**
     * As {@link #fetchPartitions(String, GetOptions, int, BufferAllocator, PartitionConsumer)}; with
     * {@code inEndpointOrder} false, batches are handed over as they arrive from any endpoint, each
     * with its endpoint's index, whatever the entry's {@code ordered} says. Endpoints then never
     * wait for one another: for a consumer that keeps each endpoint's batches apart (a file per
     * partition, a sum), this is the fast way, where several servers or connections can send more
     * than one.
     */
    public PartitionTotals fetchPartitions(
            String name,
            GetOptions options,
            int parallelism,
            boolean inEndpointOrder,
            BufferAllocator allocator,
            PartitionConsumer consumer)
            throws IOException {
        return fetchEndpoints(info(name), options, parallelism, inEndpointOrder, allocator, consumer);
    }

    private PartitionTotals fetchEndpoints(
            DatasetInfo info,
            GetOptions options,
            int parallelism,
            boolean inEndpointOrder,
            BufferAllocator allocator,
            PartitionConsumer consumer)
            throws IOException {
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism must be at least 1, got " + parallelism);
        }
        List<List<URI>> endpoints =
                info.endpoints().stream().map(DatasetInfo.Endpoint::locations).toList();
        PartitionFetch.Totals totals = PartitionFetch.run(
                endpoints,
                parallelism,
                inEndpointOrder,
                allocator,
                (location, startBatch, child) -> {
                    DatasetStream stream = fetch(resumedAt(location, startBatch), options, child);
                    return new PartitionFetch.Source() {
                        @Override
                        public ArrowReader reader() {
                            return stream.reader();
                        }

                        @Override
                        public void close() throws IOException {
                            stream.close();
                        }
                    };
                },
                consumer::accept);
        return new PartitionTotals(endpoints.size(), totals.rows(), totals.batches());
    }

    /** {@code location} from batch {@code startBatch} on, or all of it from 0. */
    private static URI resumedAt(URI location, long startBatch) {
        if (startBatch == 0) {
            return location;
        }
        String separator = location.getRawQuery() == null ? "?" : "&";
        return URI.create(location + separator + QueryParameters.START_BATCH + "=" + startBatch);
    }

    /** What a parallel fetch moved: its endpoints, rows and batches. */
    public record PartitionTotals(int endpoints, long rows, long batches) {}

    /** Exchanges Basic credentials for a bearer token at {@code POST /auth/handshake}. */
    private HandshakeResponse handshake(String user, char[] password) throws IOException {
        String basic = Base64.getEncoder()
                .encodeToString((user + ":" + new String(password)).getBytes(StandardCharsets.UTF_8));
        MultivaluedMap<String, Object> extra = new MultivaluedHashMap<>();
        extra.putSingle(HttpHeaders.AUTHORIZATION, "Basic " + basic);
        HttpExchange exchange =
                send(base.resolve(ResourcePaths.HANDSHAKE), "POST", MediaType.APPLICATION_JSON, extra, new byte[0]);
        try (InputStream body = exchange.body()) {
            failUnlessOk(exchange);
            return ProtocolJson.mapper().readValue(body, HandshakeResponse.class);
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }

    private <T> T getJson(URI uri, Class<T> type) throws IOException {
        HttpExchange exchange = send(uri, "GET", MediaType.APPLICATION_JSON, null);
        try (InputStream body = exchange.body()) {
            failUnlessOk(exchange);
            return ProtocolJson.mapper().readValue(body, type);
        }
    }

    private HttpExchange send(URI uri, String method, String accept, byte[] body) throws IOException {
        return send(uri, method, accept, new MultivaluedHashMap<>(), body);
    }

    private HttpExchange send(URI uri, String method, String accept, MultivaluedMap<String, Object> extra, byte[] body)
            throws IOException {
        return exchange(uri, method, accept, extra, new RequestBody(body, null));
    }

    private HttpExchange sendStreaming(
            URI uri,
            String method,
            String accept,
            MultivaluedMap<String, Object> extra,
            HttpExchange.BodyWriter streamed)
            throws IOException {
        return exchange(uri, method, accept, extra, new RequestBody(null, streamed));
    }

    /** A request body: bytes at hand, or written as it is sent, or neither. */
    private record RequestBody(byte[] bytes, HttpExchange.BodyWriter streamed) {}

    /** Sends a request through the middleware; a refusal raised by middleware comes out as itself. */
    private HttpExchange exchange(
            URI uri, String method, String accept, MultivaluedMap<String, Object> extra, RequestBody body)
            throws IOException {
        MultivaluedMap<String, Object> requestHeaders = new MultivaluedHashMap<>();
        requestHeaders.putSingle(HttpHeaders.ACCEPT, accept);
        headers.forEach(requestHeaders::putSingle);
        requestHeaders.putAll(extra);
        try {
            for (ClientMiddleware each : middleware) {
                each.onBeforeRequest(uri, requestHeaders);
            }
        } catch (UncheckedIOException handshakeFailed) {
            throw handshakeFailed.getCause();
        }
        HttpExchange exchange = body.streamed() != null
                ? HttpExchange.sendChunked(
                        uri, method, requestHeaders, body.streamed(), tls, connectTimeout, readTimeout)
                : HttpExchange.send(uri, method, requestHeaders, body.bytes(), tls, connectTimeout, readTimeout);
        try {
            MultivaluedMap<String, String> responseHeaders = exchange.headers();
            for (ClientMiddleware each : middleware) {
                each.onResponse(uri, exchange.status(), responseHeaders);
            }
        } catch (IOException | RuntimeException e) {
            exchange.disconnect();
            throw e;
        }
        return exchange;
    }

    /** Turns an error response into the server's code and message. */
    private static void failUnlessOk(HttpExchange exchange) throws IOException {
        int status = exchange.status();
        if (status == HttpStatus.OK) {
            return;
        }
        ErrorCode code = ErrorCode.forStatus(status);
        String detail = "HTTP " + status;
        try (InputStream body = exchange.body()) {
            Problem problem = ProtocolJson.mapper().readValue(body, Problem.class);
            code = problem.errorCode();
            if (problem.detail() != null) {
                detail = problem.detail();
            }
        } catch (IOException | RuntimeException notAProblemBody) {
            // The status says enough.
        }
        exchange.disconnect();
        throw new ArrowHttpException(code, detail);
    }

    private static String pathSegment(String name) {
        return URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static URI withQuery(URI uri, Map<String, String> parameters) {
        if (parameters.isEmpty()) {
            return uri;
        }
        StringJoiner query = new StringJoiner("&");
        parameters.forEach((name, value) -> query.add(URLEncoder.encode(name, StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(value, StandardCharsets.UTF_8)));
        String text = uri.toString();
        int fragment = text.indexOf('#');
        if (fragment >= 0) {
            text = text.substring(0, fragment);
        }
        return URI.create(text + (uri.getRawQuery() == null ? "?" : "&") + query);
    }

    /** Sends a fixed API token with every call. */
    private record StaticBearerToken(String token) implements ClientMiddleware {
        @Override
        public void onBeforeRequest(URI uri, MultivaluedMap<String, Object> headers) {
            headers.putSingle(HttpHeaders.AUTHORIZATION, "Bearer " + token);
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
        private SSLContext sslContext;
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

package io.arrowhttp.server;

import io.arrowhttp.dataset.Dataset;
import io.arrowhttp.dataset.DatasetStore;
import io.arrowhttp.internal.container.ServerTimer;
import io.arrowhttp.internal.container.StalledWrites;
import io.arrowhttp.internal.provider.AcceptHeaderFilter;
import io.arrowhttp.internal.provider.ArrowHttpExceptionMapper;
import io.arrowhttp.internal.provider.ArrowStreamBodyWriter;
import io.arrowhttp.internal.provider.ArrowStreamReleaseFilter;
import io.arrowhttp.internal.provider.AuthenticationFilter;
import io.arrowhttp.internal.provider.ClientAddressFilter;
import io.arrowhttp.internal.provider.CompressionFilter;
import io.arrowhttp.internal.provider.ContentTypeHeaderFilter;
import io.arrowhttp.internal.provider.CorsFilter;
import io.arrowhttp.internal.provider.InnermostStreamInterceptor;
import io.arrowhttp.internal.provider.MiddlewareCompletion;
import io.arrowhttp.internal.provider.MiddlewareFilter;
import io.arrowhttp.internal.provider.MultipartHeadersFilter;
import io.arrowhttp.internal.provider.RequestMetricsFilter;
import io.arrowhttp.internal.provider.RequestsInFlight;
import io.arrowhttp.internal.provider.StreamingResponseInterceptor;
import io.arrowhttp.internal.provider.TrustedHostFilter;
import io.arrowhttp.internal.provider.UnexpectedExceptionMapper;
import io.arrowhttp.internal.provider.WebApplicationExceptionMapper;
import io.arrowhttp.internal.resource.BareStreamPathFilter;
import io.arrowhttp.internal.resource.DatasetCache;
import io.arrowhttp.internal.resource.DatasetCatalog;
import io.arrowhttp.internal.resource.DatasetResource;
import io.arrowhttp.internal.resource.DatasetResponder;
import io.arrowhttp.internal.resource.DatasetUploads;
import io.arrowhttp.internal.resource.Deadlines;
import io.arrowhttp.internal.resource.HandshakeGuard;
import io.arrowhttp.internal.resource.HandshakeResource;
import io.arrowhttp.internal.resource.HealthResource;
import io.arrowhttp.internal.resource.RootDatasetResource;
import io.arrowhttp.internal.resource.StatusResource;
import io.arrowhttp.internal.resource.StreamLimits;
import io.arrowhttp.internal.resource.StreamMetrics;
import io.arrowhttp.internal.resource.TrustedProxies;
import io.arrowhttp.internal.resource.UploadLimits;
import io.arrowhttp.internal.resource.UploadPace;
import io.arrowhttp.protocol.ErrorCode;
import io.arrowhttp.protocol.internal.ArrowRuntimeCheck;
import io.arrowhttp.response.ArrowMultipart;
import io.arrowhttp.response.ArrowStream;
import io.arrowhttp.response.CompressionPolicy;
import io.arrowhttp.server.auth.Authenticator;
import io.arrowhttp.server.auth.WritePermission;
import io.arrowhttp.server.middleware.AccessLog;
import io.arrowhttp.server.middleware.RequestIds;
import io.arrowhttp.server.middleware.ServerMiddleware;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.ws.rs.core.Feature;
import jakarta.ws.rs.core.FeatureContext;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.memory.BufferAllocator;
import org.glassfish.jersey.media.multipart.MultiPartFeature;
import org.glassfish.jersey.server.spi.AbstractContainerLifecycleListener;
import org.glassfish.jersey.server.spi.Container;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thing to register in a Jersey application to serve Arrow data over HTTP.
 *
 * <pre>{@code
 * BufferAllocator root = new RootAllocator();          // yours: close it when the application stops
 * ResourceConfig config = new ResourceConfig()
 *         .register(ArrowHttpFeature.builder(root)
 *                 .dataset(new TickersDataset())
 *                 .rootDataset(TickersDataset.NAME)
 *                 .build());
 * }</pre>
 *
 * It registers:
 * <ul>
 *   <li>the writer of {@link ArrowStream} entities ({@code application/vnd.apache.arrow.stream}) and
 *       Jersey's multipart support, so resource methods can return {@link ArrowMultipart} entities;</li>
 *   <li>a filter that gives every multipart response an unguessable boundary, and one that releases
 *       the Arrow memory of every response when its request ends;</li>
 *   <li>exception mappers that answer every error with an {@code application/problem+json} body;</li>
 *   <li>when datasets were added, the catalog {@code GET /datasets}, {@code /datasets/{name}/info}
 *       and {@code /schema}, each dataset at {@code GET /datasets/{name}} (and as a bare Arrow
 *       stream whatever {@code Accept} says at {@code GET /datasets/{name}.arrows}), and {@code GET /} for
 *       the root dataset if one was chosen; {@code GET /status} when asked for.</li>
 * </ul>
 *
 * <h2>Memory</h2>
 * Each dataset response allocates from its own child of the allocator given to
 * {@link #builder(BufferAllocator)}, closed when the response ends, normally or not. The feature
 * never closes that allocator nor the datasets: they belong to whoever made them, and are to be
 * closed after the application has stopped (datasets first).
 */
public final class ArrowHttpFeature implements Feature {

    /** The least pace of an upload's body unless {@link Builder#minUploadRate} says otherwise: 1 KiB/s. */
    public static final long DEFAULT_MIN_UPLOAD_BYTES_PER_SECOND = 1024;

    /** What the pace of an upload's body is measured over unless {@link Builder#minUploadRate} says otherwise. */
    public static final Duration DEFAULT_UPLOAD_RATE_WINDOW = Duration.ofSeconds(10);

    /** Uploads taken at once unless {@link Builder#maxConcurrentUploads} says otherwise. */
    public static final int DEFAULT_MAX_CONCURRENT_UPLOADS = 4;

    /**
     * The Arrow bytes one upload may store, decompressed, unless {@link Builder#maxUploadBytes}
     * says otherwise: 1 GiB.
     */
    public static final long DEFAULT_MAX_UPLOAD_BYTES = 1L << 30;

    /**
     * The bytes of one upload's body as received unless {@link Builder#maxUploadBodyBytes} says
     * otherwise: 1 GiB.
     */
    public static final long DEFAULT_MAX_UPLOAD_BODY_BYTES = 1L << 30;

    /** The most Arrow memory one response may hold unless {@link Builder#responseMemoryLimit} says otherwise. */
    public static final long DEFAULT_RESPONSE_MEMORY_LIMIT = 64L << 20;

    /** The longest a response may take unless {@link Builder#responseTimeout} says otherwise. */
    public static final Duration DEFAULT_RESPONSE_TIMEOUT = Duration.ofHours(1);

    /** How long a client may take no data before its response is ended; see {@link Builder#writeTimeout}. */
    public static final Duration DEFAULT_WRITE_TIMEOUT = Duration.ofSeconds(30);

    /** The most dataset streams at once unless {@link Builder#maxConcurrentStreams} says otherwise. */
    public static final int DEFAULT_MAX_STREAMS = 64;

    /** The most streams one authenticated caller may run at once; see {@link Builder#maxConcurrentStreamsPerCaller}. */
    public static final int DEFAULT_MAX_STREAMS_PER_CALLER = 16;

    /**
     * The most streams one client address may run at once unless
     * {@link Builder#maxConcurrentStreamsPerAddress} says otherwise: a quarter of the streams
     * allowed in all, at least 1.
     */
    public static int defaultMaxStreamsPerAddress(int maxStreams) {
        return Math.max(1, maxStreams / 4);
    }

    private final BufferAllocator allocator;
    private final DatasetCatalog catalog;
    private final String rootDataset;
    private final long responseMemoryLimit;
    private final Duration responseTimeout;
    private final Duration writeTimeout;
    private final CompressionPolicy compression;
    private final int maxStreams;
    private final int maxStreamsPerCaller;
    private final int maxStreamsPerAddress;
    private static final Logger LOG = LoggerFactory.getLogger(ArrowHttpFeature.class);

    private final URI publicBaseUri;
    private final List<URI> group;
    private final MeterRegistry meterRegistry;
    private final DatasetCache cache;
    private volatile DatasetResponder responder;
    private final RequestsInFlight requestsInFlight = new RequestsInFlight();
    private final boolean statusEndpoint;
    private final List<ServerMiddleware.Factory> middleware;
    private final Set<String> corsOrigins;
    private final List<String> allowedHosts;
    private final Authenticator authenticator;
    private final List<DatasetUploads.Writable> stores;
    private final UploadLimits uploadLimits;
    private final TrustedProxies trustedProxies;
    private final long minUploadBytesPerSecond;
    private final Duration uploadRateWindow;

    private ArrowHttpFeature(Builder builder) {
        this.minUploadBytesPerSecond = builder.minUploadBytesPerSecond;
        this.uploadRateWindow = builder.uploadRateWindow;
        this.allocator = builder.allocator;
        this.catalog = builder.catalog;
        this.stores = List.copyOf(builder.stores);
        this.uploadLimits = new UploadLimits(
                builder.maxUploadBytes,
                builder.maxUploadBodyBytes,
                builder.maxUploadRows,
                builder.responseMemoryLimit,
                builder.maxConcurrentUploads);
        this.rootDataset = builder.rootDataset;
        this.responseMemoryLimit = builder.responseMemoryLimit;
        this.responseTimeout = builder.responseTimeout;
        this.writeTimeout = builder.writeTimeout;
        this.compression = builder.compression;
        this.maxStreams = builder.maxStreams;
        this.maxStreamsPerCaller = builder.maxStreamsPerCaller;
        this.maxStreamsPerAddress = builder.maxStreamsPerAddress >= 0
                ? builder.maxStreamsPerAddress
                : defaultMaxStreamsPerAddress(builder.maxStreams);
        this.publicBaseUri = builder.publicBaseUri;
        this.group = List.copyOf(builder.group);
        this.meterRegistry = builder.meterRegistry;
        this.cache =
                builder.cacheDirectory == null ? null : new DatasetCache(builder.cacheDirectory, builder.cacheMaxBytes);
        this.statusEndpoint = builder.statusEndpoint;
        List<ServerMiddleware.Factory> all = new ArrayList<>();
        if (builder.requestIds) {
            all.add(new RequestIds());
        }
        if (builder.accessLog) {
            all.add(new AccessLog());
        }
        all.addAll(builder.middleware);
        this.middleware = List.copyOf(all);
        this.corsOrigins = Set.copyOf(builder.corsOrigins);
        this.allowedHosts = List.copyOf(builder.allowedHosts);
        this.authenticator = builder.authenticator;
        this.trustedProxies = builder.trustedProxies;
    }

    /** The default of {@link #stop(Duration)}'s grace: how long running streams may take to finish. */
    public static final Duration DEFAULT_STOP_GRACE = Duration.ofSeconds(30);

    /**
     * Stops the application gracefully, before its container stops: new dataset requests get 503
     * and the readiness probe says so; streams that are running may finish for up to
     * {@code grace}; those still running then are ended so that their clients see a failure,
     * never a stream that looks complete, each with one log line. Returns once every stream has
     * ended and every request's thread has left the application (10 s after the grace at the
     * most each); the container can then stop without cutting a response, finding Arrow memory in
     * use or a request's state on its threads.
     *
     * @return how many streams were cut
     */
    public int stop(Duration grace) {
        DatasetResponder serving = responder;
        int cut = serving == null ? 0 : serving.stop(grace);
        // The streams have ended; their threads may still be leaving the application.
        requestsInFlight.awaitNone(TimeUnit.SECONDS.toNanos(10));
        if (cut > 0) {
            LOG.warn("Stopped after ending {} stream(s) still running after {} s", cut, grace.toSeconds());
        }
        return cut;
    }

    /** The Arrow cache's folder, when it has one; see {@link Builder#cache}. */
    public Optional<Path> cacheDirectory() {
        return cache == null ? Optional.empty() : Optional.of(cache.directory());
    }

    /**
     * @param allocator the parent of every response's allocator; the caller keeps ownership and
     *     closes it after the application has stopped
     */
    public static Builder builder(BufferAllocator allocator) {
        return new Builder(Objects.requireNonNull(allocator, "allocator"));
    }

    /**
     * Registers the providers and resources.
     *
     * @throws IllegalStateException when Arrow cannot work in this JVM, saying which JVM option to
     *     add: the application then fails to start instead of answering 200 and breaking the body
     */
    @Override
    public boolean configure(FeatureContext context) {
        ArrowRuntimeCheck.require();
        context.register(requestsInFlight);
        context.register(MultiPartFeature.class);
        context.register(ArrowStreamBodyWriter.class);
        context.register(MultipartHeadersFilter.class);
        context.register(AcceptHeaderFilter.class);
        context.register(ContentTypeHeaderFilter.class);
        context.register(CompressionFilter.class);
        context.register(ArrowStreamReleaseFilter.class);
        context.register(StreamingResponseInterceptor.class);
        context.register(InnermostStreamInterceptor.class);
        context.register(ArrowHttpExceptionMapper.class);
        context.register(WebApplicationExceptionMapper.class);
        context.register(UnexpectedExceptionMapper.class);
        StreamMetrics metrics = new StreamMetrics();
        if (meterRegistry != null) {
            metrics.bind(meterRegistry, allocator);
            if (cache != null) {
                cache.bind(meterRegistry);
            }
            context.register(new RequestMetricsFilter(meterRegistry));
        }
        ServerTimer timer = new ServerTimer();
        context.register(new AbstractContainerLifecycleListener() {
            @Override
            public void onShutdown(Container container) {
                timer.stop();
                if (cache != null) {
                    cache.close();
                }
            }
        });
        context.property(StalledWrites.PROPERTY, new StalledWrites(writeTimeout, timer));
        context.property(CompressionFilter.POLICY, compression);
        DatasetUploads uploads = new DatasetUploads(
                catalog,
                allocator,
                uploadLimits,
                new UploadPace(minUploadBytesPerSecond, uploadRateWindow, timer),
                stores);
        if (!catalog.isEmpty() || !stores.isEmpty()) {
            responder = new DatasetResponder(
                    catalog,
                    allocator,
                    responseMemoryLimit,
                    new Deadlines(responseTimeout, timer),
                    new StreamLimits(maxStreams, maxStreamsPerCaller, maxStreamsPerAddress),
                    publicBaseUri,
                    group,
                    metrics,
                    trustedProxies,
                    cache);
            context.register(new DatasetResource(responder, uploads));
            context.register(new BareStreamPathFilter(catalog));
            if (rootDataset != null) {
                context.register(new RootDatasetResource(responder, rootDataset));
            }
        }
        context.register(ClientAddressFilter.class);
        context.register(new TrustedHostFilter(publicBaseUri, allowedHosts));
        context.register(new HealthResource(catalog, () -> {
            DatasetResponder serving = responder;
            return serving != null && serving.stopping();
        }));
        if (statusEndpoint) {
            context.register(new StatusResource(allocator, metrics, uploads::placesTaken));
        }
        if (!middleware.isEmpty()) {
            context.register(new MiddlewareFilter(middleware));
            context.register(MiddlewareCompletion.class);
            context.register(MiddlewareCompletion.Counting.class);
        }
        if (!corsOrigins.isEmpty()) {
            context.register(new CorsFilter(corsOrigins, !stores.isEmpty()));
        }
        if (authenticator != null) {
            context.register(new AuthenticationFilter(authenticator));
            context.register(new HandshakeResource(authenticator, new HandshakeGuard(), metrics, trustedProxies));
        }
        return true;
    }

    /** Collects the datasets and limits; {@link #build()} checks them. */
    public static final class Builder {

        private final BufferAllocator allocator;
        private final DatasetCatalog catalog = new DatasetCatalog();
        private String rootDataset;
        private long responseMemoryLimit = DEFAULT_RESPONSE_MEMORY_LIMIT;
        private Duration responseTimeout = DEFAULT_RESPONSE_TIMEOUT;
        private Duration writeTimeout = DEFAULT_WRITE_TIMEOUT;
        private CompressionPolicy compression = CompressionPolicy.AUTO;
        private int maxStreams = DEFAULT_MAX_STREAMS;
        private int maxStreamsPerCaller = DEFAULT_MAX_STREAMS_PER_CALLER;
        private int maxStreamsPerAddress = -1;
        private URI publicBaseUri;
        private List<URI> group = List.of();
        private MeterRegistry meterRegistry;
        private boolean requestIds = true;
        private boolean accessLog = true;
        private boolean statusEndpoint;
        private final List<ServerMiddleware.Factory> middleware = new ArrayList<>();
        private final Set<String> corsOrigins = new LinkedHashSet<>();
        private final List<String> allowedHosts = new ArrayList<>();
        private Authenticator authenticator;
        private TrustedProxies trustedProxies = TrustedProxies.none();
        private final List<DatasetUploads.Writable> stores = new ArrayList<>();
        private long maxUploadBytes = DEFAULT_MAX_UPLOAD_BYTES;
        private long maxUploadBodyBytes = DEFAULT_MAX_UPLOAD_BODY_BYTES;
        private long maxUploadRows = Long.MAX_VALUE;
        private int maxConcurrentUploads = DEFAULT_MAX_CONCURRENT_UPLOADS;
        private Path cacheDirectory;
        private long cacheMaxBytes;
        private long minUploadBytesPerSecond = DEFAULT_MIN_UPLOAD_BYTES_PER_SECOND;
        private Duration uploadRateWindow = DEFAULT_UPLOAD_RATE_WINDOW;

        private Builder(BufferAllocator allocator) {
            this.allocator = allocator;
        }

        /** Serves {@code dataset} at {@code /datasets/{name}}. Names must be unique. */
        public Builder dataset(Dataset dataset) {
            catalog.add(Objects.requireNonNull(dataset, "dataset"));
            return this;
        }

        /** Also serves the named dataset, added with {@link #dataset}, at {@code GET /}. */
        /**
         * Takes uploads ({@code PUT} and {@code POST} of an Arrow stream to
         * {@code /datasets/{name}}) into {@code store}, and serves its datasets; {@code DELETE}
         * removes those the store says it deletes ({@link DatasetStore#deletes}). Without a store,
         * every dataset is read-only. See docs/protocol.md for the protocol.
         *
         * <p>Called again, it adds another store, each with its own writers: an upload to a dataset
         * goes to the store that serves it, and one that would create a dataset to the first store,
         * in the order added, that accepts its name.
         *
         * @param writers who may upload and delete, checked before the body is read; reading a
         *     dataset does not imply writing it
         */
        public Builder uploads(DatasetStore store, WritePermission writers) {
            stores.add(new DatasetUploads.Writable(
                    Objects.requireNonNull(store, "store"), Objects.requireNonNull(writers, "writers")));
            return this;
        }

        /**
         * The most Arrow bytes one upload may store ({@value ArrowHttpFeature#DEFAULT_MAX_UPLOAD_BYTES}
         * unless set): its Arrow stream with every buffer decompressed, counted as its record
         * batches are decoded, so that a small compressed body cannot store more. Beyond them the
         * upload is refused with {@link ErrorCode#TOO_LARGE} as soon as it passes them, and nothing
         * is written.
         */
        public Builder maxUploadBytes(long bytes) {
            this.maxUploadBytes = positive(bytes, "maxUploadBytes");
            return this;
        }

        /**
         * The most bytes one upload's body may have as it is received, before any content
         * decoding ({@value ArrowHttpFeature#DEFAULT_MAX_UPLOAD_BODY_BYTES} unless set). A
         * {@code Content-Length} above it is refused with {@link ErrorCode#TOO_LARGE} before the
         * body is read (and {@code Expect: 100-continue} is answered with that refusal); a body
         * sent without one is refused when it passes the limit. Nothing is written.
         */
        public Builder maxUploadBodyBytes(long bytes) {
            this.maxUploadBodyBytes = positive(bytes, "maxUploadBodyBytes");
            return this;
        }

        /** The most rows one upload may have (unbounded unless set); see {@link #maxUploadBytes}. */
        public Builder maxUploadRows(long rows) {
            this.maxUploadRows = positive(rows, "maxUploadRows");
            return this;
        }

        /**
         * The least pace of an upload's body: at least {@code bytesPerSecond} in every
         * {@code window} from its start. An upload holds one of the {@link #maxConcurrentUploads}
         * places for as long as its body takes, so without a pace a client trickling a byte a
         * second could hold them all. A slower upload ends with {@code 408} and nothing written,
         * at most {@code window} plus a second and a half after it fell below the pace (a body that
         * sends nothing has its connection dropped then, on Grizzly; a servlet container's own
         * read timeout applies to it there). {@link #DEFAULT_MIN_UPLOAD_BYTES_PER_SECOND} over
         * {@link #DEFAULT_UPLOAD_RATE_WINDOW} by default; 0 bytes per second for no least pace.
         */
        public Builder minUploadRate(long bytesPerSecond, Duration window) {
            if (bytesPerSecond < 0) {
                throw new IllegalArgumentException(
                        "minUploadRate must be 0 or more bytes per second, got " + bytesPerSecond);
            }
            if (window.isNegative() || window.toMillis() < 1000) {
                throw new IllegalArgumentException("The window of minUploadRate must be at least 1 s, got " + window);
            }
            this.minUploadBytesPerSecond = bytesPerSecond;
            this.uploadRateWindow = window;
            return this;
        }

        /**
         * How many uploads the server takes at once (default
         * {@value ArrowHttpFeature#DEFAULT_MAX_CONCURRENT_UPLOADS}); more are refused with
         * {@link ErrorCode#RESOURCE_EXHAUSTED} and a {@code Retry-After}. Each holds a thread and up
         * to {@link #responseMemoryLimit} bytes of Arrow memory while it runs.
         */
        public Builder maxConcurrentUploads(int uploads) {
            this.maxConcurrentUploads = (int) positive(uploads, "maxConcurrentUploads");
            return this;
        }

        private static long positive(long value, String name) {
            if (value <= 0) {
                throw new IllegalArgumentException(name + " must be positive, got " + value);
            }
            return value;
        }

        public Builder rootDataset(String name) {
            this.rootDataset = Objects.requireNonNull(name, "name");
            return this;
        }

        /**
         * The most Arrow memory one response may hold at once; a response that needs more fails.
         * {@link #DEFAULT_RESPONSE_MEMORY_LIMIT} by default; {@code Long.MAX_VALUE} leaves only the
         * parent allocator's limit.
         */
        public Builder responseMemoryLimit(long bytes) {
            if (bytes <= 0) {
                throw new IllegalArgumentException("responseMemoryLimit must be positive, got " + bytes);
            }
            this.responseMemoryLimit = bytes;
            return this;
        }

        /**
         * The longest a dataset response may take; past it, the response ends with
         * {@link ErrorCode#TIMED_OUT}. Clients may ask for less with the {@code X-Request-Timeout}
         * header (seconds). {@link #DEFAULT_RESPONSE_TIMEOUT} by default; see
         * {@link #noResponseTimeout()}.
         */
        public Builder responseTimeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("responseTimeout must be positive, got " + timeout);
            }
            this.responseTimeout = timeout;
            return this;
        }

        /**
         * When a content coding the client offers is applied: {@link CompressionPolicy#AUTO} by
         * default (uncompressed unless the client insists, or offers zstd from another host).
         */
        public Builder compression(CompressionPolicy policy) {
            this.compression = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /**
         * How long a client may take none of a record batch before its response is ended as
         * {@code CANCELLED}, freeing its thread and memory. {@link #DEFAULT_WRITE_TIMEOUT} by
         * default. A client reading steadily but slowly is not cut while each batch reaches it
         * within this time.
         */
        public Builder writeTimeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("writeTimeout must be positive, got " + timeout);
            }
            this.writeTimeout = timeout;
            return this;
        }

        /**
         * The most dataset streams the application sends at once; beyond it a request is refused
         * with {@code 503} and {@code Retry-After} before anything is produced.
         * {@link #DEFAULT_MAX_STREAMS} by default. Keep it below the server's worker threads, so
         * that streams to slow clients can never take the threads small requests need.
         */
        public Builder maxConcurrentStreams(int streams) {
            if (streams < 1) {
                throw new IllegalArgumentException("maxConcurrentStreams must be at least 1, got " + streams);
            }
            this.maxStreams = streams;
            return this;
        }

        /**
         * The most streams one authenticated caller may run at once; beyond it {@code 429} and
         * {@code Retry-After}. {@link #DEFAULT_MAX_STREAMS_PER_CALLER} by default; 0 for no bound
         * of its own.
         */
        public Builder maxConcurrentStreamsPerCaller(int streams) {
            if (streams < 0) {
                throw new IllegalArgumentException("maxConcurrentStreamsPerCaller must be 0 or more, got " + streams);
            }
            this.maxStreamsPerCaller = streams;
            return this;
        }

        /**
         * The address clients reach the application at, such as {@code https://data.example.com/arrow/}:
         * the base of every location in the catalog and of redirects. Without it they are built
         * from the request's {@code Host} when it is one of the {@link #allowedHosts allowed
         * hosts}, else from the address the connection was accepted on; set it behind a reverse
         * proxy and whenever the catalog's locations are handed on to others.
         */
        public Builder publicBaseUri(URI base) {
            Objects.requireNonNull(base, "base");
            if (!base.isAbsolute() || base.getHost() == null) {
                throw new IllegalArgumentException(
                        "The public base URI must be absolute, such as https://data.example.com/; got " + base);
            }
            this.publicBaseUri = base.getPath().endsWith("/") ? base : URI.create(base + "/");
            return this;
        }

        /**
         * The values of the {@code Host} header the catalog's locations and redirects may be built
         * from when there is no {@link #publicBaseUri public base URI}: {@code host}, on any port, or
         * {@code host:port}. A request naming another host gets them built from the address and
         * port its connection was accepted on instead, so that no client puts a host of its
         * choosing in a response.
         */
        public Builder allowedHosts(Collection<String> hosts) {
            for (String host : hosts) {
                TrustedHostFilter.checkAllowedHost(host);
                allowedHosts.add(host.trim());
            }
            return this;
        }

        /**
         * The public base URIs of every server of a group that serves the same datasets, this one
         * included, in the same order on each: the catalog then lists, for every endpoint, a
         * location on each member, beginning with a different member for each endpoint, so that
         * clients spread partitions over the group and fall back on another member when one
         * fails. The members must serve the same data, batch for batch, and accept the same tokens
         * (the same token key).
         */
        public Builder group(List<URI> memberBases) {
            List<URI> bases = new ArrayList<>();
            for (URI base : memberBases) {
                if (!base.isAbsolute() || base.getHost() == null) {
                    throw new IllegalArgumentException(
                            "A member of the group is an absolute URI, such as https://data-2.example.com/; got "
                                    + base);
                }
                bases.add(base.getPath().endsWith("/") ? base : URI.create(base + "/"));
            }
            this.group = List.copyOf(bases);
            return this;
        }

        /**
         * Counts into {@code registry}: requests by route and status ({@code arrowhttp.requests}),
         * dataset streams active and ended by outcome with their durations
         * ({@code arrowhttp.streams.active}, {@code arrowhttp.streams}), rows and bytes sent
         * ({@code arrowhttp.stream.rows}, {@code arrowhttp.stream.bytes}), the Arrow memory held
         * ({@code arrowhttp.arrow.allocated}) and refused handshakes
         * ({@code arrowhttp.handshakes.refused}). The application exposes the registry (a
         * Prometheus one at {@code /metrics}, say); without one nothing is counted.
         */
        public Builder metrics(MeterRegistry registry) {
            this.meterRegistry = Objects.requireNonNull(registry, "registry");
            return this;
        }

        /** Lets responses take as long as they need; clients may still set a deadline. */
        public Builder noResponseTimeout() {
            this.responseTimeout = null;
            return this;
        }

        /**
         * Also serves {@code GET /status}: the Arrow memory held (0 when nothing is being sent and
         * nothing leaked) and the dataset responses by outcome.
         */
        public Builder statusEndpoint() {
            this.statusEndpoint = true;
            return this;
        }

        /**
         * Adds middleware around every call of the application, in the order added, after the
         * request ids and the access log; see {@link ServerMiddleware}. Calls complete in the
         * reverse order, so the request id is in the MDC while each middleware completes.
         */
        public Builder middleware(ServerMiddleware.Factory factory) {
            middleware.add(Objects.requireNonNull(factory, "factory"));
            return this;
        }

        /**
         * Leaves out {@link RequestIds}, which is on by default: every call gets an
         * {@code X-Request-Id}, the client's when usable.
         */
        public Builder withoutRequestIds() {
            this.requestIds = false;
            return this;
        }

        /**
         * Leaves out {@link AccessLog}, which is on by default: one line per call in the
         * {@code io.arrowhttp.access} logger.
         */
        public Builder withoutAccessLog() {
            this.accessLog = false;
            return this;
        }

        /**
         * Lets browser pages from these origins (such as {@code https://app.example.com}, or
         * {@code *} for any) fetch from the application. None by default.
         */
        public Builder corsOrigins(Collection<String> origins) {
            for (String origin : origins) {
                if (origin == null || origin.isBlank() || origin.endsWith("/")) {
                    throw new IllegalArgumentException("A CORS origin is a scheme, host and optional port without a"
                            + " trailing slash, such as https://app.example.com; got '" + origin + "'");
                }
                corsOrigins.add(origin.trim());
            }
            return this;
        }

        /**
         * Requires a bearer token on every call, got from {@code POST /auth/handshake}; see
         * {@link Authenticator}, such as {@link io.arrowhttp.server.auth.TokenAuthenticator}. Off by default.
         */
        public Builder authentication(Authenticator authenticator) {
            this.authenticator = Objects.requireNonNull(authenticator, "authenticator");
            return this;
        }

        /**
         * The most streams one client address may run at once; beyond it {@code 429} and
         * {@code Retry-After}, while other addresses are still served. The address is the
         * connection's peer, or behind a {@link #trustedProxies trusted proxy} the client it names.
         * A quarter of {@link #maxConcurrentStreams} by default (see
         * {@link ArrowHttpFeature#defaultMaxStreamsPerAddress}); 0 for no bound of its own, as for a
         * server whose only client is a proxy that is not trusted.
         */
        public Builder maxConcurrentStreamsPerAddress(int streams) {
            if (streams < 0) {
                throw new IllegalArgumentException("maxConcurrentStreamsPerAddress must be 0 or more, got " + streams);
            }
            this.maxStreamsPerAddress = streams;
            return this;
        }

        /**
         * The reverse proxies in front of the application, as addresses ({@code 10.0.0.5}) or CIDR
         * ranges ({@code 10.0.0.0/8}); none by default. The handshake's failure limits and the
         * stream limits per address count per client address; behind a proxy every client has
         * the proxy's address, so for requests whose direct peer is one of these, the client is the rightmost address in
         * {@code X-Forwarded-For} that is not one of these. The header is never read from anyone
         * else, since any client can send it.
         *
         * @throws IllegalArgumentException naming an entry that is neither an address nor a range
         */
        public Builder trustedProxies(Collection<String> proxies) {
            this.trustedProxies = TrustedProxies.of(proxies);
            return this;
        }

        /**
         * Keeps the bare Arrow streams of {@link io.arrowhttp.dataset.Cacheable} datasets (Parquet,
         * CSV, queries) in {@code directory} (made if missing), at most {@code maxBytes} of them,
         * the least recently used deleted first: the first response for a given dataset, source
         * version and query parameters is written there while it streams, and later ones are sent
         * from there with {@code Content-Length}, {@code ETag} and byte ranges, without reading
         * the source. Responses say what the cache did in {@code X-Arrowhttp-Cache}; a client's
         * {@code Cache-Control: no-cache} reads the source. Entries written before a restart are
         * used again. Off unless called.
         */
        public Builder cache(Path directory, long maxBytes) {
            if (maxBytes <= 0) {
                throw new IllegalArgumentException("The cache's maxBytes must be positive; got " + maxBytes);
            }
            this.cacheDirectory = Objects.requireNonNull(directory, "directory");
            this.cacheMaxBytes = maxBytes;
            return this;
        }

        /** Turns the Arrow cache off again; see {@link #cache}. */
        public Builder noCache() {
            this.cacheDirectory = null;
            return this;
        }

        public ArrowHttpFeature build() {
            if (rootDataset != null && !catalog.contains(rootDataset)) {
                throw new IllegalStateException("Root dataset '" + rootDataset
                        + "' was not added; call dataset(...) with it before rootDataset(...)");
            }
            return new ArrowHttpFeature(this);
        }
    }
}

package io.arrowhttp.app;

import io.arrowhttp.app.catalog.CacheSettings;
import io.arrowhttp.app.example.TickersDataset;
import io.arrowhttp.protocol.internal.WholeNumbers;
import io.arrowhttp.server.ArrowHttpFeature;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The application's settings. Each is looked up, first found wins, as a servlet context parameter
 * of the war ({@code <context-param>} or the container's own context configuration), a system
 * property ({@code -Darrowhttp.max-rows=...}) and an environment variable ({@code ARROWHTTP_MAX_ROWS}).
 * {@link Setting} lists every one with its default and description, for {@code --help} and the README.
 *
 * @param maxRows the largest {@code rows} the example dataset accepts ({@code arrowhttp.max-rows})
 * @param memoryLimit the root allocator's limit in bytes: all Arrow memory of the application
 *     ({@code arrowhttp.memory-limit})
 * @param responseMemoryLimit the most Arrow memory one response may hold
 *     ({@code arrowhttp.response-memory-limit})
 * @param responseTimeoutSeconds the longest a dataset response may take
 *     ({@code arrowhttp.response-timeout-seconds})
 * @param corsOrigins origins whose browser pages may fetch, comma-separated
 *     ({@code arrowhttp.cors-origins}); none by default
 * @param trustedProxies the reverse proxies whose {@code X-Forwarded-For} names the client for
 *     the handshake's failure limits, addresses or CIDR ranges, comma-separated
 *     ({@code arrowhttp.trusted-proxies}); none by default, when the header is never read
 * @param auth authentication, off by default; see {@link AuthSettings}
 * @param streaming limits on concurrent streams and stalled clients; see {@link Streaming}
 * @param publicBaseUrl the address clients reach the application at, the base of the catalog's
 *     locations and of redirects ({@code arrowhttp.public-base-url}); null to build them from
 *     each request's {@code Host} when allowed, else from the listener's own address
 * @param allowedHosts the {@code Host} values ({@code host} or {@code host:port}) locations may be
 *     built from without a public base URL ({@code arrowhttp.allowed-hosts}); none by default
 * @param group the public base URLs of every server of a group serving the same datasets with
 *     the same token key, this one included, comma-separated ({@code arrowhttp.group}): every
 *     endpoint of the catalog then has a location on each; none by default
 * @param metrics whether {@code GET /metrics} answers with the application's meters in Prometheus's
 *     text format ({@code arrowhttp.metrics}); off by default, and protected like the data when
 *     authentication is on
 * @param dataDirectory a folder whose data files ({@code .arrow}, {@code .feather}, {@code .arrows},
 *     {@code .parquet}, {@code .csv}, {@code .jsonl}, {@code .ndjson}) are served as datasets named
 *     after them ({@code arrowhttp.data-dir}, {@code --data}); null for none
 * @param catalogFile a YAML catalog of datasets ({@code arrowhttp.config}, {@code --config}); null
 *     for none
 * @param cache the Arrow cache of datasets that decode ({@code arrowhttp.cache.directory},
 *     {@code arrowhttp.cache.max-bytes}, {@code arrowhttp.cache.ttl-seconds}); on by default in
 *     {@link #DEFAULT_CACHE_FOLDER} of the user's home
 */
public record ServerSettings(
        long maxRows,
        long memoryLimit,
        long responseMemoryLimit,
        long responseTimeoutSeconds,
        List<String> corsOrigins,
        List<String> trustedProxies,
        AuthSettings auth,
        Streaming streaming,
        URI publicBaseUrl,
        List<String> allowedHosts,
        List<URI> group,
        boolean metrics,
        Path dataDirectory,
        Path catalogFile,
        CacheSettings cache) {

    /**
     * What keeps slow and stalled clients from taking the server: see
     * {@code ArrowHttpFeature.Builder.maxConcurrentStreams} and {@code writeTimeout}.
     *
     * @param maxStreams dataset streams at once ({@code arrowhttp.max-streams}, 64)
     * @param maxStreamsPerCaller streams at once per authenticated caller
     *     ({@code arrowhttp.max-streams-per-caller}, 16; 0 for no bound of its own)
     * @param maxStreamsPerAddress streams at once per client address
     *     ({@code arrowhttp.max-streams-per-address}, a quarter of {@code maxStreams}; 0 for no
     *     bound of its own)
     * @param writeTimeoutSeconds how long a client may take no data before its response ends
     *     ({@code arrowhttp.write-timeout-seconds}, 30)
     * @param stopGraceSeconds how long running streams may take to finish when the standalone
     *     server stops or the war is undeployed, before they are ended
     *     ({@code arrowhttp.stop-grace-seconds}, 30)
     */
    public record Streaming(
            int maxStreams,
            int maxStreamsPerCaller,
            int maxStreamsPerAddress,
            long writeTimeoutSeconds,
            long stopGraceSeconds) {

        public static final Streaming DEFAULTS = new Streaming(
                ArrowHttpFeature.DEFAULT_MAX_STREAMS,
                ArrowHttpFeature.DEFAULT_MAX_STREAMS_PER_CALLER,
                ArrowHttpFeature.defaultMaxStreamsPerAddress(ArrowHttpFeature.DEFAULT_MAX_STREAMS),
                ArrowHttpFeature.DEFAULT_WRITE_TIMEOUT.toSeconds(),
                ArrowHttpFeature.DEFAULT_STOP_GRACE.toSeconds());

        public Streaming {
            requirePositive("arrowhttp.max-streams", maxStreams);
            if (maxStreamsPerCaller < 0) {
                throw new IllegalArgumentException(
                        "Setting arrowhttp.max-streams-per-caller must be 0 or more, got " + maxStreamsPerCaller);
            }
            if (maxStreamsPerAddress < 0) {
                throw new IllegalArgumentException(
                        "Setting arrowhttp.max-streams-per-address must be 0 or more, got " + maxStreamsPerAddress);
            }
            requirePositive("arrowhttp.write-timeout-seconds", writeTimeoutSeconds);
            if (stopGraceSeconds < 0) {
                throw new IllegalArgumentException(
                        "Setting arrowhttp.stop-grace-seconds must be 0 or more, got " + stopGraceSeconds);
            }
        }

        /**
         * Worker threads for a server of its own (the standalone one): one per stream, and as
         * many again as {@link #RESERVED_THREADS} for everything else, so that streams can never
         * take them all.
         */
        public int workerThreads() {
            return maxStreams + RESERVED_THREADS;
        }
    }

    /** Threads left to requests that are not streams: the catalog, {@code /status}, handshakes. */
    public static final int RESERVED_THREADS = 16;

    public static final long DEFAULT_MEMORY_LIMIT = 1L << 30;

    /** Where the Arrow cache is by default, in the user's home: a folder only that user may write. */
    public static final String DEFAULT_CACHE_FOLDER = ".cache/arrowhttp";

    /** The Arrow cache's bound by default. */
    public static final long DEFAULT_CACHE_MAX_BYTES = 2L << 30;
    /** The library's own defaults, never repeated here: see {@link ArrowHttpFeature}. */
    public static final long DEFAULT_RESPONSE_MEMORY_LIMIT = ArrowHttpFeature.DEFAULT_RESPONSE_MEMORY_LIMIT;

    public static final long DEFAULT_RESPONSE_TIMEOUT_SECONDS = ArrowHttpFeature.DEFAULT_RESPONSE_TIMEOUT.toSeconds();

    public ServerSettings {
        requirePositive("arrowhttp.max-rows", maxRows);
        requirePositive("arrowhttp.memory-limit", memoryLimit);
        requirePositive("arrowhttp.response-memory-limit", responseMemoryLimit);
        requirePositive("arrowhttp.response-timeout-seconds", responseTimeoutSeconds);
        corsOrigins = List.copyOf(corsOrigins);
        trustedProxies = trustedProxies == null ? List.of() : List.copyOf(trustedProxies);
        allowedHosts = allowedHosts == null ? List.of() : List.copyOf(allowedHosts);
        group = group == null ? List.of() : List.copyOf(group);
        auth = auth == null ? AuthSettings.OFF : auth;
        streaming = streaming == null ? Streaming.DEFAULTS : streaming;
        cache = cache == null ? CacheSettings.OFF : cache;
    }

    /**
     * Every setting at its default, except the Arrow cache, which is off: settings read from the
     * system ({@link #from}) put it in the user's home unless told otherwise, but settings made in
     * code choose their folder ({@link #withCache}).
     */
    public static ServerSettings defaults() {
        return new ServerSettings(
                TickersDataset.DEFAULT_MAX_ROWS,
                DEFAULT_MEMORY_LIMIT,
                DEFAULT_RESPONSE_MEMORY_LIMIT,
                DEFAULT_RESPONSE_TIMEOUT_SECONDS,
                List.of(),
                List.of(),
                AuthSettings.OFF,
                Streaming.DEFAULTS,
                null,
                List.of(),
                List.of(),
                false,
                null,
                null,
                CacheSettings.OFF);
    }

    /** Settings from this JVM's system properties and environment, defaults for the rest. */
    public static ServerSettings fromSystem() {
        return from(name -> null, System.getProperties(), System.getenv());
    }

    /**
     * Settings from {@code contextParameters} first, then system properties and environment.
     *
     * @throws IllegalArgumentException naming the setting whose value is not usable
     */
    public static ServerSettings from(
            Function<String, Object> contextParameters, Properties properties, Map<String, String> environment) {
        Function<String, String> lookup = name -> {
            Object context = contextParameters.apply(name);
            if (context != null) {
                return context.toString();
            }
            String value = properties.getProperty(name);
            if (value == null) {
                value = environment.get(environmentName(name));
            }
            return value;
        };
        ServerSettings defaults = defaults();
        return new ServerSettings(
                number(lookup, "arrowhttp.max-rows", defaults.maxRows()),
                number(lookup, "arrowhttp.memory-limit", defaults.memoryLimit()),
                number(lookup, "arrowhttp.response-memory-limit", defaults.responseMemoryLimit()),
                number(lookup, "arrowhttp.response-timeout-seconds", defaults.responseTimeoutSeconds()),
                list(lookup, "arrowhttp.cors-origins"),
                list(lookup, "arrowhttp.trusted-proxies"),
                new AuthSettings(
                        path(lookup, "arrowhttp.auth.users"),
                        list(lookup, "arrowhttp.auth.api-tokens"),
                        lookup.apply("arrowhttp.auth.token-key"),
                        Boolean.parseBoolean(String.valueOf(lookup.apply("arrowhttp.auth.allow-insecure-http"))
                                .trim())),
                streaming(lookup),
                uri(lookup, "arrowhttp.public-base-url"),
                list(lookup, "arrowhttp.allowed-hosts"),
                list(lookup, "arrowhttp.group").stream()
                        .map(member -> uri(name -> member, "arrowhttp.group"))
                        .toList(),
                Boolean.parseBoolean(
                        String.valueOf(lookup.apply("arrowhttp.metrics")).trim()),
                path(lookup, "arrowhttp.data-dir"),
                path(lookup, "arrowhttp.config"),
                cache(lookup, properties));
    }

    /**
     * The Arrow cache: {@code arrowhttp.cache.directory} ({@code none} for no cache; by default
     * {@link #DEFAULT_CACHE_FOLDER} in the home folder), its bound and the ttl of SQL datasets.
     */
    private static CacheSettings cache(Function<String, String> lookup, Properties properties) {
        String folder = lookup.apply("arrowhttp.cache.directory");
        long maxBytes = number(lookup, "arrowhttp.cache.max-bytes", DEFAULT_CACHE_MAX_BYTES);
        long ttlSeconds = number(lookup, "arrowhttp.cache.ttl-seconds", 0);
        requirePositive("arrowhttp.cache.max-bytes", maxBytes);
        if (ttlSeconds < 0) {
            throw new IllegalArgumentException(
                    "Setting arrowhttp.cache.ttl-seconds must be 0 or more, got " + ttlSeconds);
        }
        if (folder != null && folder.trim().equals("none")) {
            return new CacheSettings(null, maxBytes, ttlSeconds, false);
        }
        if (folder != null && !folder.isBlank()) {
            return new CacheSettings(Path.of(folder.trim()), maxBytes, ttlSeconds, false);
        }
        String home = properties.getProperty("user.home", System.getProperty("user.home"));
        return home == null || home.isBlank()
                ? new CacheSettings(null, maxBytes, ttlSeconds, true)
                : new CacheSettings(Path.of(home, DEFAULT_CACHE_FOLDER), maxBytes, ttlSeconds, true);
    }

    public ServerSettings withMaxRows(long rows) {
        return with(copy -> copy.maxRows = rows);
    }

    public ServerSettings withAuth(AuthSettings authSettings) {
        return with(copy -> copy.auth = authSettings);
    }

    public ServerSettings withDataDirectory(Path folder) {
        return with(copy -> copy.dataDirectory = folder);
    }

    public ServerSettings withCatalogFile(Path file) {
        return with(copy -> copy.catalogFile = file);
    }

    public ServerSettings withMetrics(boolean exposed) {
        return with(copy -> copy.metrics = exposed);
    }

    public ServerSettings withCorsOrigins(List<String> origins) {
        return with(copy -> copy.corsOrigins = origins);
    }

    public ServerSettings withTrustedProxies(List<String> proxies) {
        return with(copy -> copy.trustedProxies = proxies);
    }

    public ServerSettings withPublicBaseUrl(URI base) {
        return with(copy -> copy.publicBaseUrl = base);
    }

    public ServerSettings withAllowedHosts(List<String> hosts) {
        return with(copy -> copy.allowedHosts = hosts);
    }

    public ServerSettings withCache(CacheSettings arrowCache) {
        return with(copy -> copy.cache = arrowCache);
    }

    public ServerSettings withStreaming(Streaming limits) {
        return with(copy -> copy.streaming = limits);
    }

    /** These settings with what {@code change} sets on a copy of their values. */
    private ServerSettings with(Consumer<Values> change) {
        Values values = new Values(this);
        change.accept(values);
        return values.settings();
    }

    /** The values of settings, to change one or two before making settings of them again. */
    private static final class Values {
        long maxRows;
        long memoryLimit;
        long responseMemoryLimit;
        long responseTimeoutSeconds;
        List<String> corsOrigins;
        List<String> trustedProxies;
        AuthSettings auth;
        Streaming streaming;
        URI publicBaseUrl;
        List<String> allowedHosts;
        List<URI> group;
        boolean metrics;
        Path dataDirectory;
        Path catalogFile;
        CacheSettings cache;

        Values(ServerSettings settings) {
            maxRows = settings.maxRows;
            memoryLimit = settings.memoryLimit;
            responseMemoryLimit = settings.responseMemoryLimit;
            responseTimeoutSeconds = settings.responseTimeoutSeconds;
            corsOrigins = settings.corsOrigins;
            trustedProxies = settings.trustedProxies;
            auth = settings.auth;
            streaming = settings.streaming;
            publicBaseUrl = settings.publicBaseUrl;
            allowedHosts = settings.allowedHosts;
            group = settings.group;
            metrics = settings.metrics;
            dataDirectory = settings.dataDirectory;
            catalogFile = settings.catalogFile;
            cache = settings.cache;
        }

        ServerSettings settings() {
            return new ServerSettings(
                    maxRows,
                    memoryLimit,
                    responseMemoryLimit,
                    responseTimeoutSeconds,
                    corsOrigins,
                    trustedProxies,
                    auth,
                    streaming,
                    publicBaseUrl,
                    allowedHosts,
                    group,
                    metrics,
                    dataDirectory,
                    catalogFile,
                    cache);
        }
    }

    /** {@code arrowhttp.max-rows} becomes {@code ARROWHTTP_MAX_ROWS}. */
    static String environmentName(String name) {
        return name.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    private static URI uri(Function<String, String> lookup, String name) {
        String value = lookup.apply(name);
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return new URI(value.trim());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("Setting " + name + " must be a URL such as https://data.example.com/");
        }
    }

    private static Path path(Function<String, String> lookup, String name) {
        String value = lookup.apply(name);
        return value == null || value.isBlank() ? null : Path.of(value.trim());
    }

    private static List<String> list(Function<String, String> lookup, String name) {
        String value = lookup.apply(name);
        if (value == null || value.isBlank()) {
            return List.of();
        }
        return Arrays.stream(value.split(","))
                .map(String::trim)
                .filter(v -> !v.isEmpty())
                .toList();
    }

    /** The stream limits; the bound per address follows {@code arrowhttp.max-streams} unless set. */
    private static Streaming streaming(Function<String, String> lookup) {
        int maxStreams = Math.toIntExact(number(lookup, "arrowhttp.max-streams", Streaming.DEFAULTS.maxStreams()));
        return new Streaming(
                maxStreams,
                Math.toIntExact(
                        number(lookup, "arrowhttp.max-streams-per-caller", Streaming.DEFAULTS.maxStreamsPerCaller())),
                Math.toIntExact(number(
                        lookup,
                        "arrowhttp.max-streams-per-address",
                        ArrowHttpFeature.defaultMaxStreamsPerAddress(Math.max(1, maxStreams)))),
                number(lookup, "arrowhttp.write-timeout-seconds", Streaming.DEFAULTS.writeTimeoutSeconds()),
                number(lookup, "arrowhttp.stop-grace-seconds", Streaming.DEFAULTS.stopGraceSeconds()));
    }

    private static long number(Function<String, String> lookup, String name, long defaultValue) {
        String value = lookup.apply(name);
        if (value == null || value.isBlank()) {
            return defaultValue;
        }
        return WholeNumbers.parseSetting(value, Long.MIN_VALUE, Long.MAX_VALUE)
                .orElseThrow(() -> new IllegalArgumentException(
                        "Setting " + name + " must be a whole number, got '" + value + "'"));
    }

    private static void requirePositive(String name, long value) {
        if (value < 1) {
            throw new IllegalArgumentException("Setting " + name + " must be at least 1, got " + value);
        }
    }
}

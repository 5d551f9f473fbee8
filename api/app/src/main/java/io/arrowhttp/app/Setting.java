package io.arrowhttp.app;

import io.arrowhttp.app.example.TickersDataset;
import java.util.Arrays;
import java.util.List;

/**
 * Every setting the application reads, described once: its system property, its environment
 * variable, the standalone server's option for it (if any), its default and what it does. The
 * standalone server's {@code --help} is made from this list, and a test checks that it names
 * every setting {@link ServerSettings} looks up and that the README's configuration table lists
 * them all.
 */
public enum Setting {
    MAX_ROWS(
            "arrowhttp.max-rows",
            "--max-rows",
            Long.toString(TickersDataset.DEFAULT_MAX_ROWS),
            "Largest 'rows' a client may ask of the example dataset."),
    MEMORY_LIMIT(
            "arrowhttp.memory-limit",
            null,
            bytes(ServerSettings.DEFAULT_MEMORY_LIMIT),
            "Bytes of Arrow memory for the whole application."),
    RESPONSE_MEMORY_LIMIT(
            "arrowhttp.response-memory-limit",
            null,
            bytes(ServerSettings.DEFAULT_RESPONSE_MEMORY_LIMIT),
            "Bytes of Arrow memory one response may hold."),
    RESPONSE_TIMEOUT_SECONDS(
            "arrowhttp.response-timeout-seconds",
            null,
            Long.toString(ServerSettings.DEFAULT_RESPONSE_TIMEOUT_SECONDS),
            "Longest a response may take; clients may ask for less with X-Request-Timeout."),
    CORS_ORIGINS(
            "arrowhttp.cors-origins",
            "--cors-origins",
            "none",
            "Comma-separated origins whose browser pages may fetch."),
    TRUSTED_PROXIES(
            "arrowhttp.trusted-proxies",
            null,
            "none",
            "Comma-separated addresses or CIDR ranges of the reverse proxies in front of the server: only"
                    + " from them is X-Forwarded-For read, for the handshake's failure limits and the"
                    + " streams per address."),
    MAX_STREAMS(
            "arrowhttp.max-streams",
            null,
            Integer.toString(ServerSettings.Streaming.DEFAULTS.maxStreams()),
            "Dataset streams at once; beyond it 503 with Retry-After. The standalone server runs this many"
                    + " worker threads plus " + ServerSettings.RESERVED_THREADS + " for everything else."),
    MAX_STREAMS_PER_CALLER(
            "arrowhttp.max-streams-per-caller",
            null,
            Integer.toString(ServerSettings.Streaming.DEFAULTS.maxStreamsPerCaller()),
            "Streams at once per authenticated caller; beyond it 429 with Retry-After; 0 for no bound of"
                    + " its own."),
    MAX_STREAMS_PER_ADDRESS(
            "arrowhttp.max-streams-per-address",
            null,
            "a quarter of arrowhttp.max-streams (" + ServerSettings.Streaming.DEFAULTS.maxStreamsPerAddress() + ")",
            "Streams at once per client address (behind a trusted proxy, the address it forwards for);"
                    + " beyond it 429 with Retry-After while other addresses are served; 0 for no bound of"
                    + " its own."),
    WRITE_TIMEOUT_SECONDS(
            "arrowhttp.write-timeout-seconds",
            null,
            Long.toString(ServerSettings.Streaming.DEFAULTS.writeTimeoutSeconds()),
            "How long a client may take none of a record batch before its response ends."),
    STOP_GRACE_SECONDS(
            "arrowhttp.stop-grace-seconds",
            null,
            Long.toString(ServerSettings.Streaming.DEFAULTS.stopGraceSeconds()),
            "On SIGTERM (or when the container stops the war), how long running streams may take to"
                    + " finish before they are ended; new streams get 503 meanwhile."),
    METRICS(
            "arrowhttp.metrics",
            null,
            "false",
            "true serves GET /metrics in Prometheus's text format, protected like the data when"
                    + " authentication is on."),
    PUBLIC_BASE_URL(
            "arrowhttp.public-base-url",
            null,
            "none",
            "The address clients reach the server at, the base of the catalog's locations and of"
                    + " redirects; set it behind a reverse proxy."),
    ALLOWED_HOSTS(
            "arrowhttp.allowed-hosts",
            null,
            "none",
            "Without a public base URL: comma-separated host or host:port values of the Host header"
                    + " that locations and redirects may name; any other Host gets the listener's own"
                    + " address and port."),
    GROUP(
            "arrowhttp.group",
            null,
            "none",
            "Comma-separated public base URLs of every server of a group serving the same datasets"
                    + " with the same token key, this one included."),
    DATA_DIR(
            "arrowhttp.data-dir",
            "--data",
            "none",
            "A folder whose data files are served as datasets named after them."),
    CONFIG("arrowhttp.config", "--config", "none", "A YAML catalog of datasets: files, globs, SQL over them."),
    AUTH_USERS(
            "arrowhttp.auth.users",
            "--auth-users",
            "none",
            "Require authentication: users and password hashes from this file (lines made by"
                    + " 'hash-password'); needs HTTPS."),
    AUTH_API_TOKENS(
            "arrowhttp.auth.api-tokens",
            null,
            "none",
            "API tokens, comma-separated identity=token pairs, each token at least 32 characters; turns"
                    + " authentication on too."),
    AUTH_TOKEN_KEY(
            "arrowhttp.auth.token-key",
            null,
            "a random key per process",
            "Base64 of at least 32 bytes that signs the tokens; the same on every server that must accept"
                    + " the same tokens."),
    AUTH_ALLOW_INSECURE_HTTP(
            "arrowhttp.auth.allow-insecure-http",
            null,
            "false",
            "true lets credentials travel over plain HTTP; for local tests only."),
    CACHE_DIRECTORY(
            "arrowhttp.cache.directory",
            null,
            "~/" + ServerSettings.DEFAULT_CACHE_FOLDER,
            "The Arrow cache's folder: datasets that decode (Parquet, CSV, JSON lines, SQL) are kept there as"
                    + " Arrow streams after their first read and sent from there until their files change;"
                    + " none turns it off. The default folder, when it cannot be used, leaves the cache off."),
    CACHE_MAX_BYTES(
            "arrowhttp.cache.max-bytes",
            null,
            bytes(ServerSettings.DEFAULT_CACHE_MAX_BYTES),
            "Bytes the Arrow cache keeps at most; the least recently used entries leave first."),
    CACHE_TTL_SECONDS(
            "arrowhttp.cache.ttl-seconds",
            null,
            "0",
            "How long entries of SQL datasets (and JDBC ones whose catalog entry says cache: true) are"
                    + " served; 0 keeps them out of the cache."),
    DRIVERS(
            "arrowhttp.drivers",
            "--drivers",
            "none",
            "Standalone server only: load the JDBC drivers in the jars of this folder."),
    WARM_UP_ROWS(
            "arrowhttp.warm-up-rows",
            null,
            "16000000",
            "Standalone server only: rows of the example encoded into nothing right after the start, in the"
                    + " background, so that the first response runs at full speed; 0 for none.");

    private final String property;
    private final String option;
    private final String defaultValue;
    private final String description;

    Setting(String property, String option, String defaultValue, String description) {
        this.property = property;
        this.option = option;
        this.defaultValue = defaultValue;
        this.description = description;
    }

    /** The system property, such as {@code arrowhttp.max-rows}; also the war's context parameter. */
    public String property() {
        return property;
    }

    /** The environment variable, such as {@code ARROWHTTP_MAX_ROWS}. */
    public String environmentVariable() {
        return ServerSettings.environmentName(property);
    }

    /** The standalone server's option that sets it too, such as {@code --max-rows}; null for none. */
    public String option() {
        return option;
    }

    /** The default, as a reader would write it. */
    public String defaultValue() {
        return defaultValue;
    }

    /** What the setting does, in a sentence or two. */
    public String description() {
        return description;
    }

    /** This setting's value from the system properties, else the environment; null if neither has it. */
    public String fromSystem() {
        String value = System.getProperty(property);
        return value != null ? value : System.getenv(environmentVariable());
    }

    /** Every setting, in the order {@code --help} lists them. */
    public static List<Setting> all() {
        return Arrays.asList(values());
    }

    private static String bytes(long value) {
        String unit = value % (1L << 30) == 0 ? (value >> 30) + " GiB" : (value >> 20) + " MiB";
        return value + " = " + unit;
    }
}

package io.arrowhttp.client;

import io.arrowhttp.protocol.QueryParameters;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/** What to ask of a dataset: its query parameters, the optional parts, a deadline for this call. */
public final class GetOptions {

    private final Map<String, String> parameters = new LinkedHashMap<>();
    private boolean footnotes;
    private boolean status;
    private Duration timeout;
    private Compression compression;

    /** Nothing asked beyond the dataset itself, as {@link #defaults()}. */
    public GetOptions() {}

    public static GetOptions defaults() {
        return new GetOptions();
    }

    /** A query parameter of the dataset, such as {@code rows}. */
    public GetOptions parameter(String name, Object value) {
        parameters.put(Objects.requireNonNull(name, "name"), String.valueOf(value));
        return this;
    }

    /** Asks for the footnotes part. */
    public GetOptions footnotes() {
        this.footnotes = true;
        return this;
    }

    /**
     * Asks for the closing status part, so that a failure of the server's data source is reported
     * with its code and message instead of as a broken connection.
     */
    public GetOptions status() {
        this.status = true;
        return this;
    }

    /** A deadline for this call, sent to the server ({@code X-Request-Timeout}) and enforced here. */
    public GetOptions timeout(Duration timeout) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, got " + timeout);
        }
        this.timeout = timeout;
        return this;
    }

    /** Asks for compressed data; see {@link Compression}. None by default. */
    public GetOptions compression(Compression compression) {
        this.compression = Objects.requireNonNull(compression, "compression");
        return this;
    }

    Compression compressionOrNull() {
        return compression;
    }

    Map<String, String> parameters() {
        Map<String, String> all = new LinkedHashMap<>(parameters);
        if (footnotes) {
            all.put(QueryParameters.INCLUDE_FOOTNOTES, "true");
        }
        if (status) {
            all.put(QueryParameters.INCLUDE_STATUS, "true");
        }
        return all;
    }

    Duration timeoutOrNull() {
        return timeout;
    }
}

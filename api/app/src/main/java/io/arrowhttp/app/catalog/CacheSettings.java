package io.arrowhttp.app.catalog;

import java.nio.file.Path;

/**
 * The server's Arrow cache, as settings give it: a catalog's {@code cache} section overrides each
 * value it gives.
 *
 * @param directory the cache's folder; null for no cache
 * @param maxBytes the most bytes of entries kept
 * @param ttlSeconds how long entries of SQL datasets (DuckDB's and, with {@code cache: true},
 *     JDBC's) are served; 0 keeps them out of the cache unless their entry gives a {@code ttl}
 * @param defaultDirectory whether {@code directory} is the default rather than chosen: a default
 *     folder that cannot be used leaves the server without a cache, with a warning, where a chosen
 *     one stops it
 */
public record CacheSettings(Path directory, long maxBytes, long ttlSeconds, boolean defaultDirectory) {

    /** No cache. */
    public static final CacheSettings OFF = new CacheSettings(null, 1, 0, false);

    public CacheSettings {
        if (maxBytes < 1) {
            throw new IllegalArgumentException("The cache's max bytes must be at least 1, got " + maxBytes);
        }
        if (ttlSeconds < 0) {
            throw new IllegalArgumentException("The cache's ttl must be 0 or more seconds, got " + ttlSeconds);
        }
    }
}

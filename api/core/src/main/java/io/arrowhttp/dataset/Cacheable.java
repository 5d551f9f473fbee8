package io.arrowhttp.dataset;

import java.time.Duration;
import java.util.Optional;

/**
 * A dataset whose bare Arrow streams the server may keep in its Arrow cache, when the application
 * has one: the first response for a given set of query parameters is written to the cache while it
 * streams, and later ones are sent from there as a stored stream is (with {@code Content-Length},
 * {@code ETag} and byte ranges), until the dataset's source changes or the entry expires. For
 * sources that decode (Parquet, CSV, queries), not for Arrow files, which are sent as stored.
 *
 * <p>An entry is shared by every caller and answers without {@link Dataset#open}: only a dataset
 * whose stream depends on nothing but its query parameters (not on who asks, nor on headers) may
 * implement this.
 */
public interface Cacheable {

    /**
     * What identifies the content the dataset would read now: for files, their names, sizes and
     * modification times (a glob's members included); a constant for a query, whose entries then
     * live for {@link #cacheTtl()}. Empty when the dataset is not to be cached now. Called for each
     * request that may use the cache: it must be quick and must not throw.
     */
    Optional<String> cacheVersion();

    /** How long an entry may be served after it was written; empty for as long as the version holds. */
    default Optional<Duration> cacheTtl() {
        return Optional.empty();
    }
}

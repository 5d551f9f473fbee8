package io.arrowhttp.server.auth;

import java.util.Collection;
import java.util.Set;

/**
 * Who may upload to which dataset: the check between authentication and a {@code DatasetStore},
 * given to {@code ArrowHttpFeature.Builder.uploads}. Reading a dataset never implies writing it;
 * a caller this refuses gets {@code 403} and nothing of the body is read.
 *
 * <p>Implementations are called concurrently and must be thread-safe.
 */
@FunctionalInterface
public interface WritePermission {

    /**
     * Whether {@code caller} may replace or append to {@code dataset}.
     *
     * @param caller the identity the {@link Authenticator} returned, or null when authentication is
     *     off
     */
    boolean allows(String caller, String dataset);

    /**
     * Every caller, authenticated or not: for a server that only trusted clients reach. Without
     * authentication, anyone who can send a request then writes.
     */
    static WritePermission anyone() {
        return (caller, dataset) -> true;
    }

    /** Only these authenticated identities, on every dataset the store takes. */
    static WritePermission identities(Collection<String> writers) {
        Set<String> allowed = Set.copyOf(writers);
        return (caller, dataset) -> caller != null && allowed.contains(caller);
    }
}

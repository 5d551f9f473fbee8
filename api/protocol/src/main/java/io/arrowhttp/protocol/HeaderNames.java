package io.arrowhttp.protocol;

/** The HTTP headers the protocol adds to HTTP's own. */
public final class HeaderNames {

    /** Request: the client's deadline for the call, in seconds from now, such as {@code 30} or {@code 2.5}. */
    public static final String REQUEST_TIMEOUT = "X-Request-Timeout";

    /** Request and response: the call's id, the client's when it sent a usable one. */
    public static final String REQUEST_ID = "X-Request-Id";

    /** The challenge of a server that wants a bearer token. */
    public static final String BEARER_CHALLENGE = "Bearer realm=\"arrowhttp\"";

    /** The challenge of the handshake, which wants HTTP Basic credentials. */
    public static final String BASIC_CHALLENGE = "Basic realm=\"arrowhttp\"";

    /**
     * Set by browsers, never by scripts: how a request was made. Anything but {@code navigate}
     * means a page's script sent it (fetch, XMLHttpRequest).
     */
    public static final String SEC_FETCH_MODE = "Sec-Fetch-Mode";

    private HeaderNames() {}

    /**
     * On a dataset's bare Arrow stream: whether the server's Arrow cache answered ({@code hit}), the
     * response was read from the source and kept ({@code miss}), or the cache was not used
     * ({@code bypass}: asked with {@code Cache-Control: no-cache}, or the entry was being filled).
     */
    public static final String CACHE = "X-Arrowhttp-Cache";

    /** {@link #CACHE}: sent from the cache. */
    public static final String CACHE_HIT = "hit";

    /** {@link #CACHE}: read from the source and kept for the next requests. */
    public static final String CACHE_MISS = "miss";

    /** {@link #CACHE}: read from the source, the cache not used. */
    public static final String CACHE_BYPASS = "bypass";
}

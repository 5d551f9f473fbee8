package io.arrowhttp.server.middleware;

import jakarta.ws.rs.core.MultivaluedMap;

/**
 * A call as it starts.
 *
 * @param method the HTTP method
 * @param path the request path, with the query string when there is one
 * @param headers the request headers (read-only)
 */
public record CallInfo(String method, String path, MultivaluedMap<String, String> headers) {

    /** The first value of a request header, or null. */
    public String header(String name) {
        return headers.getFirst(name);
    }
}

package io.arrowhttp.client;

import jakarta.ws.rs.core.MultivaluedMap;
import java.net.URI;

/**
 * Code that runs around every request of an {@link ArrowHttpClient}, like Flight's
 * {@code FlightClientMiddleware}: add headers (a token, a request id), see each response's status
 * and headers (to refresh a token, record timings). Hooks run on the calling thread.
 */
public interface ClientMiddleware {

    /** Before the request is sent: add or change headers. */
    default void onBeforeRequest(URI uri, MultivaluedMap<String, Object> headers) {}

    /** When the response's status line and headers have arrived, before its body is read. */
    default void onResponse(URI uri, int status, MultivaluedMap<String, String> headers) {}
}

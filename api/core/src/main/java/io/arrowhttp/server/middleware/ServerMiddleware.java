package io.arrowhttp.server.middleware;

import jakarta.ws.rs.core.MultivaluedMap;

/**
 * Code that runs around every call, in the shape of Arrow Flight's {@code FlightServerMiddleware}:
 * a {@link Factory} sees each call start and may refuse it; the middleware it returns for the call
 * may add response headers, and hears how the call ended. Registered with
 * {@link io.arrowhttp.server.ArrowHttpFeature.Builder#middleware}; the same on Grizzly, Tomcat and Payara.
 *
 * <p>Hooks run on the request's thread and must be quick; an exception from a hook other than
 * {@link Factory#onCallStarted} is logged and ignored.
 */
public interface ServerMiddleware {

    /** Makes the middleware of each call. */
    @FunctionalInterface
    interface Factory {
        /**
         * Called before the call is routed.
         *
         * @return the middleware for this call, or null for none
         * @throws io.arrowhttp.protocol.ArrowHttpException to refuse the call: the client gets its code's
         *     status and a problem body, and the resource never runs
         */
        ServerMiddleware onCallStarted(CallInfo call);
    }

    /** Before the status line and headers are sent: add headers here. */
    default void onBeforeSendingHeaders(MultivaluedMap<String, Object> responseHeaders) {}

    /** Once the call is over: the whole body was sent, or the call failed or was refused. */
    default void onCallCompleted(CallOutcome outcome) {}
}

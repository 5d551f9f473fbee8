package io.arrowhttp.internal.provider;

import io.arrowhttp.protocol.ArrowHttpException;
import io.arrowhttp.server.middleware.CallInfo;
import io.arrowhttp.server.middleware.ServerMiddleware;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.AbstractMultivaluedMap;
import jakarta.ws.rs.core.MultivaluedHashMap;
import jakarta.ws.rs.core.MultivaluedMap;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the middleware factories when a call starts (before routing, ahead of authentication) and
 * the header hook before the response goes out. Completion is {@link MiddlewareCompletion}'s.
 */
@PreMatching
@Priority(Priorities.AUTHENTICATION - 100)
public final class MiddlewareFilter implements ContainerRequestFilter, ContainerResponseFilter {

    static final String MIDDLEWARE = "io.arrowhttp.middleware";
    static final String STARTED = "io.arrowhttp.started";
    static final String REFUSAL = "io.arrowhttp.refusal";

    private static final Logger LOG = LoggerFactory.getLogger(MiddlewareFilter.class);

    private final List<ServerMiddleware.Factory> factories;

    public MiddlewareFilter(List<ServerMiddleware.Factory> factories) {
        this.factories = List.copyOf(factories);
    }

    @Override
    public void filter(ContainerRequestContext request) {
        request.setProperty(STARTED, System.nanoTime());
        URI uri = request.getUriInfo().getRequestUri();
        String path = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        MultivaluedMap<String, String> headers = new MultivaluedHashMap<>();
        request.getHeaders().forEach((name, values) -> headers.put(name, List.copyOf(values)));
        CallInfo call = new CallInfo(request.getMethod(), path, readOnly(headers));
        List<ServerMiddleware> started = new ArrayList<>();
        request.setProperty(MIDDLEWARE, started);
        for (ServerMiddleware.Factory factory : factories) {
            try {
                ServerMiddleware middleware = factory.onCallStarted(call);
                if (middleware != null) {
                    started.add(middleware);
                }
            } catch (ArrowHttpException refused) {
                request.setProperty(REFUSAL, refused);
                request.abortWith(ProblemResponses.of(refused.code(), refused.getMessage()));
                return;
            }
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        Object started = request.getProperty(MIDDLEWARE);
        if (!(started instanceof List<?> list)) {
            return;
        }
        for (ServerMiddleware middleware : (List<ServerMiddleware>) list) {
            try {
                middleware.onBeforeSendingHeaders(response.getHeaders());
            } catch (RuntimeException e) {
                LOG.warn(
                        "Middleware {} failed before the headers were sent",
                        middleware.getClass().getName(),
                        e);
            }
        }
    }

    /** A copy whose names match in any case, as HTTP header names do (servers differ in case). */
    private static MultivaluedMap<String, String> readOnly(MultivaluedMap<String, String> headers) {
        MultivaluedMap<String, String> copy =
                new AbstractMultivaluedMap<>(new TreeMap<>(String.CASE_INSENSITIVE_ORDER)) {};
        headers.forEach((name, values) -> copy.put(name, Collections.unmodifiableList(values)));
        return copy;
    }
}

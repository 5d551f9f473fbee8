package io.arrowhttp.internal.provider;

import io.arrowhttp.protocol.HttpStatus;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.Response;
import java.util.Set;

/**
 * Cross-origin access for browser clients (Arrow's JavaScript library fetching datasets) from the
 * configured origins only: answers preflight requests and marks responses as readable by them.
 * Requests without an {@code Origin}, or from other origins, are left alone, so the browser keeps
 * blocking those. When the server takes uploads, preflights allow {@code PUT}, {@code POST} and
 * {@code DELETE}, uploads with a {@code Content-Encoding}, and pages may read the
 * {@code Location} of what they made.
 */
@PreMatching
@Priority(Priorities.AUTHENTICATION - 200)
public final class CorsFilter implements ContainerRequestFilter, ContainerResponseFilter {

    private static final String ALLOWED_HEADERS =
            "Accept, Authorization, Content-Type, X-Request-Id, X-Request-Timeout";
    private static final String UPLOAD_HEADERS = ", Content-Encoding";
    private static final String EXPOSED_HEADERS = "Content-Type, X-Request-Id";
    private static final String UPLOAD_EXPOSED_HEADERS = ", Location";

    private final Set<String> origins;
    private final String methods;
    private final String allowedHeaders;
    private final String exposedHeaders;

    /** @param uploads whether the server takes {@code PUT} and {@code POST} uploads (and {@code DELETE}) */
    public CorsFilter(Set<String> origins, boolean uploads) {
        this.origins = Set.copyOf(origins);
        this.methods = uploads ? "GET, HEAD, PUT, POST, DELETE, OPTIONS" : "GET, HEAD, OPTIONS";
        this.allowedHeaders = uploads ? ALLOWED_HEADERS + UPLOAD_HEADERS : ALLOWED_HEADERS;
        this.exposedHeaders = uploads ? EXPOSED_HEADERS + UPLOAD_EXPOSED_HEADERS : EXPOSED_HEADERS;
    }

    @Override
    public void filter(ContainerRequestContext request) {
        String origin = request.getHeaderString("Origin");
        if ("OPTIONS".equals(request.getMethod())
                && origin != null
                && request.getHeaderString("Access-Control-Request-Method") != null) {
            if (!allowed(origin)) {
                request.abortWith(Response.status(HttpStatus.FORBIDDEN).build());
                return;
            }
            request.abortWith(Response.noContent()
                    .header("Access-Control-Allow-Origin", origin)
                    .header("Access-Control-Allow-Methods", methods)
                    .header("Access-Control-Allow-Headers", allowedHeaders)
                    .header("Access-Control-Max-Age", "600")
                    .header("Vary", "Origin")
                    .build());
        }
    }

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        String origin = request.getHeaderString("Origin");
        if (origin != null && allowed(origin) && !response.getHeaders().containsKey("Access-Control-Allow-Origin")) {
            response.getHeaders().putSingle("Access-Control-Allow-Origin", origin);
            response.getHeaders().putSingle("Access-Control-Expose-Headers", exposedHeaders);
            response.getHeaders().add("Vary", "Origin");
        }
    }

    private boolean allowed(String origin) {
        return origins.contains("*") || origins.contains(origin);
    }
}

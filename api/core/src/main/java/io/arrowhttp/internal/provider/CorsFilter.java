package io.arrowhttp.internal.provider;

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
 * blocking those.
 */
@PreMatching
@Priority(Priorities.AUTHENTICATION - 200)
public final class CorsFilter implements ContainerRequestFilter, ContainerResponseFilter {

    private static final String ALLOWED_HEADERS =
            "Accept, Authorization, Content-Type, X-Request-Id, X-Request-Timeout";
    private static final String EXPOSED_HEADERS = "Content-Type, X-Request-Id";

    private final Set<String> origins;

    public CorsFilter(Set<String> origins) {
        this.origins = Set.copyOf(origins);
    }

    @Override
    public void filter(ContainerRequestContext request) {
        String origin = request.getHeaderString("Origin");
        if ("OPTIONS".equals(request.getMethod())
                && origin != null
                && request.getHeaderString("Access-Control-Request-Method") != null) {
            if (!allowed(origin)) {
                request.abortWith(Response.status(403).build());
                return;
            }
            request.abortWith(Response.noContent()
                    .header("Access-Control-Allow-Origin", origin)
                    .header("Access-Control-Allow-Methods", "GET, HEAD, OPTIONS")
                    .header("Access-Control-Allow-Headers", ALLOWED_HEADERS)
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
            response.getHeaders().putSingle("Access-Control-Expose-Headers", EXPOSED_HEADERS);
            response.getHeaders().add("Vary", "Origin");
        }
    }

    private boolean allowed(String origin) {
        return origins.contains("*") || origins.contains(origin);
    }
}

package io.arrowhttp.internal.provider;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import org.glassfish.jersey.server.ExtendedUriInfo;

/**
 * Counts requests by method, route and status ({@code arrowhttp.requests}). The route is the
 * matched path template, such as {@code /datasets/{name}}, never the path itself: a client cannot
 * make a meter per name it makes up. Requests that match no resource count as {@code unmatched},
 * and methods other than HTTP's own (RFC 9110, section 9, and PATCH) as {@code OTHER}: the label
 * values are bounded whatever clients send.
 */
@Priority(Priorities.USER)
public final class RequestMetricsFilter implements ContainerResponseFilter {

    private final MeterRegistry registry;

    public RequestMetricsFilter(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        Counter.builder("arrowhttp.requests")
                .description("HTTP requests by method, route and status")
                .tag("method", method(request.getMethod()))
                .tag("route", route(request))
                .tag("status", Integer.toString(response.getStatus()))
                .register(registry)
                .increment();
    }

    private static final Set<String> METHODS =
            Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH");

    private static String method(String method) {
        return METHODS.contains(method) ? method : "OTHER";
    }

    private static String route(ContainerRequestContext request) {
        if (!(request.getUriInfo() instanceof ExtendedUriInfo extended)
                || extended.getMatchedTemplates().isEmpty()) {
            return "unmatched";
        }
        // Jersey lists the matched templates from the innermost out.
        List<String> templates = new ArrayList<>();
        extended.getMatchedTemplates().forEach(template -> templates.add(template.getTemplate()));
        Collections.reverse(templates);
        String route = String.join("/", templates).replaceAll("/+", "/");
        return route.startsWith("/") ? route : "/" + route;
    }
}

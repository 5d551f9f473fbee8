package io.arrowhttp.app;

import io.arrowhttp.protocol.ResourcePaths;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;

/**
 * {@code GET /metrics}: the application's meters in Prometheus's text exposition format, for a
 * Prometheus server to scrape. Served only when {@code arrowhttp.metrics} is on; like every path
 * but the handshake and the health probes, it needs a token when authentication is on.
 */
@Path(ResourcePaths.METRICS)
public final class MetricsResource {

    /** Prometheus's text format, version 0.0.4, which every scraper reads. */
    static final String TEXT_FORMAT = "text/plain; version=0.0.4; charset=utf-8";

    private final PrometheusMeterRegistry registry;

    public MetricsResource(PrometheusMeterRegistry registry) {
        this.registry = registry;
    }

    @GET
    @Produces(TEXT_FORMAT)
    public String scrape() {
        return registry.scrape();
    }
}

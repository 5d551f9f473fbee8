package io.arrowhttp.internal.resource;

import io.arrowhttp.dataset.Dataset;
import io.arrowhttp.protocol.ClientText;
import io.arrowhttp.protocol.HttpStatus;
import io.arrowhttp.protocol.ProtocolJson;
import io.arrowhttp.protocol.ResourcePaths;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The probes Kubernetes and load balancers call: {@code /health/live} answers while the
 * application runs; {@code /health/ready} asks every dataset whether its source answers
 * ({@link Dataset#checkAvailable()}) and is 503 while one does not. Answers hold counts, never
 * dataset names or reasons, as the probes need no credentials; the log says which dataset failed
 * and why, once each time it changes. Checks run at most once a second whatever the probes' rate,
 * so a flood of probes cannot become a flood of database connections.
 */
@Path("")
public final class HealthResource {

    private static final Logger LOG = LoggerFactory.getLogger(HealthResource.class);
    private static final long CHECK_INTERVAL_NANOS = 1_000_000_000L;

    private final DatasetCatalog catalog;
    private final BooleanSupplier stopping;
    private Readiness last;
    private Set<String> lastDown = Set.of();

    /** @param stopping whether the server is stopping, and so not ready whatever its sources say */
    public HealthResource(DatasetCatalog catalog, BooleanSupplier stopping) {
        this.catalog = catalog;
        this.stopping = stopping;
    }

    /** What the last check found, and when. */
    private record Readiness(int datasets, int unavailable, long checkedAt) {}

    @GET
    @Path(ResourcePaths.HEALTH_LIVE)
    @Produces(MediaType.APPLICATION_JSON)
    public Response live() {
        return Response.ok(ProtocolJson.toBytes(Map.of("status", "UP")), MediaType.APPLICATION_JSON_TYPE)
                .build();
    }

    @GET
    @Path(ResourcePaths.HEALTH_READY)
    @Produces(MediaType.APPLICATION_JSON)
    public Response ready() {
        if (stopping.getAsBoolean()) {
            return Response.status(HttpStatus.SERVICE_UNAVAILABLE)
                    .entity(ProtocolJson.toBytes(Map.of("status", "STOPPING")))
                    .type(MediaType.APPLICATION_JSON_TYPE)
                    .build();
        }
        Readiness readiness = check();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", readiness.unavailable() == 0 ? "UP" : "DOWN");
        body.put("datasets", readiness.datasets());
        body.put("unavailable", readiness.unavailable());
        return Response.status(readiness.unavailable() == 0 ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE)
                .entity(ProtocolJson.toBytes(body))
                .type(MediaType.APPLICATION_JSON_TYPE)
                .build();
    }

    private synchronized Readiness check() {
        long now = System.nanoTime();
        if (last != null && now - last.checkedAt() < CHECK_INTERVAL_NANOS) {
            return last;
        }
        List<Dataset> datasets = List.copyOf(catalog.all());
        Set<String> down = new TreeSet<>();
        for (Dataset dataset : datasets) {
            try {
                dataset.checkAvailable();
            } catch (RuntimeException unavailable) {
                down.add(dataset.name());
                if (!lastDown.contains(dataset.name())) {
                    LOG.warn(
                            "Dataset {} is unavailable, so the server is not ready: {}",
                            ClientText.quote(dataset.name()),
                            ClientText.escape(String.valueOf(unavailable.getMessage()), 512));
                }
            }
        }
        for (String back : lastDown) {
            if (!down.contains(back)) {
                LOG.info("Dataset {} is available again", ClientText.quote(back));
            }
        }
        lastDown = down;
        last = new Readiness(datasets.size(), down.size(), now);
        return last;
    }
}

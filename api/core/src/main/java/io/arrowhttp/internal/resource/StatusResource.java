package io.arrowhttp.internal.resource;

import io.arrowhttp.protocol.ProtocolJson;
import io.arrowhttp.protocol.ResourcePaths;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.IntSupplier;
import org.apache.arrow.memory.BufferAllocator;

/**
 * {@code GET /status}: the Arrow memory the application holds and its responses by outcome, so an
 * operator, a test or a benchmark can see that nothing leaks: with no response running,
 * {@code allocatedBytes} is 0; and the upload places taken ({@code activeUploads}), 0 when no
 * upload runs.
 */
@Path(ResourcePaths.STATUS)
public final class StatusResource {

    private final BufferAllocator allocator;
    private final StreamMetrics metrics;
    private final IntSupplier activeUploads;

    /** @param activeUploads the upload places taken now */
    public StatusResource(BufferAllocator allocator, StreamMetrics metrics, IntSupplier activeUploads) {
        this.allocator = allocator;
        this.metrics = metrics;
        this.activeUploads = activeUploads;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Response get() {
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("allocatedBytes", allocator.getAllocatedMemory());
        status.put("peakAllocatedBytes", allocator.getPeakMemoryAllocation());
        status.put("openResponseAllocators", allocator.getChildAllocators().size());
        status.putAll(metrics.snapshot());
        status.put("activeUploads", activeUploads.getAsInt());
        Runtime runtime = Runtime.getRuntime();
        status.put("heapUsedBytes", runtime.totalMemory() - runtime.freeMemory());
        status.put("heapMaxBytes", runtime.maxMemory());
        return Response.ok(ProtocolJson.toBytes(status), MediaType.APPLICATION_JSON_TYPE)
                .build();
    }
}

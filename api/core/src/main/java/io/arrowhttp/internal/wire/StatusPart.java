package io.arrowhttp.internal.wire;

import io.arrowhttp.protocol.internal.Json;
import io.arrowhttp.server.ArrowStream;
import io.arrowhttp.server.StreamStatistics;

import jakarta.ws.rs.core.StreamingOutput;

import java.io.IOException;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The closing status part: how the Arrow part before it ended, as JSON. After a producer failure
 * it is sent and flushed, then the failure is thrown again so that the response is still aborted
 * (no close delimiter, no last chunk): clients that do not read the status part see a failure too.
 */
public final class StatusPart implements StreamingOutput {

    private final ArrowStream arrow;

    public StatusPart(ArrowStream arrow) {
        this.arrow = arrow;
    }

    @Override
    public void write(OutputStream output) throws IOException {
        Optional<RuntimeException> failure = arrow.deferredFailure();
        StreamStatistics stats = arrow.statistics();
        Map<String, Object> status = new LinkedHashMap<>();
        arrow.outcome().ifPresentOrElse(outcome -> {
            status.put("code", outcome.code());
            status.put("message", outcome.message());
            status.put("errorId", outcome.errorId());
        }, () -> {
            status.put("code", failure.isPresent() ? "INTERNAL" : "OK");
            status.put("message", null);
            status.put("errorId", null);
        });
        status.put("rows", stats.rows());
        status.put("batches", stats.batches());
        status.put("bytes", stats.bytes());
        status.put("seconds", stats.elapsedSeconds());
        output.write(Json.toBytes(status));
        if (failure.isPresent()) {
            output.flush();
            throw failure.get();
        }
    }
}

package io.arrowhttp.response;

import io.arrowhttp.call.StreamStatistics;
import io.arrowhttp.protocol.ProtocolJson;
import io.arrowhttp.protocol.StreamStatus;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Optional;

/**
 * The closing status part: how the Arrow part before it ended, a {@link StreamStatus}. After a
 * producer failure it is sent and flushed, then the failure is thrown again so that the response
 * is still aborted (no close delimiter, no last chunk): clients that do not read the status part
 * see a failure too.
 */
final class StatusPart implements StreamingOutput {

    private final ArrowStream arrow;

    StatusPart(ArrowStream arrow) {
        this.arrow = arrow;
    }

    @Override
    public void write(OutputStream output) throws IOException {
        Optional<RuntimeException> failure = arrow.deferredFailure();
        StreamStatistics stats = arrow.statistics();
        StreamStatus status = arrow.outcome()
                .map(outcome -> new StreamStatus(
                        outcome.code(),
                        outcome.message(),
                        outcome.errorId(),
                        stats.rows(),
                        stats.batches(),
                        stats.bytes(),
                        stats.elapsedSeconds()))
                .orElseGet(() -> new StreamStatus(
                        failure.isPresent() ? "INTERNAL" : StreamStatus.OK,
                        null,
                        null,
                        stats.rows(),
                        stats.batches(),
                        stats.bytes(),
                        stats.elapsedSeconds()));
        output.write(ProtocolJson.toBytes(status));
        if (failure.isPresent()) {
            output.flush();
            throw failure.get();
        }
    }
}

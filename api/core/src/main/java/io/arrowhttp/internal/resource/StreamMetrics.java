package io.arrowhttp.internal.resource;

import io.arrowhttp.server.StreamOutcome;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/** Counts of dataset responses by how they ended, for {@code GET /status}. */
public final class StreamMetrics {

    private final AtomicLong opened = new AtomicLong();
    private final AtomicLong completed = new AtomicLong();
    private final AtomicLong cancelled = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong timedOut = new AtomicLong();

    void opened() {
        opened.incrementAndGet();
    }

    void ended(StreamOutcome outcome) {
        if (outcome.isOk()) {
            completed.incrementAndGet();
        } else {
            switch (outcome.error()) {
                case CANCELLED -> cancelled.incrementAndGet();
                case TIMED_OUT -> timedOut.incrementAndGet();
                default -> failed.incrementAndGet();
            }
        }
    }

    Map<String, Object> snapshot() {
        long ended = completed.get() + cancelled.get() + failed.get() + timedOut.get();
        Map<String, Object> counts = new LinkedHashMap<>();
        counts.put("activeStreams", opened.get() - ended);
        counts.put("completedStreams", completed.get());
        counts.put("cancelledStreams", cancelled.get());
        counts.put("failedStreams", failed.get());
        counts.put("timedOutStreams", timedOut.get());
        return counts;
    }
}

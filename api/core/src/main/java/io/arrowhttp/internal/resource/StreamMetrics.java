package io.arrowhttp.internal.resource;

import io.arrowhttp.call.StreamOutcome;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.arrow.memory.BufferAllocator;

/**
 * Counts of dataset responses by how they ended, for {@code GET /status}, and, when the
 * application gives a {@link MeterRegistry}, the same and more as meters: streams active and
 * finished by outcome, rows and bytes sent, stream durations, Arrow memory allocated, refused
 * handshakes.
 */
public final class StreamMetrics {

    private final AtomicLong opened = new AtomicLong();
    private final AtomicLong completed = new AtomicLong();
    private final AtomicLong cancelled = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong timedOut = new AtomicLong();
    private volatile MeterRegistry registry;
    private volatile Counter rows;
    private volatile Counter bytes;
    private volatile Counter refusedHandshakes;

    /** Also counts into {@code registry}; the gauges read this object and {@code allocator}. */
    public void bind(MeterRegistry registry, BufferAllocator allocator) {
        Gauge.builder("arrowhttp.streams.active", this, StreamMetrics::active)
                .description("Dataset streams being sent")
                .register(registry);
        Gauge.builder("arrowhttp.arrow.allocated", allocator, BufferAllocator::getAllocatedMemory)
                .description("Arrow memory the application holds")
                .baseUnit("bytes")
                .register(registry);
        rows = Counter.builder("arrowhttp.stream.rows")
                .description("Rows sent in dataset streams")
                .register(registry);
        bytes = Counter.builder("arrowhttp.stream.bytes")
                .description("Arrow IPC bytes sent in dataset streams, before any content coding")
                .baseUnit("bytes")
                .register(registry);
        refusedHandshakes = Counter.builder("arrowhttp.handshakes.refused")
                .description("Handshakes refused: unknown users, wrong passwords, too many attempts")
                .register(registry);
        this.registry = registry;
    }

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
        MeterRegistry meters = registry;
        if (meters != null) {
            String label = outcome.isOk() ? "ok" : outcome.error().name().toLowerCase(Locale.ROOT);
            Timer.builder("arrowhttp.streams")
                    .description("Dataset streams that ended, by outcome, and how long they took")
                    .tag("outcome", label)
                    .register(meters)
                    .record(outcome.statistics().elapsedNanos(), TimeUnit.NANOSECONDS);
            rows.increment(outcome.statistics().rows());
            bytes.increment(outcome.statistics().bytes());
        }
    }

    /** A handshake was refused. */
    void handshakeRefused() {
        Counter counter = refusedHandshakes;
        if (counter != null) {
            counter.increment();
        }
    }

    private double active() {
        return opened.get() - (completed.get() + cancelled.get() + failed.get() + timedOut.get());
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

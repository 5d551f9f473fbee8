package io.arrowhttp.internal.resource;

import io.arrowhttp.call.CallContext;
import io.arrowhttp.dataset.Dataset;
import io.arrowhttp.dataset.DatasetRequest;
import io.arrowhttp.protocol.ArrowHttpException;
import io.arrowhttp.protocol.ErrorCode;
import io.arrowhttp.response.ArrowStream;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.apache.arrow.memory.BufferAllocator;

/**
 * The dataset streams of one application while they run: each is opened within the stream
 * limits, with an allocator of its own and its call's deadline watched, counted in the metrics,
 * and ended by a graceful stop.
 *
 * <h2>Ownership</h2>
 * {@link #open} makes a child of the application's allocator for each response and hands it to
 * the {@link ArrowStream}, which closes it; when opening fails, it is closed here. The
 * application's allocator stays the caller's. Thread-safe.
 */
final class RunningStreams {

    private final BufferAllocator allocator;
    private final long responseMemoryLimit;
    private final Deadlines deadlines;
    private final StreamLimits limits;
    private final StreamMetrics metrics;
    private final AtomicLong responses = new AtomicLong();
    private final Set<CallContext> running = ConcurrentHashMap.newKeySet();
    private volatile boolean stopping;

    RunningStreams(
            BufferAllocator allocator,
            long responseMemoryLimit,
            Deadlines deadlines,
            StreamLimits limits,
            StreamMetrics metrics) {
        this.allocator = allocator;
        this.responseMemoryLimit = responseMemoryLimit;
        this.deadlines = deadlines;
        this.limits = limits;
        this.metrics = metrics;
    }

    /**
     * The stream {@code opener} makes with a response allocator of its own, within the stream
     * limits (for {@code clientAddress}, null when unknown) and the call's deadline; on failure
     * the allocator is closed.
     *
     * @throws ArrowHttpException {@code UNAVAILABLE} once the server is stopping,
     *     {@code RESOURCE_EXHAUSTED} over the stream limits, or the opener's failure
     */
    ArrowStream open(
            Dataset dataset,
            DatasetRequest request,
            String clientAddress,
            Function<BufferAllocator, ArrowStream> opener) {
        if (stopping) {
            throw new ArrowHttpException(
                    ErrorCode.UNAVAILABLE, "The server is stopping; fetch again from another server, or later");
        }
        Runnable release = limits.acquire(request.principal().orElse(null), clientAddress);
        // Watched from before open: a query that runs long before its first batch must hear of
        // the deadline too.
        Future<?> deadline = deadlines.watch(request.call());
        ArrowStream arrow;
        try {
            BufferAllocator responseAllocator = newResponseAllocator(dataset.name());
            try {
                arrow = opener.apply(responseAllocator);
            } catch (RuntimeException | Error e) {
                responseAllocator.close();
                throw e;
            }
        } catch (RuntimeException | Error e) {
            if (deadline != null) {
                deadline.cancel(false);
            }
            release.run();
            throw e;
        }
        metrics.opened();
        running.add(request.call());
        arrow.onEnd(outcome -> {
            running.remove(request.call());
            release.run();
            if (deadline != null) {
                deadline.cancel(false);
            }
            metrics.ended(outcome);
        });
        return arrow;
    }

    /** A child of the application's allocator for one response, within the response memory limit. */
    BufferAllocator newResponseAllocator(String datasetName) {
        return allocator.newChildAllocator(
                "response-" + responses.incrementAndGet() + "-" + datasetName, 0, responseMemoryLimit);
    }

    /** Whether the server is stopping: no new streams, and not ready. */
    boolean stopping() {
        return stopping;
    }

    /**
     * Stops taking streams (new ones get 503), lets running ones finish for up to {@code grace},
     * then ends those left: each is cancelled as {@code UNAVAILABLE}, so that its client sees the
     * failure (the failure marker, the status part when asked for), never a stream that looks
     * complete. Returns once every stream has ended, or 10 s after the grace when one will not.
     *
     * @return how many streams were cut
     */
    int stop(Duration grace) {
        stopping = true;
        long deadline = System.nanoTime() + grace.toNanos();
        awaitNoStreams(deadline);
        List<CallContext> left = List.copyOf(running);
        left.forEach(call -> call.cancel(ErrorCode.UNAVAILABLE));
        awaitNoStreams(System.nanoTime() + TimeUnit.SECONDS.toNanos(10));
        return left.size();
    }

    private void awaitNoStreams(long deadline) {
        while (!running.isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}

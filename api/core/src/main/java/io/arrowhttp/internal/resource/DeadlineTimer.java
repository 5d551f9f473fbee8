package io.arrowhttp.internal.resource;

import io.arrowhttp.protocol.ErrorCode;
import io.arrowhttp.server.CallContext;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Cancels calls when their deadline passes, so that a producer blocked between batches hears of
 * it through its cancel callbacks. One daemon thread, started on first use and stopped when the
 * application stops.
 */
public final class DeadlineTimer {

    private ScheduledThreadPoolExecutor executor;

    /** Schedules the cancellation; the returned future is cancelled when the response ends first. */
    synchronized Future<?> schedule(CallContext call) {
        if (call.deadline().isEmpty()) {
            return null;
        }
        if (executor == null) {
            executor = new ScheduledThreadPoolExecutor(1, runnable -> {
                Thread thread = new Thread(runnable, "arrowhttp-deadlines");
                thread.setDaemon(true);
                return thread;
            });
            executor.setRemoveOnCancelPolicy(true);
        }
        long delay = Math.max(
                0, Duration.between(Instant.now(), call.deadline().get()).toMillis());
        return executor.schedule(() -> call.cancel(ErrorCode.TIMED_OUT), delay, TimeUnit.MILLISECONDS);
    }

    public synchronized void stop() {
        if (executor != null) {
            executor.shutdownNow();
            executor = null;
        }
    }
}

package io.arrowhttp.internal.container;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The one timer thread of an application's arrowhttp feature: deadlines and the stalled-write
 * sweep run on it. A daemon thread, made on first use and stopped with the application. Tasks
 * must be quick.
 */
public final class ServerTimer {

    private ScheduledThreadPoolExecutor executor;

    /** Runs {@code task} once after {@code delay}. */
    public synchronized ScheduledFuture<?> schedule(Runnable task, Duration delay) {
        return executor().schedule(task, Math.max(0, delay.toMillis()), TimeUnit.MILLISECONDS);
    }

    /** Runs {@code task} every {@code period} until the returned future is cancelled. */
    public synchronized ScheduledFuture<?> every(Duration period, Runnable task) {
        long millis = Math.max(1, period.toMillis());
        return executor().scheduleWithFixedDelay(task, millis, millis, TimeUnit.MILLISECONDS);
    }

    /** Stops the thread; a later task starts a new one. */
    public synchronized void stop() {
        if (executor != null) {
            executor.shutdownNow();
            executor = null;
        }
    }

    private ScheduledThreadPoolExecutor executor() {
        if (executor == null) {
            executor = new ScheduledThreadPoolExecutor(1, runnable -> {
                Thread thread = new Thread(runnable, "arrowhttp-timer");
                thread.setDaemon(true);
                return thread;
            });
            executor.setRemoveOnCancelPolicy(true);
        }
        return executor;
    }
}

package io.arrowhttp.internal.container;

import java.time.Duration;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The one timer thread of an application's arrowhttp feature: deadlines and the stalled-write
 * sweep run on it. A daemon thread, made on first use and stopped with the application, for good:
 * tasks scheduled after {@link #stop()} (streams cancelled by the stop schedule some) never run,
 * so no thread outlives the application in its container. Tasks must be quick.
 */
public final class ServerTimer {

    /** Shut down from the start, it never makes a thread: a task given to it is cancelled at once. */
    private static final ScheduledThreadPoolExecutor REFUSING = refusing();

    private ScheduledThreadPoolExecutor executor;
    private boolean stopped;

    /** Runs {@code task} once after {@code delay}; never once the timer has stopped. */
    public synchronized ScheduledFuture<?> schedule(Runnable task, Duration delay) {
        return executor().schedule(task, Math.max(0, delay.toMillis()), TimeUnit.MILLISECONDS);
    }

    /** Runs {@code task} every {@code period} until the returned future is cancelled or the timer stops. */
    public synchronized ScheduledFuture<?> every(Duration period, Runnable task) {
        long millis = Math.max(1, period.toMillis());
        return executor().scheduleWithFixedDelay(task, millis, millis, TimeUnit.MILLISECONDS);
    }

    /** Stops the thread, waiting a moment for it to end. */
    public void stop() {
        ScheduledThreadPoolExecutor ending;
        synchronized (this) {
            stopped = true;
            ending = executor;
        }
        if (ending != null) {
            ending.shutdownNow();
            try {
                ending.awaitTermination(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private ScheduledThreadPoolExecutor executor() {
        if (stopped) {
            return REFUSING;
        }
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

    private static ScheduledThreadPoolExecutor refusing() {
        ScheduledThreadPoolExecutor refusing = new ScheduledThreadPoolExecutor(1, (task, pool) -> {
            if (task instanceof Future<?> future) {
                future.cancel(false);
            }
        });
        refusing.shutdown();
        return refusing;
    }
}

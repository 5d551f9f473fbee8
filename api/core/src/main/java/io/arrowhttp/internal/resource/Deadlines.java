package io.arrowhttp.internal.resource;

import io.arrowhttp.protocol.ArrowHttpException;
import io.arrowhttp.protocol.ClientText;
import io.arrowhttp.protocol.ErrorCode;
import io.arrowhttp.protocol.HeaderNames;
import io.arrowhttp.server.CallContext;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The deadlines of dataset responses: each call ends at the earlier of the server's response limit
 * and the client's {@code X-Request-Timeout}, and is cancelled then by one daemon timer thread,
 * made on first use and stopped with the application, so that a producer blocked between batches
 * hears of it too.
 */
public final class Deadlines {

    /** Longer than any sensible response, short enough that the nanoseconds fit a long. */
    private static final double MAX_SECONDS = 10_000_000;

    private final Duration serverLimit;
    private ScheduledThreadPoolExecutor executor;

    /** @param serverLimit the server's limit for every response, or null for none */
    public Deadlines(Duration serverLimit) {
        this.serverLimit = serverLimit;
    }

    /**
     * A new call with its deadline.
     *
     * @param requestedTimeout the client's {@code X-Request-Timeout}, or null
     * @throws ArrowHttpException {@code INVALID_ARGUMENT} for a value that is not a positive number
     */
    public CallContext newCall(String requestedTimeout) {
        Duration limit = serverLimit;
        if (requestedTimeout != null) {
            Duration clientLimit = parse(requestedTimeout);
            limit = limit == null || clientLimit.compareTo(limit) < 0 ? clientLimit : limit;
        }
        return limit == null
                ? CallContext.withoutDeadline()
                : CallContext.withDeadline(Instant.now().plus(limit));
    }

    /** Cancels the call at its deadline; the returned future is to be cancelled when the response ends first. */
    synchronized Future<?> watch(CallContext call) {
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

    private static Duration parse(String value) {
        try {
            double seconds = Double.parseDouble(value.trim());
            if (seconds > 0 && seconds <= MAX_SECONDS) {
                return Duration.ofNanos((long) (seconds * 1e9));
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ArrowHttpException.invalidArgument("Header " + HeaderNames.REQUEST_TIMEOUT
                + " must be a number of seconds greater than 0, such as 30 or 2.5; got " + ClientText.quote(value));
    }
}

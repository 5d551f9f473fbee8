package io.arrowhttp.internal.resource;

import io.arrowhttp.call.CallContext;
import io.arrowhttp.internal.container.ServerTimer;
import io.arrowhttp.protocol.ArrowHttpException;
import io.arrowhttp.protocol.ClientText;
import io.arrowhttp.protocol.ErrorCode;
import io.arrowhttp.protocol.HeaderNames;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Future;

/**
 * The deadlines of dataset responses: each call ends at the earlier of the server's response limit
 * and the client's {@code X-Request-Timeout}, and is cancelled then on the {@link ServerTimer}, so
 * that a producer blocked between batches hears of it too.
 */
public final class Deadlines {

    /** Longer than any sensible response, short enough that the nanoseconds fit a long. */
    private static final double MAX_SECONDS = 10_000_000;

    private final Duration serverLimit;
    private final ServerTimer timer;

    /**
     * @param serverLimit the server's limit for every response, or null for none
     * @param timer where the cancellations run
     */
    public Deadlines(Duration serverLimit, ServerTimer timer) {
        this.serverLimit = serverLimit;
        this.timer = timer;
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
    Future<?> watch(CallContext call) {
        if (call.deadline().isEmpty()) {
            return null;
        }
        return timer.schedule(
                () -> call.cancel(ErrorCode.TIMED_OUT),
                Duration.between(Instant.now(), call.deadline().get()));
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

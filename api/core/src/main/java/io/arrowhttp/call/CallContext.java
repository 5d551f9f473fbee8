package io.arrowhttp.call;

import io.arrowhttp.protocol.ArrowHttpException;
import io.arrowhttp.protocol.ErrorCode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The life of one response, as a producer sees it: whether it was cancelled (the client went
 * away, or the deadline passed) and when it must end. Like Flight's {@code ServerCallContext},
 * for producers that work between batches: check {@link #isCancelled()} in long loops, or
 * register an {@link #onCancel} callback to stop a blocking call.
 *
 * <p>arrowhttp cancels the call when a write to the client fails, when the deadline passes
 * (the earlier of the server's response time limit and the client's {@code X-Request-Timeout}),
 * and, on the standalone server, as soon as the client closes its connection. Thread-safe.
 */
public final class CallContext {

    private static final Logger LOG = LoggerFactory.getLogger(CallContext.class);

    private final Instant deadline;
    private final List<Runnable> callbacks = new ArrayList<>();
    private ErrorCode cancellation;
    private boolean ended;

    private CallContext(Instant deadline) {
        this.deadline = deadline;
    }

    /** A call without deadline. */
    public static CallContext withoutDeadline() {
        return new CallContext(null);
    }

    /** A call that must end by {@code deadline}. */
    public static CallContext withDeadline(Instant deadline) {
        return new CallContext(Objects.requireNonNull(deadline, "deadline"));
    }

    public Optional<Instant> deadline() {
        return Optional.ofNullable(deadline);
    }

    /** True once cancelled or past the deadline: stop producing. */
    public boolean isCancelled() {
        return cancellation().isPresent();
    }

    /** Why the call was cancelled: {@link ErrorCode#CANCELLED} or {@link ErrorCode#TIMED_OUT}. */
    public synchronized Optional<ErrorCode> cancellation() {
        if (cancellation == null && deadline != null && !ended && Instant.now().isAfter(deadline)) {
            return Optional.of(ErrorCode.TIMED_OUT);
        }
        return Optional.ofNullable(cancellation);
    }

    /**
     * Runs {@code callback} once when the call is cancelled, on the thread that notices; at once if
     * it already is. Callbacks must be quick and must not throw.
     */
    public void onCancel(Runnable callback) {
        Objects.requireNonNull(callback, "callback");
        boolean runNow;
        synchronized (this) {
            runNow = cancellation != null;
            if (!runNow) {
                callbacks.add(callback);
            }
        }
        if (runNow) {
            run(callback);
        }
    }

    /**
     * Cancels the call with {@code reason} and runs the callbacks. Called by arrowhttp; a producer
     * may call it too, to give up. Nothing happens after the first call or once the call has ended.
     */
    public void cancel(ErrorCode reason) {
        List<Runnable> toRun;
        synchronized (this) {
            if (cancellation != null || ended) {
                return;
            }
            cancellation = Objects.requireNonNull(reason, "reason");
            toRun = List.copyOf(callbacks);
            callbacks.clear();
        }
        toRun.forEach(CallContext::run);
    }

    /** Marks the response as over: no cancellation after this. Called by arrowhttp. */
    public synchronized void end() {
        ended = true;
        callbacks.clear();
    }

    /**
     * Throws if the call may not go on: {@code TIMED_OUT} past the deadline, {@code CANCELLED}
     * when cancelled.
     */
    public void checkNotCancelled() {
        Optional<ErrorCode> reason = cancellation();
        if (reason.isPresent()) {
            if (reason.get() == ErrorCode.TIMED_OUT) {
                cancel(ErrorCode.TIMED_OUT);
                throw new ArrowHttpException(
                        ErrorCode.TIMED_OUT,
                        "The response passed its deadline (the server's response time limit or the client's X-Request-Timeout)");
            }
            if (reason.get() == ErrorCode.UNAVAILABLE) {
                throw new ArrowHttpException(
                        ErrorCode.UNAVAILABLE,
                        "The server stopped before the response was complete; fetch again from another server,"
                                + " or later");
            }
            throw new ArrowHttpException(reason.get(), "The call was cancelled");
        }
    }

    private static void run(Runnable callback) {
        try {
            callback.run();
        } catch (RuntimeException e) {
            LOG.warn("A cancel callback failed", e);
        }
    }
}

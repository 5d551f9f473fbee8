package io.arrowhttp.internal.resource;

import io.arrowhttp.protocol.ArrowHttpException;
import io.arrowhttp.protocol.ErrorCode;
import java.security.Principal;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How many dataset streams may run at once: in all, and per caller when callers are known. A
 * stream holds a server thread for as long as its client takes to read it, so without a bound
 * slow or stalled clients could take every thread and leave none for the catalog or
 * {@code /status}. Checked before anything is produced; beyond a bound the call is refused with
 * {@code 503} (all) or {@code 429} (one caller) and a {@code Retry-After}. Thread-safe.
 */
public final class StreamLimits {

    /** When a refused client may try again: streams usually end within seconds. */
    static final Duration RETRY_AFTER = Duration.ofSeconds(2);

    private final int total;
    private final int perPrincipal;
    private final AtomicInteger running = new AtomicInteger();
    private final ConcurrentMap<String, Integer> byPrincipal = new ConcurrentHashMap<>();

    /**
     * @param total the most streams at once, at least 1
     * @param perPrincipal the most streams one authenticated caller may run at once, or 0 for no
     *     bound of its own
     */
    public StreamLimits(int total, int perPrincipal) {
        this.total = total;
        this.perPrincipal = perPrincipal;
    }

    /**
     * Takes a place for one stream of {@code principal} (null when anonymous).
     *
     * @return what gives the place back; run it once, when the stream ends
     * @throws ArrowHttpException {@code UNAVAILABLE} or {@code RESOURCE_EXHAUSTED}, with a retry delay
     */
    public Runnable acquire(Principal principal) {
        if (running.incrementAndGet() > total) {
            running.decrementAndGet();
            throw new ArrowHttpException(
                    ErrorCode.UNAVAILABLE,
                    "The server is sending as many streams as it may (" + total + "); try again shortly",
                    RETRY_AFTER);
        }
        if (principal == null || perPrincipal <= 0) {
            return running::decrementAndGet;
        }
        String name = principal.getName();
        boolean[] over = new boolean[1];
        // compute() runs atomically per name, so a count is never read and written apart.
        byPrincipal.compute(name, (key, count) -> {
            int now = count == null ? 0 : count;
            over[0] = now >= perPrincipal;
            return over[0] ? count : Integer.valueOf(now + 1);
        });
        if (over[0]) {
            running.decrementAndGet();
            throw new ArrowHttpException(
                    ErrorCode.RESOURCE_EXHAUSTED,
                    "You are receiving as many streams at once as one caller may (" + perPrincipal
                            + "); wait for one to end",
                    RETRY_AFTER);
        }
        return () -> {
            byPrincipal.compute(name, (key, count) -> count == null || count <= 1 ? null : count - 1);
            running.decrementAndGet();
        };
    }

    /** Streams running now. */
    public int running() {
        return running.get();
    }
}

package io.arrowhttp.internal.resource;

import io.arrowhttp.protocol.ArrowHttpException;
import io.arrowhttp.protocol.ErrorCode;
import java.security.Principal;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How many dataset streams may run at once: in all, per client address, and per caller when
 * callers are known. A stream holds a server thread for as long as its client takes to read it,
 * so without a bound slow or stalled clients could take every thread and leave none for the
 * catalog or {@code /status}; without the bound per address, one machine that stops reading could
 * take every stream for everyone. Checked before anything is produced; beyond a client's own share
 * (its address's or its caller's) the call is refused with {@code 429}, beyond the total with
 * {@code 503}, both with a {@code Retry-After}. Thread-safe; the counts per address and caller
 * hold only those with a stream running, so they are bounded by the total.
 */
public final class StreamLimits {

    /** When a refused client may try again: streams usually end within seconds. */
    static final Duration RETRY_AFTER = Duration.ofSeconds(2);

    private final int total;
    private final int perPrincipal;
    private final int perAddress;
    private final AtomicInteger running = new AtomicInteger();
    private final ConcurrentMap<String, Integer> byPrincipal = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Integer> byAddress = new ConcurrentHashMap<>();

    /**
     * @param total the most streams at once, at least 1
     * @param perPrincipal the most streams one authenticated caller may run at once, or 0 for no
     *     bound of its own
     * @param perAddress the most streams one client address may run at once, or 0 for no bound of
     *     its own
     */
    public StreamLimits(int total, int perPrincipal, int perAddress) {
        this.total = total;
        this.perPrincipal = perPrincipal;
        this.perAddress = perAddress;
    }

    /**
     * Takes a place for one stream of {@code principal} (null when anonymous) from
     * {@code address} (the client's, as {@link TrustedProxies} resolve it; null when the server
     * does not say).
     *
     * @return what gives the place back; run it once, when the stream ends
     * @throws ArrowHttpException {@code RESOURCE_EXHAUSTED} beyond the client's share,
     *     {@code UNAVAILABLE} beyond the total, with a retry delay
     */
    public Runnable acquire(Principal principal, String address) {
        String addressKey = perAddress > 0 ? address : null;
        if (addressKey != null && !take(byAddress, addressKey, perAddress)) {
            throw new ArrowHttpException(
                    ErrorCode.RESOURCE_EXHAUSTED,
                    "Your address is receiving as many streams at once as one address may (" + perAddress
                            + "); wait for one to end",
                    RETRY_AFTER);
        }
        String name = principal == null || perPrincipal <= 0 ? null : principal.getName();
        if (name != null && !take(byPrincipal, name, perPrincipal)) {
            giveBack(byAddress, addressKey);
            throw new ArrowHttpException(
                    ErrorCode.RESOURCE_EXHAUSTED,
                    "You are receiving as many streams at once as one caller may (" + perPrincipal
                            + "); wait for one to end",
                    RETRY_AFTER);
        }
        if (running.incrementAndGet() > total) {
            running.decrementAndGet();
            giveBack(byPrincipal, name);
            giveBack(byAddress, addressKey);
            throw new ArrowHttpException(
                    ErrorCode.UNAVAILABLE,
                    "The server is sending as many streams as it may (" + total + "); try again shortly",
                    RETRY_AFTER);
        }
        return () -> {
            giveBack(byPrincipal, name);
            giveBack(byAddress, addressKey);
            running.decrementAndGet();
        };
    }

    /** Counts one more for {@code key} unless it has {@code limit} already. */
    private static boolean take(ConcurrentMap<String, Integer> counts, String key, int limit) {
        boolean[] over = new boolean[1];
        // compute() runs atomically per key, so a count is never read and written apart.
        counts.compute(key, (ignored, count) -> {
            int now = count == null ? 0 : count;
            over[0] = now >= limit;
            return over[0] ? count : Integer.valueOf(now + 1);
        });
        return !over[0];
    }

    private static void giveBack(ConcurrentMap<String, Integer> counts, String key) {
        if (key != null) {
            counts.compute(key, (ignored, count) -> count == null || count <= 1 ? null : count - 1);
        }
    }

    /** Streams running now. */
    public int running() {
        return running.get();
    }
}

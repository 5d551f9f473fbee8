package io.arrowhttp.internal.resource;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts failures per key (a client address, a user name) in fixed windows: a key with
 * {@code limit} failures in the current window is blocked until the window ends. Memory is
 * bounded: past {@link #MAX_KEYS} keys, ended windows are dropped, and if that is not enough,
 * all of them. Thread-safe.
 */
final class FailureWindows {

    static final int MAX_KEYS = 10_000;

    private final int limit;
    private final long windowNanos;
    private final Map<String, Window> windows = new ConcurrentHashMap<>();

    FailureWindows(int limit, Duration window) {
        this.limit = limit;
        this.windowNanos = window.toNanos();
    }

    /** How long {@code key} stays blocked, or zero when it may try. */
    Duration blockedFor(String key, long now) {
        Window window = windows.get(key);
        if (window == null || window.endsAt(windowNanos) - now <= 0 || window.failures() < limit) {
            return Duration.ZERO;
        }
        return Duration.ofNanos(window.endsAt(windowNanos) - now);
    }

    /**
     * Counts a failure of {@code key}.
     *
     * @return true when this failure reached the limit: the moment to log the burst, once
     */
    boolean fail(String key, long now) {
        if (windows.size() >= MAX_KEYS && !windows.containsKey(key)) {
            windows.values().removeIf(window -> window.endsAt(windowNanos) - now <= 0);
            if (windows.size() >= MAX_KEYS) {
                windows.clear();
            }
        }
        Window updated = windows.compute(
                key,
                (k, window) -> window == null || window.endsAt(windowNanos) - now <= 0
                        ? new Window(now, 1)
                        : new Window(window.start(), window.failures() + 1));
        return updated.failures() == limit;
    }

    /** Forgets the failures of {@code key}, after a success. */
    void forget(String key) {
        windows.remove(key);
    }

    private record Window(long start, int failures) {
        long endsAt(long length) {
            return start + length;
        }
    }
}

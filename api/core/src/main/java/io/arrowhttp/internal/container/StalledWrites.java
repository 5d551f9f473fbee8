package io.arrowhttp.internal.container;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;

/**
 * Ends responses whose client stopped taking data. A blocking write to a client that reads
 * nothing waits as long as the client likes, holding a server thread and the response's Arrow
 * memory; enough such clients would hold every thread. Every response being streamed is watched:
 * a write (one record batch) that has not completed within the timeout runs the response's stall
 * action, which cancels the call and drops the connection, so the write fails and the thread and
 * memory are freed. Checked by one sweep on the {@link ServerTimer}, every fiftieth of the timeout
 * (at most half a second, at least 50 ms), so a stalled client is dropped within 2 % of the
 * timeout (or half a second) after its write blocked. Its write blocks once the socket buffers
 * between the two are full, which on a fast network takes well under a second.
 */
public final class StalledWrites {

    /** The configuration property under which the feature hands this to its providers. */
    public static final String PROPERTY = StalledWrites.class.getName();

    private static final Duration MAX_SWEEP_PERIOD = Duration.ofMillis(500);

    private static final Duration MIN_SWEEP_PERIOD = Duration.ofMillis(50);

    /**
     * How long a write may stay blocked after its call was cancelled (a deadline, the server's
     * stop) before the connection is dropped under it: long enough for a client that reads to
     * take what is being written and see the failure marker that follows.
     */
    static final Duration BLOCKED_AFTER_CANCEL = Duration.ofSeconds(1);

    private final Duration timeout;
    private final ServerTimer timer;
    private final Set<Watched> watched = ConcurrentHashMap.newKeySet();
    private ScheduledFuture<?> sweep;

    public StalledWrites(Duration timeout, ServerTimer timer) {
        this.timeout = timeout;
        this.timer = timer;
    }

    public Duration timeout() {
        return timeout;
    }

    /**
     * Watches {@code output} until the returned action runs; runs {@code onStall} once, on the
     * timer thread, if a write of it stays unfinished for longer than the timeout.
     */
    public Runnable watch(ResponseOutput output, Runnable onStall) {
        Watched entry = new Watched(output, onStall);
        watched.add(entry);
        startSweeping();
        return () -> watched.remove(entry);
    }

    private synchronized void startSweeping() {
        if (sweep == null) {
            Duration period = timeout.dividedBy(50);
            period = period.compareTo(MAX_SWEEP_PERIOD) > 0 ? MAX_SWEEP_PERIOD : period;
            period = period.compareTo(MIN_SWEEP_PERIOD) < 0 ? MIN_SWEEP_PERIOD : period;
            sweep = timer.every(period, this::sweep);
        }
    }

    /**
     * For a call just cancelled: when a write of {@code output} is in progress and is still the
     * same write {@link #BLOCKED_AFTER_CANCEL} later, its client reads nothing, and {@code abort}
     * runs (on the timer thread), so the cancellation ends the response now rather than at the
     * write timeout.
     */
    public void abortIfBlocked(ResponseOutput output, Runnable abort) {
        long since = output.writingSince();
        if (since != 0) {
            timer.schedule(
                    () -> {
                        if (output.writingSince() == since) {
                            abort.run();
                        }
                    },
                    BLOCKED_AFTER_CANCEL);
        }
    }

    private void sweep() {
        long now = System.nanoTime();
        for (Watched entry : watched) {
            long since = entry.output().writingSince();
            if (since != 0 && now - since > timeout.toNanos() && watched.remove(entry)) {
                entry.onStall().run();
            }
        }
    }

    private record Watched(ResponseOutput output, Runnable onStall) {}
}

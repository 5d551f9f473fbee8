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
 * memory are freed. Checked by one sweep on the {@link ServerTimer}, a few times per timeout.
 */
public final class StalledWrites {

    /** The configuration property under which the feature hands this to its providers. */
    public static final String PROPERTY = StalledWrites.class.getName();

    private static final Duration MAX_SWEEP_PERIOD = Duration.ofSeconds(1);

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
            Duration quarter = timeout.dividedBy(4);
            sweep = timer.every(quarter.compareTo(MAX_SWEEP_PERIOD) < 0 ? quarter : MAX_SWEEP_PERIOD, this::sweep);
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

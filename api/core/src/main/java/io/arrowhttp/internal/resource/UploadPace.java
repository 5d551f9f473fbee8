package io.arrowhttp.internal.resource;

import io.arrowhttp.internal.container.ServerTimer;
import io.arrowhttp.protocol.ArrowHttpException;
import io.arrowhttp.protocol.ErrorCode;
import io.arrowhttp.protocol.HttpStatus;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.function.BooleanSupplier;

/**
 * The least pace of an upload's body: at least {@code minBytesPerSecond} in every window of
 * {@code window} from the start of the body. An upload holds one of the few upload places, its
 * dataset's write lock and a thread for as long as its body takes, so a client that trickles a
 * byte a second (or sends nothing) could hold them all; one slower than the pace is ended with
 * {@code 408} and nothing written. The reading thread checks the pace whenever bytes arrive; a
 * body that sends nothing leaves that thread blocked, so a sweep on the {@link ServerTimer}
 * drops such a connection (where the server can drop it from another thread) once its window
 * has been over for a second with nothing read since: a client still trickling bytes gets its
 * {@code 408} from the reading thread first. Either way the upload ends at most one window plus a
 * second and a half after the client fell below the pace, also one that sent enough at first and
 * then nothing.
 */
public final class UploadPace {

    private static final Duration SWEEP_PERIOD = Duration.ofMillis(500);

    /**
     * How long after its window a body must have brought nothing for the sweep to drop it: a
     * client sending a few bytes each second gets its {@code 408} from the reading thread instead.
     */
    private static final Duration SWEEP_GRACE = Duration.ofSeconds(1);

    private final long minBytesPerSecond;
    private final Duration window;
    private final ServerTimer timer;
    private final Set<Paced> watched = ConcurrentHashMap.newKeySet();
    private ScheduledFuture<?> sweep;

    /**
     * @param minBytesPerSecond the least pace, 0 for none
     * @param window how long the pace is measured over, positive
     */
    public UploadPace(long minBytesPerSecond, Duration window, ServerTimer timer) {
        this.minBytesPerSecond = minBytesPerSecond;
        this.window = window;
        this.timer = timer;
    }

    /** No least pace: bodies are read at whatever pace they come. */
    public static UploadPace none() {
        return new UploadPace(0, Duration.ofSeconds(1), null);
    }

    /**
     * {@code body}, watched from now until the returned stream is {@link Paced#stop stopped}.
     *
     * @param drop drops the client's connection from another thread; false when the server
     *     cannot, and then its own read timeout applies
     */
    Paced watch(InputStream body, BooleanSupplier drop) {
        Paced paced = new Paced(body, drop);
        if (minBytesPerSecond > 0) {
            watched.add(paced);
            startSweeping();
        }
        return paced;
    }

    private synchronized void startSweeping() {
        if (sweep == null) {
            sweep = timer.every(SWEEP_PERIOD, this::sweep);
        }
    }

    private void sweep() {
        long now = System.nanoTime();
        for (Paced paced : watched) {
            // Any read since the window ended would have started the next window: nothing came
            // since. Too little came in the window, or nothing in a whole window since.
            long overdue = now - paced.windowStart - window.toNanos();
            if (overdue > SWEEP_GRACE.toNanos()
                    && (paced.belowPace() || overdue > window.toNanos())
                    && watched.remove(paced)) {
                paced.dropped = true;
                paced.drop.getAsBoolean();
            }
        }
    }

    private long minBytesPerWindow() {
        return Math.max(1, minBytesPerSecond * window.toMillis() / 1000);
    }

    private ArrowHttpException slowFailure() {
        return new ArrowHttpException(
                ErrorCode.TIMED_OUT,
                HttpStatus.REQUEST_TIMEOUT,
                "The upload's body came slower than the " + minBytesPerSecond + " bytes per second (over "
                        + window.toSeconds() + " s) this server waits for; send it at once, or from a faster"
                        + " link. Nothing was written.");
    }

    /** The body as it arrives, checked against the pace. */
    public final class Paced extends FilterInputStream {

        private final BooleanSupplier drop;
        private volatile long windowStart = System.nanoTime();
        private volatile long windowBytes;
        private volatile boolean dropped;

        private Paced(InputStream in, BooleanSupplier drop) {
            super(in);
            this.drop = drop;
        }

        /** Whether fewer bytes than the pace asks came in the current window. */
        private boolean belowPace() {
            return windowBytes < minBytesPerWindow();
        }

        @Override
        public int read() throws IOException {
            check();
            int b;
            try {
                b = in.read();
            } catch (IOException | RuntimeException e) {
                if (dropped) {
                    throw slowFailure();
                }
                throw e;
            }
            if (b >= 0) {
                windowBytes++;
            } else if (dropped) {
                throw slowFailure();
            }
            check();
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            check();
            int n;
            try {
                n = in.read(buffer, offset, length);
            } catch (IOException | RuntimeException e) {
                if (dropped) {
                    throw slowFailure();
                }
                throw e;
            }
            if (n > 0) {
                windowBytes += n;
            } else if (n < 0 && dropped) {
                throw slowFailure();
            }
            check();
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            byte[] skipped = new byte[(int) Math.min(Math.max(n, 0), 8192)];
            return Math.max(read(skipped, 0, skipped.length), 0);
        }

        /** At the end of each window: fails when the window was too slow, else starts the next. */
        private void check() {
            if (minBytesPerSecond <= 0) {
                return;
            }
            if (dropped) {
                throw slowFailure();
            }
            long now = System.nanoTime();
            if (now - windowStart >= window.toNanos()) {
                if (belowPace()) {
                    watched.remove(this);
                    throw slowFailure();
                }
                windowStart = now;
                windowBytes = 0;
            }
        }

        /** Stops watching: the body is read. */
        void stop() {
            watched.remove(this);
        }
    }
}

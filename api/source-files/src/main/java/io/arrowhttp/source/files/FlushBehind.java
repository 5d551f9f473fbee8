package io.arrowhttp.source.files;

import java.io.IOException;
import java.nio.channels.FileChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forces a file's written bytes to the disk on a thread of its own while more are written. The
 * kernel starts writing dirty pages back only past a share of memory (gigabytes on a large
 * server), so without this an upload's whole file went to the disk in its last force, after the
 * last byte had arrived: the disk's time added to the network's instead of overlapping it.
 *
 * <h2>Ownership</h2>
 * Starts one thread, which {@link #close()} stops and joins; the caller owns the channel and
 * closes it after this.
 */
final class FlushBehind implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FlushBehind.class);

    /** How far the written bytes may run ahead of the forced ones before a force starts. */
    static final long EVERY_BYTES = 32L << 20;

    private final FileChannel channel;
    private final Thread thread;
    private long written;
    private long forced;
    private boolean closed;

    FlushBehind(FileChannel channel) {
        this.channel = channel;
        this.thread = new Thread(this::run, "arrowhttp-upload-flush");
        thread.setDaemon(true);
        thread.start();
    }

    /** The file now holds {@code position} bytes. */
    synchronized void written(long position) {
        written = position;
        if (written - forced >= EVERY_BYTES) {
            notifyAll();
        }
    }

    private void run() {
        try {
            while (true) {
                long target;
                synchronized (this) {
                    while (!closed && written - forced < EVERY_BYTES) {
                        wait();
                    }
                    if (closed) {
                        return;
                    }
                    target = written;
                }
                channel.force(false);
                synchronized (this) {
                    forced = target;
                }
            }
        } catch (IOException e) {
            // The writer's own last force meets the same failure and reports it.
            LOG.debug("Forcing an upload's file in the background failed: {}", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops forcing; returns once a force in progress has ended. */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            notifyAll();
        }
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

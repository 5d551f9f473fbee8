package io.arrowhttp.app.example;

import io.arrowhttp.response.ArrowStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;
import java.util.SplittableRandom;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's warm-up: rows of the built-in example encoded by the response encoder into a
 * channel that discards them, in a background thread right after the start, so that the JIT has
 * compiled the encoder's hot paths before the first client's response. Without it the first
 * large response runs at about half the speed of the next ones and costs twice the CPU.
 *
 * <p>It touches nothing a client sees: no request, no log line per response, no metric, no
 * stream slot, and its own allocator (not the server's, so {@code /status} shows no memory for
 * it).
 *
 * <h2>Ownership</h2>
 * {@link #run} makes a {@link RootAllocator} of its own and closes it, with the stream's reader,
 * before it returns.
 */
public final class Warmup {

    private static final Logger LOG = LoggerFactory.getLogger(Warmup.class);

    private Warmup() {}

    /** Starts {@link #run} in a daemon thread of low priority; nothing when {@code rows} is 0. */
    public static void start(long rows) {
        if (rows <= 0) {
            return;
        }
        Thread thread = new Thread(() -> run(rows), "arrowhttp-warm-up");
        thread.setDaemon(true);
        thread.setPriority(Thread.MIN_PRIORITY);
        thread.start();
    }

    /** Encodes {@code rows} rows of the example into nothing. */
    public static void run(long rows) {
        long start = System.nanoTime();
        TickersDataset example = new TickersDataset();
        try (BufferAllocator allocator = new RootAllocator()) {
            BufferAllocator streamAllocator = allocator.newChildAllocator("warm-up", 0, Long.MAX_VALUE);
            try (ArrowStream stream = ArrowStream.of(
                    new TickersReader(streamAllocator, example.base(), rows, new SplittableRandom(1)),
                    streamAllocator)) {
                stream.writeTo(new Discard());
            }
            LOG.debug("Warm-up: {} rows encoded in {} ms", rows, (System.nanoTime() - start) / 1_000_000);
        } catch (IOException | RuntimeException e) {
            LOG.debug("Warm-up stopped: {}", e.toString());
        }
    }

    /** A channel that takes every byte and keeps none. */
    private static final class Discard extends OutputStream implements GatheringByteChannel {

        @Override
        public void write(int b) {}

        @Override
        public void write(byte[] b, int off, int len) {}

        @Override
        public int write(ByteBuffer src) {
            int count = src.remaining();
            src.position(src.limit());
            return count;
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) {
            long count = 0;
            for (int i = offset; i < offset + length; i++) {
                count += write(srcs[i]);
            }
            return count;
        }

        @Override
        public long write(ByteBuffer[] srcs) {
            return write(srcs, 0, srcs.length);
        }

        @Override
        public boolean isOpen() {
            return true;
        }
    }
}

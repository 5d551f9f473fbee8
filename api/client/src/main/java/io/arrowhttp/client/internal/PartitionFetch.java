package io.arrowhttp.client.internal;

import java.io.Closeable;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;

/**
 * Fetches a dataset's endpoints on a few threads at once and hands their batches over in endpoint
 * order. Each endpoint's fetcher moves every batch it reads into a root of its own (a transfer,
 * not a copy) and queues it, at most {@link #QUEUED_BATCHES} ahead of the consumer, so memory
 * stays at about parallelism times that many batches. An endpoint is tried at each of its
 * locations in turn until one delivers the rest of it: a location that fails part-way is
 * followed by the next, asked to resume after the last batch queued, so every batch is queued
 * once. When the last location fails too, the whole fetch fails, naming the endpoint.
 *
 * <h2>Ownership</h2>
 * Each fetcher reads with a child of the caller's allocator and closes it when done; the roots it
 * queues are closed by the consumer's loop after use, or when the fetch stops. The caller keeps
 * its allocator.
 */
public final class PartitionFetch {

    /** Batches an endpoint may have read ahead of the consumer. */
    public static final int QUEUED_BATCHES = 2;

    /** Opens one location, from batch {@code startBatch} on (0 for all of it). */
    @FunctionalInterface
    public interface Opener {
        Source open(URI location, long startBatch, BufferAllocator allocator) throws IOException;
    }

    /** An opened location: its batches, and what closing it releases (the connection too). */
    public interface Source extends Closeable {
        ArrowReader reader();
    }

    /** Takes a batch of an endpoint. */
    @FunctionalInterface
    public interface Consumer {
        void accept(int endpoint, VectorSchemaRoot batch) throws IOException;
    }

    /** What the fetch moved. */
    public record Totals(long rows, long batches) {}

    private static final Object END = new Object();

    private PartitionFetch() {}

    /**
     * Runs the fetch on {@code parallelism} threads, consuming on the calling thread.
     *
     * @param endpoints for each endpoint, its locations in the order to try them
     * @param inEndpointOrder whether batches are handed over endpoint after endpoint (each endpoint
     *     then reads at most {@link #QUEUED_BATCHES} ahead of the consumer, so the endpoints after
     *     the one being consumed wait for it), or as they arrive from any endpoint
     */
    public static Totals run(
            List<List<URI>> endpoints,
            int parallelism,
            boolean inEndpointOrder,
            BufferAllocator allocator,
            Opener opener,
            Consumer consumer)
            throws IOException {
        List<BlockingQueue<Object>> queues = new ArrayList<>();
        BlockingQueue<Object> shared = new ArrayBlockingQueue<>(QUEUED_BATCHES * Math.max(1, parallelism));
        for (int i = 0; i < endpoints.size(); i++) {
            queues.add(inEndpointOrder ? new ArrayBlockingQueue<>(QUEUED_BATCHES) : shared);
        }
        AtomicBoolean stopped = new AtomicBoolean();
        ExecutorService threads = Executors.newFixedThreadPool(Math.max(1, parallelism), runnable -> {
            Thread thread = new Thread(runnable, "arrowhttp-client-partition");
            thread.setDaemon(true);
            return thread;
        });
        List<Future<?>> fetchers = new ArrayList<>();
        for (int i = 0; i < endpoints.size(); i++) {
            int endpoint = i;
            fetchers.add(threads.submit(
                    () -> fetch(endpoint, endpoints.get(endpoint), queues.get(endpoint), allocator, opener, stopped)));
        }
        long rows = 0;
        long batches = 0;
        try {
            int ended = 0;
            int current = 0;
            while (ended < endpoints.size()) {
                Tagged next = (Tagged) queues.get(current).take();
                if (next.item() == END) {
                    ended++;
                    current++;
                    continue;
                }
                if (next.item() instanceof Failure failure) {
                    throw failure.exception();
                }
                try (VectorSchemaRoot batch = (VectorSchemaRoot) next.item()) {
                    rows += batch.getRowCount();
                    batches++;
                    consumer.accept(next.endpoint(), batch);
                }
            }
            return new Totals(rows, batches);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("The fetch was interrupted");
        } finally {
            stopped.set(true);
            fetchers.forEach(fetcher -> fetcher.cancel(true));
            threads.shutdownNow();
            try {
                threads.awaitTermination(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            for (BlockingQueue<Object> queue : new LinkedHashSet<>(queues)) {
                for (Object left : queue) {
                    if (((Tagged) left).item() instanceof VectorSchemaRoot root) {
                        root.close();
                    }
                }
            }
        }
    }

    /** An endpoint's failure, queued in place of its next batch. */
    private record Failure(IOException exception) {}

    /** What an endpoint's fetcher queued: a batch, {@link #END} or a {@link Failure}. */
    private record Tagged(int endpoint, Object item) {}

    private static void fetch(
            int endpoint,
            List<URI> locations,
            BlockingQueue<Object> queue,
            BufferAllocator parent,
            Opener opener,
            AtomicBoolean stopped) {
        try (BufferAllocator allocator = parent.newChildAllocator("partition " + endpoint, 0, Long.MAX_VALUE)) {
            IOException last = null;
            long queued = 0;
            for (URI location : locations) {
                try (Source source = opener.open(location, queued, allocator)) {
                    ArrowReader reader = source.reader();
                    VectorSchemaRoot read = reader.getVectorSchemaRoot();
                    while (!stopped.get() && reader.loadNextBatch()) {
                        VectorSchemaRoot moved = VectorSchemaRoot.create(read.getSchema(), parent);
                        for (int i = 0; i < read.getFieldVectors().size(); i++) {
                            FieldVector from = read.getVector(i);
                            from.makeTransferPair(moved.getVector(i)).transfer();
                        }
                        moved.setRowCount(read.getRowCount());
                        put(queue, new Tagged(endpoint, moved), stopped);
                        queued++;
                    }
                    put(queue, new Tagged(endpoint, END), stopped);
                    return;
                } catch (IOException | RuntimeException e) {
                    last = e instanceof IOException io ? io : new IOException(e.getMessage(), e);
                    if (stopped.get()) {
                        break;
                    }
                }
            }
            put(
                    queue,
                    new Tagged(
                            endpoint,
                            new Failure(new IOException(
                                    "Endpoint " + endpoint + " failed at every location, " + locations + ", after "
                                            + queued + " batches: "
                                            + (last == null ? "no location" : last.getMessage()),
                                    last))),
                    stopped);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Queues {@code item}; a batch that cannot be queued, because the fetch stopped, is closed. */
    private static void put(BlockingQueue<Object> queue, Tagged item, AtomicBoolean stopped)
            throws InterruptedException {
        try {
            while (!queue.offer(item, 100, TimeUnit.MILLISECONDS)) {
                if (stopped.get()) {
                    throw new InterruptedException("The fetch stopped");
                }
            }
        } catch (InterruptedException e) {
            if (item.item() instanceof VectorSchemaRoot root) {
                root.close();
            }
            throw e;
        }
    }
}

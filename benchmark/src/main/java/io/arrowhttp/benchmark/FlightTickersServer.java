package io.arrowhttp.benchmark;

import io.arrowhttp.app.example.TickersDataset;
import io.arrowhttp.call.CallContext;
import io.arrowhttp.dataset.DatasetRequest;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.FlightProducer.ServerStreamListener;
import org.apache.arrow.flight.FlightServer;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.NoOpFlightProducer;
import org.apache.arrow.flight.PutResult;
import org.apache.arrow.flight.Ticket;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.apache.arrow.vector.ipc.ArrowReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The comparison: the same example batches served by Arrow Flight's DoGet, with Flight's own
 * backpressure so it, too, holds a bounded number of batches. The ticket is the row count. With
 * {@code --uploads}, DoPut writes Arrow files as arrowhttp's uploads do.
 */
@Command(
        name = "flight-server",
        description = "Serves the example dataset over Arrow Flight on 127.0.0.1 (for the benchmark).")
final class FlightTickersServer implements Callable<Integer> {

    @Option(names = "--port", defaultValue = "0")
    int port;

    @Option(
            names = "--uploads",
            description = "Takes DoPut into Arrow files in this folder, written as arrowhttp's file store writes them.")
    Path uploads;

    // FlightServer declares close() throws InterruptedException, which the lint flags in any
    // try-with-resources; an interrupt here ends the command, as it should.
    @SuppressWarnings("try")
    @Override
    public Integer call() throws Exception {
        TickersDataset dataset = new TickersDataset();
        try (BufferAllocator allocator = new RootAllocator();
                FlightServer server = FlightServer.builder(
                                allocator,
                                Location.forGrpcInsecure("127.0.0.1", port),
                                new Producer(dataset, allocator, uploads))
                        .build()) {
            server.start();
            System.out.println("flight listening on " + server.getPort());
            CountDownLatch stop = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
            stop.await();
            server.shutdown();
            server.awaitTermination(10, TimeUnit.SECONDS);
        }
        return 0;
    }

    /**
     * Waits until gRPC can take another batch without buffering it, as arrowhttp's server waits
     * for its socket: polled, because Flight's CallbackBackpressureStrategy here missed its ready
     * signals and waited out its whole timeout. Bounded: cancellation or 60 s.
     */
    private static boolean awaitReady(ServerStreamListener listener) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!listener.isReady()) {
            if (listener.isCancelled() || System.nanoTime() > deadline) {
                return false;
            }
            LockSupport.parkNanos(20_000);
        }
        return true;
    }

    private static final class Producer extends NoOpFlightProducer {
        private final TickersDataset dataset;
        private final BufferAllocator allocator;
        private final Path uploads;

        Producer(TickersDataset dataset, BufferAllocator allocator, Path uploads) {
            this.dataset = dataset;
            this.allocator = allocator;
            this.uploads = uploads;
        }

        /**
         * DoPut into {@code uploads}: a temporary file, forced to the disk, renamed over the
         * dataset's file, the folder forced: the durability of arrowhttp's ArrowFileStore.
         */
        @Override
        public Runnable acceptPut(CallContext context, FlightStream stream, StreamListener<PutResult> ack) {
            return () -> {
                if (uploads == null) {
                    ack.onError(CallStatus.UNIMPLEMENTED
                            .withDescription("no --uploads")
                            .toRuntimeException());
                    return;
                }
                String name = String.join("_", stream.getDescriptor().getPath());
                try {
                    Files.createDirectories(uploads);
                    Path temporary = Files.createTempFile(uploads, "." + name + ".", ".uploading");
                    try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE);
                            ArrowFileWriter writer = new ArrowFileWriter(stream.getRoot(), null, channel)) {
                        writer.start();
                        while (stream.next()) {
                            writer.writeBatch();
                        }
                        writer.end();
                        channel.force(true);
                    }
                    Files.move(
                            temporary,
                            uploads.resolve(name + ".arrow"),
                            StandardCopyOption.ATOMIC_MOVE,
                            StandardCopyOption.REPLACE_EXISTING);
                    try (FileChannel folder = FileChannel.open(uploads, StandardOpenOption.READ)) {
                        folder.force(true);
                    }
                    ack.onCompleted();
                } catch (Exception e) {
                    ack.onError(
                            CallStatus.INTERNAL.withDescription(e.toString()).toRuntimeException());
                }
            };
        }

        @Override
        public void getStream(CallContext context, Ticket ticket, ServerStreamListener listener) {
            String rows = new String(ticket.getBytes(), StandardCharsets.UTF_8);
            try (BufferAllocator response = allocator.newChildAllocator("flight-response", 0, Long.MAX_VALUE);
                    ArrowReader reader = dataset.open(DatasetRequest.of(Map.of("rows", List.of(rows))), response)) {
                listener.start(reader.getVectorSchemaRoot());
                while (reader.loadNextBatch()) {
                    if (!awaitReady(listener)) {
                        listener.error(CallStatus.CANCELLED
                                .withDescription("client gone or not reading")
                                .toRuntimeException());
                        return;
                    }
                    listener.putNext();
                }
                listener.completed();
            } catch (Exception e) {
                e.printStackTrace();
                listener.error(e);
            }
        }
    }
}

package io.arrowhttp.benchmark;

import io.arrowhttp.app.example.TickersDataset;
import io.arrowhttp.client.ArrowHttpClient;
import io.arrowhttp.client.DatasetStream;
import io.arrowhttp.client.GetOptions;
import io.arrowhttp.client.UploadOptions;
import io.arrowhttp.dataset.DatasetRequest;
import io.arrowhttp.protocol.UploadResult;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.arrow.flight.AsyncPutListener;
import org.apache.arrow.flight.CallOptions;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.Ticket;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;

/** The clients of the benchmark, each returning what one transfer took. */
final class Clients {

    /** One transfer: bytes on the wire, rows decoded (0 when not decoding), time, time to the first batch. */
    record Transfer(long bytes, long rows, long nanos, long firstBatchNanos) {
        double gigabytesPerSecond() {
            return bytes / (nanos / 1e9) / 1e9;
        }

        double rowsPerSecond() {
            return rows / (nanos / 1e9);
        }
    }

    private Clients() {}

    /** Reads the body and counts its bytes: the cost of the server and the network alone. */
    static Transfer countBytes(URI uri) throws IOException {
        return countBytes(uri, null);
    }

    /** As {@link #countBytes(URI)}, asking for {@code accept} (null for the default). */
    static Transfer countBytes(URI uri, String accept) throws IOException {
        long start = System.nanoTime();
        HttpURLConnection connection = (HttpURLConnection) uri.toURL().openConnection();
        if (accept != null) {
            connection.setRequestProperty("Accept", accept);
        }
        connection.setConnectTimeout(10_000);
        connection.setReadTimeout(120_000);
        if (connection.getResponseCode() != 200) {
            throw new IOException("HTTP " + connection.getResponseCode() + " from " + uri);
        }
        byte[] buffer = new byte[1 << 20];
        long bytes = 0;
        long first = 0;
        try (InputStream in = connection.getInputStream()) {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                if (first == 0) {
                    first = System.nanoTime() - start;
                }
                bytes += n;
            }
        }
        return new Transfer(bytes, 0, System.nanoTime() - start, first);
    }

    /** arrowhttp's Java client, decoding every batch into Arrow vectors. */
    static Transfer decode(ArrowHttpClient client, URI uri) throws IOException {
        return decode(client, uri, GetOptions.defaults());
    }

    /** As {@link #decode(ArrowHttpClient, URI)}, with {@code options} (a compression, say). */
    static Transfer decode(ArrowHttpClient client, URI uri, GetOptions options) throws IOException {
        long start = System.nanoTime();
        long rows = 0;
        long first = 0;
        try (BufferAllocator allocator = new RootAllocator();
                DatasetStream stream = client.fetch(uri, options, allocator)) {
            while (stream.reader().loadNextBatch()) {
                if (first == 0) {
                    first = System.nanoTime() - start;
                }
                rows += stream.reader().getVectorSchemaRoot().getRowCount();
            }
            return new Transfer(stream.bytesReceived(), rows, System.nanoTime() - start, first);
        }
    }

    /** Arrow Flight's Java client: DoGet, decoding every batch. Bytes are the IPC body sizes. */
    // Flight's client and stream declare close() throws InterruptedException, which the lint flags
    // in any try-with-resources; nothing interrupts the benchmark's client threads.
    @SuppressWarnings("try")
    static Transfer flight(int port, long rowCount) throws Exception {
        long start = System.nanoTime();
        long rows = 0;
        long bytes = 0;
        long first = 0;
        try (BufferAllocator allocator = new RootAllocator();
                FlightClient client = FlightClient.builder(allocator, Location.forGrpcInsecure("127.0.0.1", port))
                        .build();
                FlightStream stream = client.getStream(
                        new Ticket(Long.toString(rowCount).getBytes(StandardCharsets.UTF_8)),
                        CallOptions.timeout(10, TimeUnit.MINUTES))) {
            while (stream.next()) {
                if (first == 0) {
                    first = System.nanoTime() - start;
                }
                rows += stream.getRoot().getRowCount();
                bytes += bodyBytes(stream);
            }
        }
        return new Transfer(bytes, rows, System.nanoTime() - start, first);
    }

    /** arrowhttp's Java client: PUT of {@code rows} rows of the example dataset, made as they are sent. */
    static Transfer upload(ArrowHttpClient client, String name, long rows) throws IOException {
        long start = System.nanoTime();
        try (BufferAllocator allocator = new RootAllocator();
                ArrowReader batches = exampleBatches(rows, allocator)) {
            UploadResult result = client.put(name, batches, UploadOptions.defaults());
            return new Transfer(result.bytes(), result.rows(), System.nanoTime() - start, 0);
        }
    }

    /** {@code rows} rows of the example dataset as {@code parts} uploads: a PUT, then POSTs. */
    static void uploadInParts(ArrowHttpClient client, String name, long rows, int parts) throws IOException {
        for (int part = 0; part < parts; part++) {
            try (BufferAllocator allocator = new RootAllocator();
                    ArrowReader batches = exampleBatches(rows / parts, allocator)) {
                if (part == 0) {
                    client.put(name, batches, UploadOptions.defaults());
                } else {
                    client.append(name, batches, UploadOptions.defaults());
                }
            }
        }
    }

    /** arrowhttp's Java client fetching a dataset's partitions {@code parallelism} at once, decoding every batch. */
    static Transfer decodePartitions(ArrowHttpClient client, String name, int parallelism) throws IOException {
        return decodePartitions(client, name, parallelism, true);
    }

    /** As above; with {@code inEndpointOrder} false, batches are taken as they arrive from any endpoint. */
    static Transfer decodePartitions(ArrowHttpClient client, String name, int parallelism, boolean inEndpointOrder)
            throws IOException {
        long start = System.nanoTime();
        long[] bytes = {0};
        long[] first = {0};
        try (BufferAllocator allocator = new RootAllocator()) {
            ArrowHttpClient.PartitionTotals totals = client.fetchPartitions(
                    name, GetOptions.defaults(), parallelism, inEndpointOrder, allocator, (endpoint, batch) -> {
                        if (first[0] == 0) {
                            first[0] = System.nanoTime() - start;
                        }
                        bytes[0] += bodyBytes(batch);
                    });
            return new Transfer(bytes[0], totals.rows(), System.nanoTime() - start, first[0]);
        }
    }

    /**
     * Arrow Flight's Java client: DoPut of the same batches, each sent once gRPC is ready for it.
     * Bytes are the IPC body sizes.
     */
    // Flight's client and stream declare close() throws InterruptedException, which the lint flags
    // in any try-with-resources; nothing interrupts the benchmark's client threads.
    @SuppressWarnings("try")
    static Transfer flightPut(int port, String name, long rowCount) throws Exception {
        long start = System.nanoTime();
        long rows = 0;
        long bytes = 0;
        try (BufferAllocator allocator = new RootAllocator();
                ArrowReader batches = exampleBatches(rowCount, allocator);
                FlightClient client = FlightClient.builder(allocator, Location.forGrpcInsecure("127.0.0.1", port))
                        .build()) {
            VectorSchemaRoot root = batches.getVectorSchemaRoot();
            FlightClient.ClientStreamListener put = client.startPut(
                    FlightDescriptor.path(name),
                    root,
                    new AsyncPutListener(),
                    CallOptions.timeout(10, TimeUnit.MINUTES));
            while (batches.loadNextBatch()) {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (!put.isReady() && System.nanoTime() < deadline) {
                    LockSupport.parkNanos(20_000);
                }
                put.putNext();
                rows += root.getRowCount();
                bytes += bodyBytes(root);
            }
            put.completed();
            put.getResult();
        }
        return new Transfer(bytes, rows, System.nanoTime() - start, 0);
    }

    private static ArrowReader exampleBatches(long rows, BufferAllocator allocator) {
        return new TickersDataset().open(DatasetRequest.of(Map.of("rows", List.of(Long.toString(rows)))), allocator);
    }

    private static long bodyBytes(FlightStream stream) {
        return bodyBytes(stream.getRoot());
    }

    private static long bodyBytes(VectorSchemaRoot root) {
        long total = 0;
        for (var vector : root.getFieldVectors()) {
            for (var buffer : vector.getFieldBuffers()) {
                total += buffer.readableBytes();
            }
        }
        return total;
    }
}

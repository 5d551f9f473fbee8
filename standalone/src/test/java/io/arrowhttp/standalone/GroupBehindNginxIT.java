package io.arrowhttp.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.arrowhttp.client.ArrowHttpClient;
import io.arrowhttp.client.DatasetStream;
import io.arrowhttp.client.GetOptions;
import io.arrowhttp.client.UploadOptions;
import io.arrowhttp.protocol.DatasetInfo;
import io.arrowhttp.server.auth.PasswordHash;
import io.arrowhttp.testing.Nginx;
import io.arrowhttp.testing.TestServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three server jars of one group (the same token key, the same list of members) behind a real
 * nginx that balances over them: a client signs in through nginx, fetches a partitioned dataset's
 * endpoints in parallel from the members, one member is killed with SIGKILL part-way through an
 * endpoint, and the fetch finishes from the others, resuming that endpoint where it broke off,
 * with exactly the rows of a fetch from one server.
 */
class GroupBehindNginxIT {

    private static final Schema SCHEMA = new Schema(List.of(Field.notNullable("id", new ArrowType.Int(64, true))));
    private static final int PARTS = 4;
    private static final int BATCHES_PER_PART = 100;
    private static final int ROWS_PER_BATCH = 65_536;
    private static final char[] PASSWORD = "alice-password-of-the-group".toCharArray();

    @TempDir
    Path folder;

    @Test
    void aParallelFetchFinishesFromTheOtherMembersWhenOneIsKilledPartWay() throws Exception {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        Path users =
                Files.writeString(folder.resolve("users.properties"), "alice=" + PasswordHash.hash(PASSWORD) + "\n");
        List<Integer> ports = List.of(TestServer.freePort(), TestServer.freePort(), TestServer.freePort());
        List<String> bases =
                ports.stream().map(port -> "http://127.0.0.1:" + port + "/").toList();
        List<Process> members = new ArrayList<>();
        List<Path> logs = new ArrayList<>();
        try (BufferAllocator allocator = new RootAllocator()) {
            for (int member = 0; member < 3; member++) {
                Path home = Files.createDirectories(folder.resolve("member-" + member));
                Path catalog = Files.writeString(
                        home.resolve("catalog.yaml"), "uploads:\n  directory: uploads\n  writers: [alice]\n");
                Path log = home.resolve("server.log");
                logs.add(log);
                members.add(ServerJarProcess.start(
                        log,
                        ports.get(member),
                        Map.of(
                                "ARROWHTTP_AUTH_USERS", users.toString(),
                                "ARROWHTTP_AUTH_TOKEN_KEY", Base64.getEncoder().encodeToString(key),
                                "ARROWHTTP_AUTH_ALLOW_INSECURE_HTTP", "true",
                                "ARROWHTTP_GROUP", String.join(",", bases)),
                        "--config",
                        catalog.toString()));
            }
            for (int member = 0; member < 3; member++) {
                ServerJarProcess.awaitListening(members.get(member), logs.get(member));
                try (ArrowHttpClient client = client(URI.create(bases.get(member)))) {
                    for (int part = 0; part < PARTS; part++) {
                        try (ArrowStreamReader reader = new ArrowStreamReader(
                                new ByteArrayInputStream(ids((long) part * BATCHES_PER_PART * ROWS_PER_BATCH)),
                                allocator)) {
                            if (part == 0) {
                                client.put("trades", reader, UploadOptions.defaults());
                            } else {
                                client.append("trades", reader, UploadOptions.defaults());
                            }
                        }
                    }
                }
            }
            long rows = (long) PARTS * BATCHES_PER_PART * ROWS_PER_BATCH;
            try (Nginx nginx = Nginx.balancing(ports);
                    ArrowHttpClient client = client(URI.create("http://127.0.0.1:" + nginx.port() + "/"))) {
                DatasetInfo info = client.info("trades");
                assertEquals(PARTS, info.endpoints().size());
                assertEquals(
                        List.of(bases.get(1), bases.get(2), bases.get(0)),
                        info.endpoints().get(1).locations().stream()
                                .map(location -> location.toString().replaceAll("datasets/.*", ""))
                                .toList(),
                        "endpoint 1 begins at member 1, then the next members");
                assertEquals(rows, countThroughOneServer(client, allocator), "a fetch of the whole from one server");

                AtomicLong next = new AtomicLong();
                AtomicLong endpointOneBatches = new AtomicLong();
                ArrowHttpClient.PartitionTotals totals =
                        client.fetchPartitions("trades", GetOptions.defaults(), PARTS, allocator, (endpoint, batch) -> {
                            BigIntVector id = (BigIntVector) batch.getVector("id");
                            for (int row = 0; row < batch.getRowCount(); row++) {
                                long expected = next.getAndIncrement();
                                if (id.get(row) != expected) {
                                    throw new AssertionError("row " + expected + " of the whole has id " + id.get(row));
                                }
                            }
                            if (endpoint == 1 && endpointOneBatches.incrementAndGet() == 3) {
                                members.get(1).destroyForcibly();
                            }
                        });
                assertEquals(rows, totals.rows());
                assertEquals(rows, next.get());
            }
            assertTrue(
                    Files.readString(logs.get(2)).contains("/datasets/trades?partition=1&start_batch="),
                    "endpoint 1 was resumed at member 2 where member 1 broke off");
        } finally {
            for (Process member : members) {
                ServerJarProcess.stop(member);
            }
        }
    }

    /** Rows of the whole dataset through nginx's location, as a client that ignores partitions reads them. */
    private static long countThroughOneServer(ArrowHttpClient client, BufferAllocator allocator) throws IOException {
        long rows = 0;
        try (DatasetStream stream = client.get("trades", GetOptions.defaults(), allocator)) {
            while (stream.reader().loadNextBatch()) {
                rows += stream.reader().getVectorSchemaRoot().getRowCount();
            }
        }
        return rows;
    }

    private static ArrowHttpClient client(URI base) {
        return ArrowHttpClient.builder(base)
                .basicHandshake("alice", PASSWORD)
                .readTimeout(Duration.ofSeconds(60))
                .build();
    }

    /** One part: {@link #BATCHES_PER_PART} batches of consecutive ids from {@code first}. */
    private static byte[] ids(long first) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (BufferAllocator allocator = new RootAllocator();
                VectorSchemaRoot root = VectorSchemaRoot.create(SCHEMA, allocator);
                ArrowStreamWriter writer = new ArrowStreamWriter(root, null, out)) {
            BigIntVector id = (BigIntVector) root.getVector("id");
            long next = first;
            for (int batch = 0; batch < BATCHES_PER_PART; batch++) {
                id.allocateNew(ROWS_PER_BATCH);
                for (int row = 0; row < ROWS_PER_BATCH; row++) {
                    id.set(row, next++);
                }
                root.setRowCount(ROWS_PER_BATCH);
                writer.writeBatch();
            }
            writer.end();
        }
        return out.toByteArray();
    }
}

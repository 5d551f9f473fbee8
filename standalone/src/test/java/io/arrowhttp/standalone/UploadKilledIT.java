package io.arrowhttp.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.arrowhttp.client.ArrowHttpClient;
import io.arrowhttp.client.DatasetStream;
import io.arrowhttp.client.GetOptions;
import io.arrowhttp.client.UploadOptions;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
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
 * The server jar killed with SIGKILL while it writes an upload: after a restart, the dataset is
 * exactly what it was before the upload, and nothing of the upload is left on the disk.
 */
class UploadKilledIT {

    private static final Schema SCHEMA = new Schema(List.of(Field.notNullable("n", new ArrowType.Int(64, true))));

    @TempDir
    Path folder;

    @Test
    void aServerKilledDuringAnUploadRestartsWithTheDatasetAsItWas() throws Exception {
        Path catalog = folder.resolve("catalog.yaml");
        Path uploads = folder.resolve("uploads");
        Files.writeString(catalog, "uploads:\n  directory: uploads\n  writable: true\n");
        Path log = folder.resolve("first.log");
        Process jar = ServerJarProcess.start(log, "--config", catalog.toString());
        try (BufferAllocator allocator = new RootAllocator()) {
            URI base = ServerJarProcess.awaitListening(jar, log);
            try (ArrowHttpClient client = client(base);
                    ArrowStreamReader original = new ArrowStreamReader(
                            new ByteArrayInputStream(numbers(0, 10, 1000, allocator)), allocator)) {
                assertEquals(
                        10_000,
                        client.put("kept", original, UploadOptions.defaults()).rows());
            }
            byte[] replacement = numbers(1_000_000, 40, 100_000, allocator);
            try (Socket upload = new Socket()) {
                upload.connect(new InetSocketAddress(base.getHost(), base.getPort()), 5_000);
                OutputStream out = upload.getOutputStream();
                out.write(("PUT /datasets/kept HTTP/1.1\r\nHost: x\r\nContent-Type: application/vnd.apache.arrow.stream"
                                + "\r\nContent-Length: " + replacement.length + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.write(replacement, 0, replacement.length / 2);
                out.flush();
                awaitWrittenTemporaryFile(uploads);
                try (ArrowHttpClient client = client(base)) {
                    assertEquals(sum(0, 10_000), sum(client, "kept", allocator), "readers see the old content");
                }
                jar.destroyForcibly();
                assertTrue(jar.waitFor(30, TimeUnit.SECONDS));
            }

            Path again = folder.resolve("second.log");
            jar = ServerJarProcess.start(again, "--config", catalog.toString());
            try (ArrowHttpClient client = client(ServerJarProcess.awaitListening(jar, again))) {
                assertEquals(10_000L, client.info("kept").totalRecords());
                assertEquals(sum(0, 10_000), sum(client, "kept", allocator));
            }
            try (Stream<Path> files = Files.list(uploads)) {
                List<String> names = files.map(file -> file.getFileName().toString())
                        .sorted()
                        .toList();
                assertEquals(2, names.size(), "the manifest and its one part: " + names);
                assertTrue(names.get(0).matches("kept\\.[0-9a-f]{16}\\.part\\.arrow"), names.toString());
                assertEquals("kept.parts.json", names.get(1));
            }
        } finally {
            ServerJarProcess.stop(jar);
        }
    }

    private static ArrowHttpClient client(URI base) {
        return ArrowHttpClient.builder(base).readTimeout(Duration.ofSeconds(30)).build();
    }

    /** Waits, at most 30 s, until the server has written part of the upload to its temporary file. */
    private static void awaitWrittenTemporaryFile(Path uploads) throws IOException, InterruptedException {
        for (int attempt = 0; attempt < 300; attempt++) {
            try (Stream<Path> files = Files.list(uploads)) {
                for (Path file : files.toList()) {
                    if (file.getFileName().toString().endsWith(".uploading") && Files.size(file) > 1 << 20) {
                        return;
                    }
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the server wrote nothing of the upload to a temporary file");
    }

    /** An Arrow stream of the numbers from {@code first}, {@code batches} batches of {@code rows}. */
    private static byte[] numbers(long first, int batches, int rows, BufferAllocator allocator) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (VectorSchemaRoot root = VectorSchemaRoot.create(SCHEMA, allocator);
                ArrowStreamWriter writer = new ArrowStreamWriter(root, null, out)) {
            BigIntVector n = (BigIntVector) root.getVector("n");
            long next = first;
            for (int b = 0; b < batches; b++) {
                n.allocateNew(rows);
                for (int i = 0; i < rows; i++) {
                    n.set(i, next++);
                }
                root.setRowCount(rows);
                writer.writeBatch();
            }
        }
        return out.toByteArray();
    }

    private static long sum(long from, long to) {
        return (from + to - 1) * (to - from) / 2;
    }

    private static long sum(ArrowHttpClient client, String name, BufferAllocator allocator) throws IOException {
        long sum = 0;
        try (DatasetStream stream = client.get(name, GetOptions.defaults(), allocator)) {
            while (stream.reader().loadNextBatch()) {
                BigIntVector n =
                        (BigIntVector) stream.reader().getVectorSchemaRoot().getVector("n");
                for (int i = 0; i < n.getValueCount(); i++) {
                    sum += n.get(i);
                }
            }
        }
        return sum;
    }
}

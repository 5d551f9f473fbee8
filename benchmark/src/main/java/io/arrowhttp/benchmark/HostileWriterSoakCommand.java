package io.arrowhttp.benchmark;

import com.github.luben.zstd.ZstdOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.apache.arrow.compression.CommonsCompressionFactory;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.compression.CompressionUtil;
import org.apache.arrow.vector.compression.NoCompressionCodec;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.apache.arrow.vector.ipc.WriteChannel;
import org.apache.arrow.vector.ipc.message.ArrowFieldNode;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.ipc.message.IpcOption;
import org.apache.arrow.vector.ipc.message.MessageSerializer;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Hostile writers next to real readers and writers, against the standalone server with a catalog
 * of {@code writable: true} uploads, all on loopback. The hostile writers send forged compressed
 * buffer lengths (zstd and lz4 batches whose length prefix claims 2^40 bytes), decompression bombs
 * (small zstd and gzip bodies that expand to 1 GiB of Arrow), fat description and metadata JSON
 * parts, bodies cut mid-way (half-closed, and closed outright), bodies trickled slower than the
 * upload pace, and batches whose row counts do not match their columns. The real writers replace
 * and append to datasets of their own and read each back exactly; the real readers download a
 * dataset that never changes and check every value. At the end it checks, and exits 1 when one
 * fails: every real request answered correctly, every hostile request refused with its expected
 * {@code 4xx} (or the connection the client closed), the server's Arrow {@code allocatedBytes}
 * (from {@code /status}) back to its baseline, the upload directory's disk use never above
 * {@code max_total_bytes}, and no dataset made by a hostile writer. It reports the server's peak
 * RSS too.
 *
 * <p>Every client of one kind runs one request at a time. The real ones share 127.0.0.1 and stay
 * under the server's default per-address stream bound (16); each hostile one has a loopback address
 * of its own (127.0.1.N). Only the trickling writers are slower than the upload pace (1 KiB in
 * 10 s), on purpose.
 */
@Command(
        name = "hostile-soak",
        mixinStandardHelpOptions = true,
        description = "Hostile writers next to real readers and writers; checks memory, disk and answers.")
final class HostileWriterSoakCommand implements Callable<Integer> {

    private static final Pattern READY = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)/");
    private static final String ARROW = "application/vnd.apache.arrow.stream";
    private static final long MAX_TOTAL_BYTES = 64L << 20;
    /**
     * Above the 17 uploading clients (4 real writers, 13 hostile ones), each of which holds at most
     * one upload place: its uploads all go to one dataset, and one waiting for it holds none.
     */
    private static final int MAX_CONCURRENT = 20;

    private static final int FIXED_ROWS = 50_000;
    private static final int WRITER_ROWS = 20_000;
    private static final int APPENDS = 3;
    private static final int REAL_WRITERS = 4;
    private static final int REAL_READERS = 2;
    /** How many times a real writer sends an upload again after a {@code 429}, as a client would. */
    private static final int RETRIES = 3;

    @Option(
            names = "--seconds",
            defaultValue = "600",
            description = "How long the traffic runs (default ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--server-jar", defaultValue = "standalone/target/arrowhttp-server.jar")
    Path serverJar;

    @Option(names = "--work", defaultValue = "benchmark/target/hostile-soak")
    Path work;

    @Option(names = "--output", description = "Also writes the results as Markdown to this file.")
    Path output;

    /** Outcomes by "kind answer": real ones "ok" or a failure, hostile ones the status or "closed". */
    private final Map<String, AtomicLong> outcomes = new ConcurrentHashMap<>();

    private final Map<String, Set<String>> expected = new ConcurrentHashMap<>();
    private final List<String> failures = Collections.synchronizedList(new ArrayList<>());
    private final AtomicLong maxDiskBytes = new AtomicLong();
    private final AtomicLong retried = new AtomicLong();
    private volatile boolean running = true;
    private HttpClient http;
    private int port;

    @Override
    public Integer call() throws Exception {
        Path uploads = work.resolve("uploads");
        deleteTree(uploads);
        Files.createDirectories(uploads);
        Path catalog = work.resolve("catalog.yaml");
        Files.writeString(catalog, """
                uploads:
                  directory: uploads
                  writable: true
                  max_bytes: 8MiB
                  max_body_bytes: 4MiB
                  max_concurrent: %d
                  max_total_bytes: %d
                """.formatted(MAX_CONCURRENT, MAX_TOTAL_BYTES));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        long started = System.nanoTime();
        try (BufferAllocator allocator = new RootAllocator();
                ChildProcess server = ChildProcess.start(
                        "arrowhttp",
                        List.of(
                                java,
                                "-Xmx256m",
                                "-jar",
                                serverJar.toString(),
                                "--port",
                                "0",
                                "--config",
                                catalog.toString()),
                        READY,
                        work)) {
            port = server.port();
            http = HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5))
                    .build();
            Bodies bodies = new Bodies(allocator);
            int put = send("PUT", "fixed", ARROW, null, bodies.plain(0, FIXED_ROWS));
            if (put != 201 && put != 200) {
                throw new IOException("the fixed dataset could not be uploaded: " + put);
            }
            long baseline = allocated(awaitIdle());
            List<Hostile> hostiles = hostiles(bodies);
            ExecutorService traffic = Executors.newCachedThreadPool();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            for (int reader = 0; reader < REAL_READERS; reader++) {
                traffic.submit(() -> loop(deadline, () -> realRead(allocator)));
            }
            for (int writer = 0; writer < REAL_WRITERS; writer++) {
                String name = "real-" + writer;
                traffic.submit(() -> loop(deadline, () -> realWrite(allocator, bodies, name)));
            }
            for (int i = 0; i < hostiles.size(); i++) {
                Hostile hostile = hostiles.get(i);
                expected.put(hostile.kind(), hostile.expected());
                InetAddress from = InetAddress.getByName("127.0.1." + (i + 1));
                traffic.submit(() -> loop(deadline, () -> {
                    count(
                            hostile.kind(),
                            hostile.attack()
                                    .run(from, "hostile-" + hostile.kind().replaceAll("[^a-z0-9]+", "-")));
                    Thread.sleep(20);
                }));
            }
            while (System.nanoTime() < deadline) {
                maxDiskBytes.accumulateAndGet(diskBytes(uploads), Math::max);
                Thread.sleep(500);
            }
            running = false;
            traffic.shutdown();
            if (!traffic.awaitTermination(2, TimeUnit.MINUTES)) {
                traffic.shutdownNow();
                failures.add("traffic did not stop within 2 minutes");
            }
            String status = awaitIdle();
            long end = allocated(status);
            long disk = diskBytes(uploads);
            maxDiskBytes.accumulateAndGet(disk, Math::max);
            String catalogJson = http.send(
                            HttpRequest.newBuilder(uri("/datasets")).build(), HttpResponse.BodyHandlers.ofString())
                    .body();
            String report = report(
                    baseline, end, disk, server.peakRssBytes(), catalogJson, (System.nanoTime() - started) / 1e9);
            System.out.println(report);
            if (output != null) {
                Files.writeString(output, report);
            }
            return failures.isEmpty() ? 0 : 1;
        }
    }

    @FunctionalInterface
    private interface Step {
        void run() throws Exception;
    }

    @FunctionalInterface
    private interface Attack {
        /** Sends one hostile request from {@code from} to dataset {@code name}; returns the status or "closed". */
        String run(InetAddress from, String name) throws Exception;
    }

    private record Hostile(String kind, Set<String> expected, Attack attack) {}

    private List<Hostile> hostiles(Bodies bodies) throws IOException {
        byte[] forgedZstd = bodies.forgedLength(CompressionUtil.CodecType.ZSTD);
        byte[] forgedLz4 = bodies.forgedLength(CompressionUtil.CodecType.LZ4_FRAME);
        byte[] zstdBomb = bodies.bomb("zstd");
        byte[] gzipBomb = bodies.bomb("gzip");
        byte[] rowsOverValues = bodies.mismatched(1_100, 1_000);
        byte[] negativeLength = bodies.mismatched(1_000, -5);
        byte[] plain = bodies.plain(0, 1_000);
        byte[] twoStreams = concat(plain, plain);
        String fatDescription = "{\"description\":\"" + "x".repeat(512 * 1024) + "\"}";
        String fatMetadata = "{\"metadata\":{\"k\":\"" + "y".repeat(64 * 1024) + "\"}}";
        return List.of(
                new Hostile(
                        "forged zstd length", Set.of("413"), (from, name) -> raw(from, name, ARROW, null, forgedZstd)),
                new Hostile(
                        "forged lz4 length", Set.of("413"), (from, name) -> raw(from, name, ARROW, null, forgedLz4)),
                new Hostile("zstd bomb", Set.of("413"), (from, name) -> raw(from, name, ARROW, "zstd", zstdBomb)),
                new Hostile("gzip bomb", Set.of("413"), (from, name) -> raw(from, name, ARROW, "gzip", gzipBomb)),
                new Hostile(
                        "fat description",
                        Set.of("413"),
                        (from, name) -> rawMultipart(from, name, fatDescription, plain)),
                new Hostile(
                        "fat metadata", Set.of("413"), (from, name) -> rawMultipart(from, name, fatMetadata, plain)),
                new Hostile(
                        "rows over values",
                        Set.of("400"),
                        (from, name) -> raw(from, name, ARROW, null, rowsOverValues)),
                new Hostile(
                        "negative length", Set.of("400"), (from, name) -> raw(from, name, ARROW, null, negativeLength)),
                new Hostile(
                        "bytes after end of stream",
                        Set.of("400"),
                        (from, name) -> raw(from, name, ARROW, null, twoStreams)),
                // Grizzly closes a connection once it reads its end: 400 when the server answers first.
                new Hostile(
                        "cut body, half-closed", Set.of("400", "closed"), (from, name) -> cut(from, name, plain, true)),
                new Hostile("cut body, closed", Set.of("closed"), (from, name) -> cut(from, name, plain, false)),
                new Hostile("trickled body", Set.of("408"), (from, name) -> trickle(from, name, plain)),
                new Hostile("trickled body 2", Set.of("408"), (from, name) -> trickle(from, name, plain)));
    }

    private void loop(long deadline, Step step) {
        while (running && System.nanoTime() < deadline) {
            try {
                step.run();
            } catch (Exception e) {
                count("error", e.getClass().getSimpleName() + ": " + e.getMessage());
                failures.add("traffic error: " + e);
            }
        }
    }

    /** Downloads the dataset that never changes and checks every row. */
    private void realRead(BufferAllocator allocator) throws Exception {
        String problem = readBack(allocator, "fixed", FIXED_ROWS);
        real("real read", problem);
    }

    /** One round of a real writer: a PUT with a description, appends with each codec, a read back. */
    private void realWrite(BufferAllocator allocator, Bodies bodies, String name) throws Exception {
        byte[] first = bodies.plain(0, WRITER_ROWS);
        byte[] arrowPart = concat(
                "--soak\r\nContent-Type: application/json\r\n\r\n{\"description\":\"soak writer\"}\r\n--soak\r\nContent-Type: application/vnd.apache.arrow.stream\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII),
                first);
        byte[] multipart = concat(arrowPart, "\r\n--soak--\r\n".getBytes(StandardCharsets.US_ASCII));
        int status = send("PUT", name, "multipart/mixed; boundary=soak", null, multipart);
        real("real PUT", status == 200 || status == 201 ? null : "status " + status);
        for (int append = 1; append <= APPENDS; append++) {
            long from = (long) append * WRITER_ROWS;
            int answer = switch (append % 3) {
                case 1 ->
                    send("POST", name, ARROW, null, bodies.ipc(from, WRITER_ROWS, CompressionUtil.CodecType.ZSTD));
                case 2 -> send("POST", name, ARROW, "gzip", gzip(bodies.plain(from, WRITER_ROWS)));
                default ->
                    send("POST", name, ARROW, null, bodies.ipc(from, WRITER_ROWS, CompressionUtil.CodecType.LZ4_FRAME));
            };
            real("real POST", answer == 200 ? null : "status " + answer);
        }
        real("real read back", readBack(allocator, name, (APPENDS + 1) * WRITER_ROWS));
    }

    /** Null when {@code name} holds exactly the rows 0 .. rows-1 in order, else what differs. */
    private String readBack(BufferAllocator allocator, String name, int rows) throws Exception {
        HttpResponse<InputStream> response = http.send(
                HttpRequest.newBuilder(uri("/datasets/" + name))
                        .header("Accept", ARROW)
                        .timeout(Duration.ofSeconds(60))
                        .build(),
                HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream in = response.body()) {
            if (response.statusCode() != 200) {
                return "status " + response.statusCode();
            }
            long next = 0;
            try (ArrowStreamReader reader = new ArrowStreamReader(in, allocator)) {
                while (reader.loadNextBatch()) {
                    BigIntVector seq =
                            (BigIntVector) reader.getVectorSchemaRoot().getVector("seq");
                    for (int i = 0; i < seq.getValueCount(); i++) {
                        if (seq.isNull(i) || seq.get(i) != next) {
                            return "row " + next + " reads " + (seq.isNull(i) ? "null" : seq.get(i));
                        }
                        next++;
                    }
                }
            }
            return next == rows ? null : next + " rows, expected " + rows;
        }
    }

    private void real(String kind, String problem) {
        count(kind, problem == null ? "ok" : "failed");
        if (problem != null) {
            failures.add(kind + ": " + problem);
        }
    }

    /**
     * Sends an upload as a real client does: a {@code 429} is sent again after its
     * {@code Retry-After}, at most {@link #RETRIES} times; returns the last status. Each retry is
     * counted, so the report shows how often the server turned a real writer away for a while.
     */
    private int send(String method, String name, String type, String coding, byte[] body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri("/datasets/" + name))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", type)
                .method(method, HttpRequest.BodyPublishers.ofByteArray(body));
        if (coding != null) {
            request.header("Content-Encoding", coding);
        }
        for (int attempt = 0; ; attempt++) {
            HttpResponse<Void> response = http.send(request.build(), HttpResponse.BodyHandlers.discarding());
            if (response.statusCode() != 429 || attempt == RETRIES || !running) {
                return response.statusCode();
            }
            retried.incrementAndGet();
            long seconds = response.headers()
                    .firstValue("Retry-After")
                    .map(value -> value.matches("[0-9]{1,3}") ? Long.parseLong(value) : 1L)
                    .orElse(1L);
            Thread.sleep(TimeUnit.SECONDS.toMillis(Math.max(1, seconds)));
        }
    }

    private String raw(InetAddress from, String name, String type, String coding, byte[] body) throws IOException {
        String head = "PUT /datasets/" + name + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: " + type + "\r\n"
                + (coding == null ? "" : "Content-Encoding: " + coding + "\r\n") + "Content-Length: " + body.length
                + "\r\nConnection: close\r\n\r\n";
        try (Socket socket = open(from)) {
            try {
                OutputStream out = socket.getOutputStream();
                out.write(head.getBytes(StandardCharsets.US_ASCII));
                out.write(body);
                out.flush();
            } catch (IOException refusedEarly) {
                // The server may answer and close before the whole body is sent: read what it said.
            }
            return status(socket);
        }
    }

    private String rawMultipart(InetAddress from, String name, String json, byte[] arrow) throws IOException {
        byte[] body = concat(
                concat(
                        ("--soak\r\nContent-Type: application/json\r\n\r\n" + json
                                        + "\r\n--soak\r\nContent-Type: application/vnd.apache.arrow.stream\r\n\r\n")
                                .getBytes(StandardCharsets.UTF_8),
                        arrow),
                "\r\n--soak--\r\n".getBytes(StandardCharsets.US_ASCII));
        return raw(from, name, "multipart/mixed; boundary=soak", null, body);
    }

    /** Half the body, then a half-close (the server sees the body end early) or a close. */
    private String cut(InetAddress from, String name, byte[] body, boolean halfClose) throws IOException {
        String head = "PUT /datasets/" + name + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: " + ARROW
                + "\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n\r\n";
        try (Socket socket = open(from)) {
            OutputStream out = socket.getOutputStream();
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            out.write(body, 0, body.length / 2);
            out.flush();
            if (!halfClose) {
                return "closed";
            }
            socket.shutdownOutput();
            return status(socket);
        }
    }

    /** 10 bytes a second (the pace is 1 KiB in 10 s), for at most 40 s or until the server answers. */
    private String trickle(InetAddress from, String name, byte[] body) throws Exception {
        String head = "PUT /datasets/" + name + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: " + ARROW
                + "\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n\r\n";
        try (Socket socket = open(from)) {
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            try {
                for (int sent = 0; sent < 40 * 10 && in.available() == 0; sent += 10) {
                    out.write(body, sent, 10);
                    out.flush();
                    Thread.sleep(1000);
                }
            } catch (IOException closedByServer) {
                // The server answered and closed: read its answer.
            }
            return status(socket);
        }
    }

    private Socket open(InetAddress from) throws IOException {
        Socket socket = new Socket();
        socket.bind(new InetSocketAddress(from, 0));
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        socket.setSoTimeout(60_000);
        return socket;
    }

    private static String status(Socket socket) {
        try {
            byte[] head = socket.getInputStream().readNBytes(12);
            String line = new String(head, StandardCharsets.ISO_8859_1);
            return line.startsWith("HTTP/1.1 ") ? line.substring(9).trim() : "closed";
        } catch (IOException e) {
            return "closed";
        }
    }

    private void count(String kind, String outcome) {
        outcomes.computeIfAbsent(kind + "\t" + outcome, key -> new AtomicLong()).incrementAndGet();
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    /** Waits, at most 90 s, for the server to hold no stream and no Arrow memory; returns its last {@code /status}. */
    private String awaitIdle() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        String status = "";
        while (System.nanoTime() < deadline) {
            status = http.send(HttpRequest.newBuilder(uri("/status")).build(), HttpResponse.BodyHandlers.ofString())
                    .body();
            if (status.contains("\"activeStreams\":0") && allocated(status) == 0) {
                return status;
            }
            Thread.sleep(500);
        }
        return status;
    }

    private static long allocated(String status) {
        Matcher matcher = Pattern.compile("\"allocatedBytes\":(\\d+)").matcher(status);
        return matcher.find() ? Long.parseLong(matcher.group(1)) : -1;
    }

    /** The bytes of the files in the (flat) upload directory; files deleted while it looks count 0. */
    private static long diskBytes(Path directory) throws IOException {
        long bytes = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory)) {
            for (Path file : files) {
                try {
                    bytes += Files.size(file);
                } catch (IOException gone) {
                    // Deleted since it was listed: a temporary file renamed, or a replaced part.
                }
            }
        }
        return bytes;
    }

    private static void deleteTree(Path directory) throws IOException {
        if (Files.exists(directory)) {
            try (Stream<Path> files = Files.walk(directory)) {
                for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(file);
                }
            }
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = new byte[a.length + b.length];
        System.arraycopy(a, 0, both, 0, a.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    private static byte[] gzip(byte[] bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
            gzip.write(bytes);
        }
        return out.toByteArray();
    }

    private String report(long baseline, long end, long disk, long peakRss, String catalogJson, double seconds) {
        StringBuilder out = new StringBuilder(String.format(
                Locale.ROOT,
                "Hostile-writer soak of %.0f s, %d cores, %s %s, server -Xmx256m, all on 127.0.0.1%n%n",
                seconds,
                Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.vm.name"),
                System.getProperty("java.version")));
        out.append("| traffic | outcome | count | expected |\n| --- | --- | --- | --- |\n");
        outcomes.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(entry -> {
            String[] key = entry.getKey().split("\t", 2);
            Set<String> wanted = expected.getOrDefault(key[0], Set.of("ok"));
            boolean good = wanted.contains(key[1]);
            if (!good) {
                failures.add(key[0] + ": " + entry.getValue().get() + " answered " + key[1] + ", expected " + wanted);
            }
            out.append("| ").append(key[0]).append(" | ").append(key[1]).append(" | ");
            out.append(entry.getValue().get())
                    .append(" | ")
                    .append(good ? "yes" : "**no**")
                    .append(" |\n");
        });
        for (String kind : expected.keySet()) {
            if (outcomes.keySet().stream().noneMatch(key -> key.startsWith(kind + "\t"))) {
                failures.add(kind + ": never ran");
            }
        }
        long real = outcomes.entrySet().stream()
                .filter(entry -> entry.getKey().startsWith("real "))
                .mapToLong(entry -> entry.getValue().get())
                .sum();
        long realFailed = outcomes.entrySet().stream()
                .filter(entry ->
                        entry.getKey().startsWith("real ") && !entry.getKey().endsWith("\tok"))
                .mapToLong(entry -> entry.getValue().get())
                .sum();
        if (real == 0) {
            failures.add("no real request ran");
        }
        if (end != baseline) {
            failures.add("allocatedBytes " + end + " at the end, " + baseline + " at the start");
        }
        if (maxDiskBytes.get() > MAX_TOTAL_BYTES) {
            failures.add("the upload directory held " + maxDiskBytes.get() + " bytes, over max_total_bytes");
        }
        if (catalogJson.contains("hostile-")) {
            failures.add("a hostile writer made a dataset: " + catalogJson);
        }
        out.append(String.format(Locale.ROOT, "%n- real requests: %d, failed: %d%n", real, realFailed));
        out.append(String.format(
                Locale.ROOT,
                "- real uploads sent again after 429 (Retry-After honoured, at most %d times each): %d%n",
                RETRIES,
                retried.get()));
        out.append(
                String.format(Locale.ROOT, "- Arrow allocatedBytes: %d at the start, %d at the end%n", baseline, end));
        out.append(String.format(
                Locale.ROOT,
                "- upload directory: %d bytes at the end, %d at most (sampled twice a second), max_total_bytes %d%n",
                disk,
                maxDiskBytes.get(),
                MAX_TOTAL_BYTES));
        out.append(String.format(
                Locale.ROOT, "- datasets made by hostile writers: %d%n", catalogJson.contains("hostile-") ? 1 : 0));
        out.append(String.format(Locale.ROOT, "- server peak RSS: %d MiB%n", peakRss >> 20));
        out.append(String.format(Locale.ROOT, "- checks failed: %d%n", failures.size()));
        failures.stream()
                .distinct()
                .limit(20)
                .forEach(failure -> out.append("  - ").append(failure).append('\n'));
        return out.toString();
    }

    /** The Arrow streams the clients send: one column {@code seq} of consecutive longs. */
    private static final class Bodies {
        private final BufferAllocator allocator;
        private final Schema schema =
                new Schema(List.of(new Field("seq", FieldType.notNullable(new ArrowType.Int(64, true)), null)));

        Bodies(BufferAllocator allocator) {
            this.allocator = allocator;
        }

        byte[] plain(long from, int rows) throws IOException {
            return ipc(from, rows, CompressionUtil.CodecType.NO_COMPRESSION);
        }

        /** {@code rows} rows from {@code from}, in batches of 5,000, with {@code codec}. */
        byte[] ipc(long from, int rows, CompressionUtil.CodecType codec) throws IOException {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator);
                    ArrowStreamWriter writer = new ArrowStreamWriter(
                            root,
                            null,
                            Channels.newChannel(out),
                            IpcOption.DEFAULT,
                            codec == CompressionUtil.CodecType.NO_COMPRESSION
                                    ? NoCompressionCodec.Factory.INSTANCE
                                    : CommonsCompressionFactory.INSTANCE,
                            codec)) {
                writer.start();
                BigIntVector seq = (BigIntVector) root.getVector("seq");
                for (int done = 0; done < rows; ) {
                    int batch = Math.min(5_000, rows - done);
                    seq.allocateNew(batch);
                    for (int i = 0; i < batch; i++) {
                        seq.set(i, from + done + i);
                    }
                    root.setRowCount(batch);
                    writer.writeBatch();
                    done += batch;
                }
                writer.end();
            }
            return out.toByteArray();
        }

        /**
         * One compressed batch of 1,000 rows whose first buffer's uncompressed-length prefix (the
         * first 8 bytes of the batch's body) claims 2^40 bytes.
         */
        byte[] forgedLength(CompressionUtil.CodecType codec) throws IOException {
            byte[] stream = ipc(0, 1_000, codec);
            ByteBuffer buffer = ByteBuffer.wrap(stream).order(ByteOrder.LITTLE_ENDIAN);
            int schemaEnd = 8 + buffer.getInt(4);
            int body = schemaEnd + 8 + buffer.getInt(schemaEnd + 4);
            buffer.putLong(body, 1L << 40);
            return stream;
        }

        /** A valid stream of 1 GiB of zeros in 2 MiB batches, content-coded with zstd or gzip. */
        byte[] bomb(String coding) throws IOException {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (OutputStream coded = "zstd".equals(coding) ? new ZstdOutputStream(out, 3) : new GZIPOutputStream(out);
                    VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator);
                    ArrowStreamWriter writer = new ArrowStreamWriter(root, null, Channels.newChannel(coded))) {
                BigIntVector seq = (BigIntVector) root.getVector("seq");
                seq.allocateNew(256 * 1024);
                seq.zeroVector();
                root.setRowCount(256 * 1024);
                writer.start();
                for (int batch = 0; batch < 512; batch++) {
                    writer.writeBatch();
                }
                writer.end();
            }
            return out.toByteArray();
        }

        /** A batch that says it has {@code rows} rows over a column whose node says {@code nodeLength}. */
        byte[] mismatched(int rows, int nodeLength) throws IOException {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator)) {
                BigIntVector seq = (BigIntVector) root.getVector("seq");
                seq.allocateNew(1_000);
                for (int i = 0; i < 1_000; i++) {
                    seq.set(i, i);
                }
                root.setRowCount(1_000);
                WriteChannel channel = new WriteChannel(Channels.newChannel(out));
                MessageSerializer.serialize(channel, schema);
                try (ArrowRecordBatch batch = new VectorUnloader(root).getRecordBatch();
                        ArrowRecordBatch forged = new ArrowRecordBatch(
                                rows,
                                List.of(new ArrowFieldNode(nodeLength, 0)),
                                batch.getBuffers(),
                                NoCompressionCodec.DEFAULT_BODY_COMPRESSION,
                                true)) {
                    MessageSerializer.serialize(channel, forged);
                }
                ArrowStreamWriter.writeEndOfStream(channel, IpcOption.DEFAULT);
            }
            return out.toByteArray();
        }
    }
}

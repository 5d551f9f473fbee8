package io.arrowhttp.benchmark;

import io.arrowhttp.client.ArrowHttpClient;
import io.arrowhttp.client.Compression;
import io.arrowhttp.client.GetOptions;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Each compression a client can ask for, against none, on two datasets: the example dataset,
 * which compresses well (random slices of one small batch), and a file of random doubles, which
 * hardly does. The decoding Java client reads the standalone server over loopback; per run the
 * harness records the bytes on the wire, the server's CPU time (from /proc) and the client
 * thread's CPU time. Cases alternate run by run.
 */
@Command(
        name = "compression",
        mixinStandardHelpOptions = true,
        description = "Measures every compression (IPC lz4 and zstd, HTTP zstd, br and gzip) against none.")
final class CompressionBenchmark implements Callable<Integer> {

    private static final int FLOAT_COLUMNS = 4;
    private static final int FLOAT_BATCH_ROWS = 65_536;

    @Option(
            names = "--rows",
            defaultValue = "10000000",
            description = "Rows of the example dataset (default ${DEFAULT-VALUE}).")
    long rows;

    @Option(
            names = "--float-rows",
            defaultValue = "4000000",
            description = "Rows of the random doubles file, 4 columns (default ${DEFAULT-VALUE}).")
    int floatRows;

    @Option(names = "--runs", defaultValue = "3", description = "Measured runs per case (default ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--warmup", defaultValue = "1", description = "Unmeasured runs per case first.")
    int warmup;

    @Option(names = "--server-jar", defaultValue = "standalone/target/arrowhttp-server.jar")
    Path serverJar;

    @Option(
            names = "--work",
            defaultValue = "benchmark/target/compression",
            description = "Where the data and logs go.")
    Path work;

    @Option(names = "--output", description = "Also writes the results as Markdown to this file.")
    Path output;

    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final Map<String, List<Long>> clientCpuNanos = new LinkedHashMap<>();

    @Override
    public Integer call() throws Exception {
        Path data = Files.createDirectories(work.resolve("data"));
        writeRandomDoubles(data.resolve("doubles.arrow"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        try (ChildProcess ours = ChildProcess.start(
                "arrowhttp-compression",
                List.of(java, "-Xmx256m", "-jar", serverJar.toString(), "--port", "0", "--data", data.toString()),
                Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)/"),
                work)) {
            URI base = URI.create("http://127.0.0.1:" + ours.port() + "/");
            Map<String, URI> datasets = new LinkedHashMap<>();
            datasets.put("example (compressible)", base.resolve("datasets/tickers?rows=" + rows));
            datasets.put("random doubles", base.resolve("datasets/doubles"));
            Map<String, AlternatingRounds.Case> cases = new LinkedHashMap<>();
            Map<String, List<AlternatingRounds.Run>> results;
            try (ArrowHttpClient client = ArrowHttpClient.builder(base)
                    .readTimeout(Duration.ofMinutes(5))
                    .build()) {
                datasets.forEach((dataset, uri) -> {
                    cases.put(
                            name(dataset, null),
                            () -> measured(name(dataset, null), client, uri, GetOptions.defaults()));
                    for (Compression compression : Compression.values()) {
                        String name = name(dataset, compression);
                        cases.put(
                                name,
                                () -> measured(
                                        name, client, uri, GetOptions.defaults().compression(compression)));
                    }
                });
                results = AlternatingRounds.run(cases, warmup, runs, ours);
            }
            // The rounds rotate, so the results come in any order: the table keeps the cases'.
            Map<String, List<AlternatingRounds.Run>> ordered = new LinkedHashMap<>();
            for (String name : cases.keySet()) {
                ordered.put(name, results.get(name));
            }
            String table = markdown(ordered, ours.peakRssBytes());
            System.out.println(table);
            if (output != null) {
                Files.writeString(output, table);
            }
        }
        return 0;
    }

    private static String name(String dataset, Compression compression) {
        return "arrowhttp | " + dataset + " | " + (compression == null ? "none" : label(compression));
    }

    private static String label(Compression compression) {
        return switch (compression) {
            case IPC_ZSTD -> "IPC zstd";
            case IPC_LZ4 -> "IPC lz4";
            case HTTP_ZSTD -> "HTTP zstd";
            case HTTP_BR -> "HTTP br";
            case HTTP_GZIP -> "HTTP gzip";
        };
    }

    /** One decoding transfer, its client thread's CPU time kept under {@code name}. */
    private Clients.Transfer measured(String name, ArrowHttpClient client, URI uri, GetOptions options)
            throws IOException {
        long cpuBefore = threads.getCurrentThreadCpuTime();
        Clients.Transfer transfer = Clients.decode(client, uri, options);
        clientCpuNanos.computeIfAbsent(name, n -> new ArrayList<>()).add(threads.getCurrentThreadCpuTime() - cpuBefore);
        return transfer;
    }

    /** An Arrow file of random doubles, which no codec shrinks much: the unflattering case. */
    private void writeRandomDoubles(Path file) throws IOException {
        List<Field> fields = new ArrayList<>();
        for (int c = 0; c < FLOAT_COLUMNS; c++) {
            fields.add(Field.notNullable("x" + c, new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE)));
        }
        SplittableRandom random = new SplittableRandom(42);
        try (BufferAllocator allocator = new RootAllocator();
                VectorSchemaRoot root = VectorSchemaRoot.create(new Schema(fields), allocator);
                FileChannel channel = FileChannel.open(
                        file,
                        StandardOpenOption.CREATE,
                        StandardOpenOption.WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING);
                ArrowFileWriter writer = new ArrowFileWriter(root, null, channel)) {
            writer.start();
            for (int written = 0; written < floatRows; written += FLOAT_BATCH_ROWS) {
                int batch = Math.min(FLOAT_BATCH_ROWS, floatRows - written);
                for (int c = 0; c < FLOAT_COLUMNS; c++) {
                    Float8Vector vector = (Float8Vector) root.getVector(c);
                    vector.allocateNew(batch);
                    for (int i = 0; i < batch; i++) {
                        vector.set(i, random.nextDouble() * 1000);
                    }
                }
                root.setRowCount(batch);
                writer.writeBatch();
            }
            writer.end();
        }
    }

    private String markdown(Map<String, List<AlternatingRounds.Run>> results, long serverRss) {
        StringBuilder out = new StringBuilder(String.format(
                Locale.ROOT,
                "Compression benchmark of %s: example dataset %,d rows, random doubles %,d rows x %d; %d cores, %s;"
                        + " loopback, decoding Java client%n%n",
                LocalDate.now(),
                rows,
                floatRows,
                FLOAT_COLUMNS,
                Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.vm.name") + " " + System.getProperty("java.version")));
        out.append("CPU is per GB of Arrow data (the uncompressed stream), so that codecs compare.\n\n");
        out.append("| dataset | compression | MB on the wire | of uncompressed | million rows/s, median (min to max)"
                + " | server CPU s per GB | client CPU s per GB | runs |\n");
        out.append("| --- | --- | --- | --- | --- | --- | --- | --- |\n");
        Map<String, Double> plainBytes = new LinkedHashMap<>();
        results.forEach((name, list) -> {
            String[] parts = name.split(" \\| ");
            double bytes = Benchmark.Report.median(
                    list.stream().map(run -> (double) run.transfer().bytes()).toList());
            if (parts[2].equals("none")) {
                plainBytes.put(parts[1], bytes);
            }
            double arrowGigabytes = plainBytes.getOrDefault(parts[1], bytes) / 1e9;
            double serverCpu = Benchmark.Report.median(
                            list.stream().map(run -> run.serverCpuNanos() / 1e9).toList())
                    / arrowGigabytes;
            double clientCpu = Benchmark.Report.median(clientCpuNanos.get(name).stream()
                            .skip(warmup)
                            .map(nanos -> nanos / 1e9)
                            .toList())
                    / arrowGigabytes;
            out.append(String.format(
                    Locale.ROOT,
                    "| %s | %s | %.1f | %.2f | %s | %.2f | %.2f | %d |%n",
                    parts[1],
                    parts[2],
                    bytes / 1e6,
                    bytes / (arrowGigabytes * 1e9),
                    Benchmark.Report.stats(RowsTable.millionRowsPerSecond(list), "%.2f"),
                    serverCpu,
                    clientCpu,
                    list.size()));
        });
        out.append(String.format(Locale.ROOT, "%nPeak RSS of the server (-Xmx256m): %d MiB%n", serverRss >> 20));
        return out.toString();
    }
}

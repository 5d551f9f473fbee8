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
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
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
 *
 * <p>With {@code --links}, the same cases run again over slow links: the server in one network
 * namespace, the client (this harness, started again there) in another, joined by a veth pair
 * shaped with {@code tc tbf} to each rate. That shows which codec to ask for on which network.
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

    @Option(
            names = "--links",
            split = ",",
            description = "Also measures over a link shaped to each of these rates (tc syntax, for example"
                    + " 1gbit,100mbit) between two network namespaces the harness makes and removes; needs root"
                    + " and iproute2, skipped with a message otherwise.")
    List<String> links = List.of();

    @Option(
            names = "--link-rows",
            defaultValue = "2000000",
            description = "Rows of the example dataset over the links (default ${DEFAULT-VALUE}).")
    long linkRows;

    @Option(
            names = "--link-float-rows",
            defaultValue = "1000000",
            description = "Rows of the random doubles over the links (default ${DEFAULT-VALUE}).")
    int linkFloatRows;

    /** Set when the harness runs itself as the client of a link, in the client's namespace. */
    @Option(names = "--server-url", hidden = true)
    URI serverUrl;

    @Option(names = "--server-pid", hidden = true, defaultValue = "-1")
    long serverPid;

    @Option(names = "--where", hidden = true, defaultValue = "loopback")
    String where;

    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final Map<String, List<Long>> clientCpuNanos = new LinkedHashMap<>();

    @Override
    public Integer call() throws Exception {
        if (serverUrl != null) {
            String table = measure(serverUrl, () -> ChildProcess.cpuNanos(serverPid));
            Files.writeString(output, table);
            return 0;
        }
        Path data = Files.createDirectories(work.resolve("data"));
        writeRandomDoubles(data.resolve("doubles.arrow"), floatRows);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        StringBuilder report = new StringBuilder();
        try (ChildProcess ours = ChildProcess.start(
                "arrowhttp-compression",
                List.of(java, "-Xmx256m", "-jar", serverJar.toString(), "--port", "0", "--data", data.toString()),
                Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)/"),
                work)) {
            report.append(measure(URI.create("http://127.0.0.1:" + ours.port() + "/"), ours::cpuNanos));
            report.append(String.format(
                    Locale.ROOT, "%nPeak RSS of the server (-Xmx256m): %d MiB%n", ours.peakRssBytes() >> 20));
        }
        if (!links.isEmpty()) {
            report.append(overLinks(java));
        }
        String table = report.toString();
        System.out.println(table);
        if (output != null) {
            Files.writeString(output, table);
        }
        return 0;
    }

    /** Every case against the server at {@code base}; the Markdown table of the results. */
    private String measure(URI base, LongSupplier serverCpuNanos) throws Exception {
        clientCpuNanos.clear();
        Map<String, URI> datasets = new LinkedHashMap<>();
        datasets.put("example (compressible)", base.resolve("datasets/tickers?rows=" + rows));
        datasets.put("random doubles", base.resolve("datasets/doubles"));
        Map<String, AlternatingRounds.Case> cases = new LinkedHashMap<>();
        Map<String, List<AlternatingRounds.Run>> results;
        try (ArrowHttpClient client =
                ArrowHttpClient.builder(base).readTimeout(Duration.ofMinutes(5)).build()) {
            datasets.forEach((dataset, uri) -> {
                cases.put(name(dataset, null), () -> measured(name(dataset, null), client, uri, GetOptions.defaults()));
                for (Compression compression : Compression.values()) {
                    String name = name(dataset, compression);
                    cases.put(
                            name,
                            () -> measured(
                                    name, client, uri, GetOptions.defaults().compression(compression)));
                }
            });
            results = AlternatingRounds.run(cases, warmup, runs, serverCpuNanos);
        }
        // The rounds rotate, so the results come in any order: the table keeps the cases'.
        Map<String, List<AlternatingRounds.Run>> ordered = new LinkedHashMap<>();
        for (String name : cases.keySet()) {
            ordered.put(name, results.get(name));
        }
        return markdown(ordered);
    }

    /**
     * The cases again over each link: the server started in the server's namespace, and this
     * harness started again in the client's, as {@code --server-url}, once per rate.
     */
    private String overLinks(String java) throws Exception {
        LinkNamespaces link;
        try {
            link = LinkNamespaces.create();
        } catch (IOException cannot) {
            return String.format(
                    "%nSlow links skipped: network namespaces cannot be made on this machine (%s)%n",
                    cannot.getMessage());
        }
        StringBuilder out = new StringBuilder();
        try (link) {
            Path data = Files.createDirectories(work.resolve("link-data")).toAbsolutePath();
            writeRandomDoubles(data.resolve("doubles.arrow"), linkFloatRows);
            try (ChildProcess ours = ChildProcess.start(
                    "arrowhttp-link",
                    link.inServer(List.of(
                            java,
                            "-Xmx256m",
                            "-jar",
                            serverJar.toAbsolutePath().toString(),
                            "--host",
                            LinkNamespaces.SERVER_ADDRESS,
                            "--port",
                            "0",
                            "--data",
                            data.toString())),
                    Pattern.compile("listening on http://" + Pattern.quote(LinkNamespaces.SERVER_ADDRESS) + ":(\\d+)/"),
                    work)) {
                for (String rate : links) {
                    link.shape(rate);
                    Path table = work.resolve("link-" + rate.replaceAll("[^A-Za-z0-9]", "") + ".md")
                            .toAbsolutePath();
                    Files.deleteIfExists(table);
                    runClient(link, java, ours, rate, table);
                    out.append('\n').append(Files.readString(table));
                }
                out.append(String.format(
                        Locale.ROOT,
                        "%nPeak RSS of the server over the links (-Xmx256m): %d MiB%n",
                        ours.peakRssBytes() >> 20));
            }
        }
        return out.toString();
    }

    private void runClient(LinkNamespaces link, String java, ChildProcess server, String rate, Path table)
            throws IOException, InterruptedException {
        List<String> command = link.inClient(List.of(
                java,
                "-Xmx512m",
                "--add-opens=java.base/java.nio=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path"),
                Benchmark.class.getName(),
                "compression",
                "--server-url",
                "http://" + LinkNamespaces.SERVER_ADDRESS + ":" + server.port() + "/",
                "--server-pid",
                Long.toString(server.pid()),
                "--where",
                rate + " link (veth pair between two network namespaces, tc tbf)",
                "--rows",
                Long.toString(linkRows),
                "--float-rows",
                Integer.toString(linkFloatRows),
                "--runs",
                Integer.toString(runs),
                "--warmup",
                Integer.toString(warmup),
                "--output",
                table.toString()));
        Path log = work.resolve("link-client.log");
        Process client = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        if (!client.waitFor(60, TimeUnit.MINUTES)) {
            client.destroyForcibly();
            throw new IOException("The client over the " + rate + " link did not finish in 60 minutes; see " + log);
        }
        if (client.exitValue() != 0 || !Files.exists(table)) {
            throw new IOException("The client over the " + rate + " link failed; see " + log);
        }
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
    private static void writeRandomDoubles(Path file, int floatRows) throws IOException {
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

    private String markdown(Map<String, List<AlternatingRounds.Run>> results) {
        StringBuilder out = new StringBuilder(String.format(
                Locale.ROOT,
                "Compression benchmark of %s: example dataset %,d rows, random doubles %,d rows x %d; %d cores, %s;"
                        + " %s, decoding Java client%n%n",
                LocalDate.now(),
                rows,
                floatRows,
                FLOAT_COLUMNS,
                Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.vm.name") + " " + System.getProperty("java.version"),
                where));
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
        return out.toString();
    }
}

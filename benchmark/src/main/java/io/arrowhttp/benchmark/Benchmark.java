package io.arrowhttp.benchmark;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.arrowhttp.client.ArrowHttpClient;
import io.arrowhttp.testing.Nginx;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The benchmark: arrowhttp's standalone server, nginx serving the same bytes as a static file, and
 * Arrow Flight's DoGet, on 127.0.0.1, each read by the same clients; servers alternated run by run.
 * Prints a table of medians with min and max, and the ratios the performance targets are stated in.
 */
@Command(
        name = "arrowhttp-benchmark",
        mixinStandardHelpOptions = true,
        description = "Measures arrowhttp against nginx (the ceiling) and Arrow Flight on this machine.")
public final class Benchmark implements Callable<Integer> {

    @Option(
            names = "--rows",
            defaultValue = "42000000",
            description = "Rows per response (default ${DEFAULT-VALUE}, about 1 GB).")
    long rows;

    @Option(names = "--runs", defaultValue = "5", description = "Measured runs per case (default ${DEFAULT-VALUE}).")
    int runs;

    @Option(
            names = "--warmup",
            defaultValue = "2",
            description = "Unmeasured runs per case first (default ${DEFAULT-VALUE}).")
    int warmup;

    @Option(
            names = "--concurrency",
            defaultValue = "1,4,16",
            split = ",",
            description = "Client counts for the concurrency case.")
    List<Integer> concurrency;

    @Option(names = "--server-jar", defaultValue = "standalone/target/arrowhttp-server.jar")
    Path serverJar;

    @Option(
            names = "--work",
            defaultValue = "benchmark/target/run",
            description = "Where configs, logs and the static file go.")
    Path work;

    @Option(names = "--output", description = "Also writes the results as Markdown to this file.")
    Path output;

    @Option(names = "--no-nginx", description = "Skips the nginx ceiling.")
    boolean noNginx;

    @Option(names = "--no-flight", description = "Skips Arrow Flight.")
    boolean noFlight;

    private final List<ChildProcess> started = new ArrayList<>();

    public static void main(String[] args) {
        CommandLine commandLine = new CommandLine(new Benchmark());
        commandLine.addSubcommand("flight-server", new FlightTickersServer());
        commandLine.addSubcommand("soak", new SoakCommand());
        commandLine.addSubcommand("hostile-soak", new HostileWriterSoakCommand());
        commandLine.addSubcommand("files", new FilesBenchmark());
        commandLine.addSubcommand("jdbc", new JdbcBenchmark());
        commandLine.addSubcommand("trino", new TrinoBenchmark());
        commandLine.addSubcommand("compression", new CompressionBenchmark());
        commandLine.addSubcommand("upload", new UploadBenchmark());
        commandLine.addSubcommand("partitions", new PartitionsBenchmark());
        commandLine.addSubcommand("js", new JavaScriptBenchmark());
        System.exit(commandLine.execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Files.createDirectories(work);
        Report report = new Report(rows);
        try {
            run(report);
        } finally {
            for (ChildProcess child : started) {
                child.close();
            }
        }
        String table = report.markdown();
        System.out.println(table);
        if (output != null) {
            Files.writeString(output, table);
        }
        return report.errors() == 0 ? 0 : 1;
    }

    private void run(Report report) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ChildProcess ours = start(ChildProcess.start(
                "arrowhttp",
                List.of(
                        java,
                        "-Xmx256m",
                        "-jar",
                        serverJar.toString(),
                        "--port",
                        "0",
                        "--max-rows",
                        Long.toString(Math.max(rows, 1))),
                Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)/"),
                work));
        URI oursUri = URI.create("http://127.0.0.1:" + ours.port() + "/?rows=" + rows);
        HeapSampler heap = new HeapSampler(URI.create("http://127.0.0.1:" + ours.port() + "/status"));
        heap.start();

        Map<String, Case> cases = new LinkedHashMap<>();
        Map<String, ChildProcess> serverOf = new LinkedHashMap<>();
        serverOf.put("arrowhttp | bytes", ours);
        serverOf.put("arrowhttp | Java client, decoding", ours);
        ArrowHttpClient client = ArrowHttpClient.builder(URI.create("http://127.0.0.1:" + ours.port() + "/"))
                .readTimeout(Duration.ofMinutes(2))
                .build();
        cases.put("arrowhttp | bytes", () -> Clients.countBytes(oursUri));
        cases.put("arrowhttp | Java client, decoding", () -> Clients.decode(client, oursUri));

        ChildProcess nginx = noNginx ? null : startNginx(oursUri, report);
        if (nginx != null) {
            URI staticUri = URI.create("http://127.0.0.1:" + nginx.port() + "/body");
            cases.put("nginx static file | bytes", () -> Clients.countBytes(staticUri));
            cases.put("nginx static file | Java client, decoding", () -> Clients.decode(client, staticUri));
            serverOf.put("nginx static file | bytes", nginx);
            serverOf.put("nginx static file | Java client, decoding", nginx);
        }
        ChildProcess flight = null;
        if (!noFlight) {
            String self = Path.of(Benchmark.class
                            .getProtectionDomain()
                            .getCodeSource()
                            .getLocation()
                            .toURI())
                    .toString();
            flight = start(ChildProcess.start(
                    "flight",
                    List.of(java, "-Xmx256m", "-jar", self, "flight-server", "--port", "0"),
                    Pattern.compile("flight listening on (\\d+)"),
                    work));
            int flightPort = flight.port();
            cases.put("Arrow Flight DoGet | Flight client, decoding", () -> Clients.flight(flightPort, rows));
            serverOf.put("Arrow Flight DoGet | Flight client, decoding", flight);
        }

        List<String> names = new ArrayList<>(cases.keySet());
        for (int round = 0; round < warmup + runs; round++) {
            List<String> order = new ArrayList<>(names);
            Collections.rotate(order, round);
            for (String name : order) {
                try {
                    ChildProcess server = serverOf.get(name);
                    long cpuBefore = server.cpuNanos();
                    Clients.Transfer transfer = cases.get(name).run();
                    long cpuAfter = server.cpuNanos();
                    if (round >= warmup) {
                        report.add(name, transfer);
                        if (cpuBefore >= 0 && cpuAfter >= 0 && transfer.bytes() > 0) {
                            report.serverCpu(name, (cpuAfter - cpuBefore) / 1e9 / (transfer.bytes() / 1e9));
                        }
                    }
                } catch (Exception e) {
                    report.error(name, e);
                }
            }
        }
        for (int clients : concurrency) {
            for (int round = 0; round < Math.max(1, runs / 2); round++) {
                concurrent(report, oursUri, clients);
            }
        }
        client.close();
        heap.stop();
        report.memory("arrowhttp server (-Xmx256m)", ours.peakRssBytes(), heap.peak());
        if (flight != null) {
            report.memory("Arrow Flight server (-Xmx256m)", flight.peakRssBytes(), -1);
        }
        if (nginx != null) {
            report.memory("nginx (master and workers)", nginx.peakRssBytesWithChildren(), -1);
        }
    }

    private void concurrent(Report report, URI uri, int clients) throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        AtomicLong bytes = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        long start = System.nanoTime();
        List<Future<?>> futures = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            futures.add(pool.submit(() -> {
                try {
                    bytes.addAndGet(Clients.countBytes(uri).bytes());
                } catch (IOException e) {
                    errors.incrementAndGet();
                }
            }));
        }
        pool.shutdown();
        if (!pool.awaitTermination(30, TimeUnit.MINUTES)) {
            pool.shutdownNow();
            errors.addAndGet(clients);
        }
        report.concurrent(clients, new Clients.Transfer(bytes.get(), 0, System.nanoTime() - start, 0), errors.get());
    }

    /** nginx serving one response of ours, saved once, with sendfile: the most a server can send here. */
    private ChildProcess startNginx(URI oursUri, Report report) throws Exception {
        if (!Nginx.installed()) {
            report.note("nginx is not installed (apt-get install nginx): the ceiling was not measured.");
            return null;
        }
        Path body = work.resolve("nginx-body");
        HttpURLConnection connection = (HttpURLConnection) oursUri.toURL().openConnection();
        String contentType = connection.getContentType();
        try (InputStream in = connection.getInputStream();
                OutputStream file = Files.newOutputStream(body)) {
            in.transferTo(file);
        }
        return start(ChildProcess.nginx(work, "nginx", body, contentType));
    }

    private ChildProcess start(ChildProcess child) {
        started.add(child);
        return child;
    }

    @FunctionalInterface
    private interface Case {
        Clients.Transfer run() throws Exception;
    }

    /** Polls the server's /status for the largest heap in use. */
    private static final class HeapSampler {
        private final URI status;
        private final AtomicLong peak = new AtomicLong(-1);
        private volatile boolean running = true;
        private Thread thread;

        HeapSampler(URI status) {
            this.status = status;
        }

        void start() {
            ObjectMapper json = new ObjectMapper();
            thread = new Thread(
                    () -> {
                        while (running) {
                            try (InputStream in = status.toURL().openStream()) {
                                long used =
                                        json.readTree(in).path("heapUsedBytes").asLong(-1);
                                peak.accumulateAndGet(used, Math::max);
                                Thread.sleep(100);
                            } catch (IOException ignored) {
                                // The next poll may succeed.
                            } catch (InterruptedException e) {
                                return;
                            }
                        }
                    },
                    "heap-sampler");
            thread.setDaemon(true);
            thread.start();
        }

        void stop() throws InterruptedException {
            running = false;
            thread.join(2_000);
        }

        long peak() {
            return peak.get();
        }
    }

    /** The results and their table. */
    static final class Report {
        private final long rows;
        private final Map<String, List<Clients.Transfer>> transfers = new LinkedHashMap<>();
        private final Map<String, List<Double>> serverCpuPerGigabyte = new LinkedHashMap<>();
        private final Map<Integer, List<Clients.Transfer>> concurrent = new LinkedHashMap<>();
        private final Map<String, long[]> memory = new LinkedHashMap<>();
        private final List<String> notes = new ArrayList<>();
        private long errors;

        Report(long rows) {
            this.rows = rows;
        }

        void add(String name, Clients.Transfer transfer) {
            transfers.computeIfAbsent(name, n -> new ArrayList<>()).add(transfer);
        }

        /** The server's CPU seconds (user and system) per GB it sent, in one run of a case. */
        void serverCpu(String name, double secondsPerGigabyte) {
            serverCpuPerGigabyte.computeIfAbsent(name, n -> new ArrayList<>()).add(secondsPerGigabyte);
        }

        void error(String name, Exception e) {
            errors++;
            notes.add("error in " + name + ": " + e);
        }

        void concurrent(int clients, Clients.Transfer aggregate, long failed) {
            concurrent.computeIfAbsent(clients, n -> new ArrayList<>()).add(aggregate);
            errors += failed;
            if (failed > 0) {
                notes.add(failed + " of " + clients + " concurrent clients failed");
            }
        }

        void memory(String name, long rss, long heap) {
            memory.put(name, new long[] {rss, heap});
        }

        void note(String note) {
            notes.add(note);
        }

        long errors() {
            return errors;
        }

        static double median(List<Double> values) {
            List<Double> sorted = new ArrayList<>(values);
            Collections.sort(sorted);
            int n = sorted.size();
            return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
        }

        static String stats(List<Double> values, String format) {
            return String.format(
                    Locale.ROOT,
                    format + " (" + format + " to " + format + ")",
                    median(values),
                    Collections.min(values),
                    Collections.max(values));
        }

        /** Decoding clients are compared by rows per second (they move the same rows); byte counters by bytes. */
        private Double medianRate(String name) {
            List<Clients.Transfer> list = transfers.get(name);
            if (list == null) {
                return null;
            }
            boolean decoding = list.get(0).rows() > 0;
            return median(list.stream()
                    .map(t -> decoding ? t.rowsPerSecond() : t.gigabytesPerSecond())
                    .toList());
        }

        String markdown() {
            StringBuilder out = new StringBuilder();
            out.append(String.format(
                    Locale.ROOT,
                    "Benchmark of %s, %d rows per response, %d cores, %s, %s%n%n",
                    LocalDate.now(),
                    rows,
                    Runtime.getRuntime().availableProcessors(),
                    System.getProperty("java.vm.name") + " " + System.getProperty("java.version"),
                    System.getProperty("os.arch")));
            out.append("| server | client | GB/s, median (min to max) | seconds, median | first batch, ms median"
                    + " | server CPU s per GB, median (min to max) | runs |\n");
            out.append("| --- | --- | --- | --- | --- | --- | --- |\n");
            transfers.forEach((name, list) -> {
                String[] parts = name.split(" \\| ");
                out.append("| ")
                        .append(parts[0])
                        .append(" | ")
                        .append(parts[1])
                        .append(" | ")
                        .append(stats(
                                list.stream()
                                        .map(Clients.Transfer::gigabytesPerSecond)
                                        .toList(),
                                "%.2f"))
                        .append(" | ")
                        .append(String.format(
                                Locale.ROOT,
                                "%.2f",
                                median(list.stream().map(t -> t.nanos() / 1e9).toList())))
                        .append(" | ")
                        .append(String.format(
                                Locale.ROOT,
                                "%.1f",
                                median(list.stream()
                                        .map(t -> t.firstBatchNanos() / 1e6)
                                        .toList())))
                        .append(" | ")
                        .append(
                                serverCpuPerGigabyte.containsKey(name)
                                        ? stats(serverCpuPerGigabyte.get(name), "%.2f")
                                        : "n/a")
                        .append(" | ")
                        .append(list.size())
                        .append(" |\n");
            });
            if (!concurrent.isEmpty()) {
                out.append(
                        "\n| concurrent clients (arrowhttp, bytes) | aggregate GB/s, median (min to max) | runs |\n| --- | --- | --- |\n");
                concurrent.forEach((clients, list) -> out.append("| ")
                        .append(clients)
                        .append(" | ")
                        .append(stats(
                                list.stream()
                                        .map(Clients.Transfer::gigabytesPerSecond)
                                        .toList(),
                                "%.2f"))
                        .append(" | ")
                        .append(list.size())
                        .append(" |\n"));
            }
            out.append("\n| process | peak RSS, MiB | peak heap used, MiB |\n| --- | --- | --- |\n");
            memory.forEach((name, values) -> out.append("| ")
                    .append(name)
                    .append(" | ")
                    .append(mib(values[0]))
                    .append(" | ")
                    .append(mib(values[1]))
                    .append(" |\n"));
            out.append("\nRatios (medians):\n\n");
            ratio(
                    out,
                    "arrowhttp / nginx, Java client decoding",
                    "arrowhttp | Java client, decoding",
                    "nginx static file | Java client, decoding");
            ratio(out, "arrowhttp / nginx, bytes", "arrowhttp | bytes", "nginx static file | bytes");
            ratio(
                    out,
                    "arrowhttp Java client / Flight client, both decoding",
                    "arrowhttp | Java client, decoding",
                    "Arrow Flight DoGet | Flight client, decoding");
            cpuRatio(
                    out,
                    "arrowhttp / nginx, server CPU per GB, bytes",
                    "arrowhttp | bytes",
                    "nginx static file | bytes");
            if (concurrent.containsKey(1)) {
                double single = median(concurrent.get(1).stream()
                        .map(Clients.Transfer::gigabytesPerSecond)
                        .toList());
                concurrent.forEach((clients, list) -> {
                    if (clients != 1) {
                        out.append(String.format(
                                Locale.ROOT,
                                "- %d clients / 1 client, aggregate: %.2f%n",
                                clients,
                                median(list.stream()
                                                .map(Clients.Transfer::gigabytesPerSecond)
                                                .toList())
                                        / single));
                    }
                });
            }
            out.append("- errors: ").append(errors).append('\n');
            notes.forEach(note -> out.append("- ").append(note).append('\n'));
            return out.toString();
        }

        private void ratio(StringBuilder out, String label, String numerator, String denominator) {
            Double top = medianRate(numerator);
            Double bottom = medianRate(denominator);
            if (top != null && bottom != null) {
                out.append(String.format(Locale.ROOT, "- %s: %.2f%n", label, top / bottom));
            }
        }

        private void cpuRatio(StringBuilder out, String label, String numerator, String denominator) {
            List<Double> top = serverCpuPerGigabyte.get(numerator);
            List<Double> bottom = serverCpuPerGigabyte.get(denominator);
            if (top != null && bottom != null) {
                out.append(String.format(Locale.ROOT, "- %s: %.2f%n", label, median(top) / median(bottom)));
            }
        }

        private static String mib(long bytes) {
            return bytes < 0 ? "n/a" : Long.toString(bytes >> 20);
        }
    }
}

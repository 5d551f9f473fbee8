package io.arrowhttp.benchmark;

import io.arrowhttp.server.auth.PasswordHash;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Mixed hostile traffic against the standalone server for a while, all on 127.0.0.1: full
 * downloads, downloads broken off, clients that stop reading, malformed requests and wrong
 * passwords from many loopback addresses, while {@code /status} is timed once a second. Reports
 * the status latency (median, p99, max), the answers of each kind of traffic, the Arrow memory
 * held once the traffic has stopped (must be 0) and the server's peak RSS.
 */
@Command(name = "soak", mixinStandardHelpOptions = true, description = "Mixed hostile traffic; times /status.")
final class SoakCommand implements Callable<Integer> {

    private static final Pattern READY = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)/");
    private static final List<String> MALFORMED = List.of(
            "GET /datasets/<script>alert(1)</script> HTTP/1.1\r\nHost: x\r\n\r\n",
            "GET /?rows=10% HTTP/1.1\r\nHost: x\r\n\r\n",
            "GET /status HTTP/1.2\r\nHost: x\r\n\r\n",
            "GET /status\r\n",
            "FAKE\rLINE /status HTTP/1.1\r\nHost: x\r\n\r\n",
            "GET /datasets/x%0a2026-12-01 HTTP/1.1\r\nHost: x\r\n\r\n",
            "GET /?rows=abc HTTP/1.1\r\nHost: x\r\n\r\n");

    @Option(
            names = "--seconds",
            defaultValue = "600",
            description = "How long the traffic runs (default ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--server-jar", defaultValue = "standalone/target/arrowhttp-server.jar")
    Path serverJar;

    @Option(names = "--work", defaultValue = "benchmark/target/soak")
    Path work;

    @Option(names = "--output", description = "Also writes the results as Markdown to this file.")
    Path output;

    private final Map<String, AtomicLong> answers = new ConcurrentHashMap<>();
    private final List<Long> statusNanos = new ArrayList<>();
    private final AtomicLong statusErrors = new AtomicLong();
    private volatile boolean running = true;

    @Override
    public Integer call() throws Exception {
        Files.createDirectories(work);
        byte[] tokenBytes = new byte[24];
        new SecureRandom().nextBytes(tokenBytes);
        String apiToken = HexFormat.of().formatHex(tokenBytes);
        Path users = work.resolve("users.properties");
        Files.writeString(users, "soak=" + PasswordHash.hash("soak-password".toCharArray()) + "\n");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        long started = System.nanoTime();
        try (ChildProcess server = ChildProcess.start(
                "arrowhttp",
                List.of(
                        java,
                        "-Xmx256m",
                        "-Darrowhttp.auth.allow-insecure-http=true",
                        "-Darrowhttp.auth.api-tokens=soak-job=" + apiToken,
                        "-jar",
                        serverJar.toString(),
                        "--port",
                        "0",
                        "--auth-users",
                        users.toString()),
                READY,
                work)) {
            int port = server.port();
            ExecutorService traffic = Executors.newCachedThreadPool();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            traffic.submit(() -> loop(deadline, () -> download(port, apiToken, -1, "full download")));
            traffic.submit(() -> loop(deadline, () -> download(port, apiToken, 1 << 20, "broken off after 1 MiB")));
            for (int stalled = 0; stalled < 4; stalled++) {
                traffic.submit(() -> loop(deadline, () -> stall(port, apiToken, deadline)));
            }
            traffic.submit(() -> loop(deadline, () -> malformed(port)));
            for (int guesser = 0; guesser < 8; guesser++) {
                int first = 10 + guesser * 16;
                traffic.submit(() -> loop(deadline, () -> guess(port, first)));
            }
            while (System.nanoTime() < deadline) {
                sampleStatus(port, apiToken);
                Thread.sleep(1000);
            }
            running = false;
            traffic.shutdown();
            traffic.awaitTermination(2, TimeUnit.MINUTES);
            traffic.shutdownNow();
            long allocated = awaitIdleAllocated(port, apiToken);
            String report = report(allocated, server.peakRssBytes(), (System.nanoTime() - started) / 1e9);
            System.out.println(report);
            if (output != null) {
                Files.writeString(output, report);
            }
            return statusErrors.get() == 0 && allocated == 0 ? 0 : 1;
        }
    }

    @FunctionalInterface
    private interface Step {
        void run() throws Exception;
    }

    private void loop(long deadline, Step step) {
        while (running && System.nanoTime() < deadline) {
            try {
                step.run();
            } catch (Exception e) {
                count("error: " + e.getClass().getSimpleName());
            }
        }
    }

    private void download(int port, String token, long stopAfter, String kind) throws IOException {
        HttpURLConnection connection = connect(URI.create("http://127.0.0.1:" + port + "/"), token);
        int status = connection.getResponseCode();
        try (InputStream in = status == 200 ? connection.getInputStream() : connection.getErrorStream()) {
            byte[] buffer = new byte[256 * 1024];
            long read = 0;
            for (int n = in.read(buffer); n > 0 && (stopAfter < 0 || read < stopAfter); n = in.read(buffer)) {
                read += n;
            }
        }
        if (stopAfter >= 0) {
            connection.disconnect();
        }
        count(kind + " " + status);
    }

    private void stall(int port, String token, long deadline) throws Exception {
        try (Socket socket = new Socket()) {
            socket.setReceiveBufferSize(4096);
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            socket.getOutputStream()
                    .write(("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token + "\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            count("stalled reader");
            // Longer than the server's write timeout (30 s): the server must end these itself.
            long hold = Math.min(TimeUnit.SECONDS.toNanos(40), deadline - System.nanoTime());
            if (hold > 0) {
                TimeUnit.NANOSECONDS.sleep(hold);
            }
        }
    }

    private void malformed(int port) throws Exception {
        String request = MALFORMED.get((int) (System.nanoTime() % MALFORMED.size()));
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            byte[] head = socket.getInputStream().readNBytes(12);
            String status = new String(head, StandardCharsets.ISO_8859_1)
                    .replaceAll("HTTP/1\\.[01] ", "")
                    .trim();
            count("malformed " + (status.isEmpty() ? "closed" : status));
        } catch (IOException closed) {
            count("malformed closed");
        }
        Thread.sleep(100);
    }

    /** Wrong passwords from 16 loopback addresses in turn, 5 a second. */
    private void guess(int port, int firstAddress) throws Exception {
        for (int i = 0; i < 16 && running; i++) {
            InetAddress from = InetAddress.getByName("127.0.0." + (firstAddress + i));
            try (Socket socket = new Socket()) {
                socket.bind(new InetSocketAddress(from, 0));
                socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
                socket.setSoTimeout(30_000);
                String basic = Base64.getEncoder()
                        .encodeToString(("soak:guess-" + System.nanoTime()).getBytes(StandardCharsets.UTF_8));
                socket.getOutputStream()
                        .write(("POST /auth/handshake HTTP/1.1\r\nHost: x\r\nAuthorization: Basic " + basic
                                        + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                                .getBytes(StandardCharsets.US_ASCII));
                String status = new String(socket.getInputStream().readNBytes(12), StandardCharsets.ISO_8859_1)
                        .replaceAll("HTTP/1\\.[01] ", "")
                        .trim();
                count("wrong password " + status);
            }
            Thread.sleep(200);
        }
    }

    private void sampleStatus(int port, String token) {
        long start = System.nanoTime();
        try {
            HttpURLConnection connection = connect(URI.create("http://127.0.0.1:" + port + "/status"), token);
            connection.setReadTimeout(10_000);
            try (InputStream in = connection.getInputStream()) {
                in.readAllBytes();
            }
            if (connection.getResponseCode() != 200) {
                statusErrors.incrementAndGet();
            }
        } catch (IOException e) {
            statusErrors.incrementAndGet();
        }
        synchronized (statusNanos) {
            statusNanos.add(System.nanoTime() - start);
        }
    }

    private long awaitIdleAllocated(int port, String token) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        String status = "";
        while (System.nanoTime() < deadline) {
            HttpURLConnection connection = connect(URI.create("http://127.0.0.1:" + port + "/status"), token);
            try (InputStream in = connection.getInputStream()) {
                status = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            if (status.contains("\"activeStreams\":0") && status.contains("\"allocatedBytes\":0,")) {
                return 0;
            }
            Thread.sleep(500);
        }
        return Long.parseLong(status.replaceAll(".*\"allocatedBytes\":(\\d+).*", "$1"));
    }

    private static HttpURLConnection connect(URI uri, String token) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) uri.toURL().openConnection();
        connection.setConnectTimeout(5_000);
        connection.setReadTimeout(60_000);
        connection.setRequestProperty("Authorization", "Bearer " + token);
        return connection;
    }

    private void count(String kind) {
        answers.computeIfAbsent(kind, key -> new AtomicLong()).incrementAndGet();
    }

    private String report(long allocated, long peakRss, double seconds) {
        List<Long> sorted;
        synchronized (statusNanos) {
            sorted = statusNanos.stream().sorted().toList();
        }
        StringBuilder out = new StringBuilder(String.format(
                Locale.ROOT,
                "Soak of %.0f s, %d cores, %s %s, server -Xmx256m, all on 127.0.0.1%n%n",
                seconds,
                Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.vm.name"),
                System.getProperty("java.version")));
        out.append("| /status samples | median ms | p99 ms | max ms | errors |\n| --- | --- | --- | --- | --- |\n");
        out.append(String.format(
                Locale.ROOT,
                "| %d | %.1f | %.1f | %.1f | %d |%n%n",
                sorted.size(),
                millis(sorted, 0.5),
                millis(sorted, 0.99),
                millis(sorted, 1.0),
                statusErrors.get()));
        out.append("| traffic | answer | count |\n| --- | --- | --- |\n");
        answers.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(entry -> {
            String key = entry.getKey();
            int split = key.lastIndexOf(' ');
            out.append("| ")
                    .append(split > 0 ? key.substring(0, split) : key)
                    .append(" | ")
                    .append(split > 0 ? key.substring(split + 1) : "")
                    .append(" | ")
                    .append(entry.getValue().get())
                    .append(" |\n");
        });
        out.append(String.format(Locale.ROOT, "%n- Arrow memory held after the traffic: %d bytes%n", allocated));
        out.append(String.format(Locale.ROOT, "- server peak RSS: %d MiB%n", peakRss >> 20));
        out.append(String.format(Locale.ROOT, "- /status errors: %d%n", statusErrors.get()));
        return out.toString();
    }

    private static double millis(List<Long> sorted, double quantile) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        int index = (int) Math.min(sorted.size() - 1, Math.ceil(quantile * sorted.size()) - 1);
        return sorted.get(Math.max(0, index)) / 1e6;
    }
}

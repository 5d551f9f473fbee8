package io.arrowhttp.benchmark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.arrowhttp.client.ArrowHttpClient;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The JavaScript client in Node.js against the Java client, on the example dataset from the
 * standalone server over loopback: the multipart response and the bare stream through the client,
 * and apache-arrow's own reader on the bare stream (what the client adds: the multipart reader and
 * the checks of how the stream ends). Each Node run is a process of its own
 * ({@code api/web/client/bench/fetch.mjs}), timed from its request to its last batch.
 */
@Command(
        name = "js",
        mixinStandardHelpOptions = true,
        description = "Measures the JavaScript client in Node.js against the Java client and apache-arrow alone.")
final class JavaScriptBenchmark implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(
            names = "--rows",
            defaultValue = "10000000",
            description = "Rows of the example dataset (default ${DEFAULT-VALUE}).")
    long rows;

    @Mixin
    RunsAndReport run;

    @Option(names = "--script", defaultValue = "api/web/client/bench/fetch.mjs", description = "The Node.js side.")
    Path script;

    @Option(names = "--work", defaultValue = "benchmark/target/js", description = "Where the logs go.")
    Path work;

    @Override
    public Integer call() throws Exception {
        Files.createDirectories(work);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        StringBuilder report = new StringBuilder();
        try (ChildProcess ours = ChildProcess.start(
                "arrowhttp-js",
                List.of(java, "-Xmx256m", "-jar", run.serverJar.toString(), "--port", "0"),
                Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)/"),
                work)) {
            URI base = URI.create("http://127.0.0.1:" + ours.port() + "/");
            URI dataset = base.resolve("datasets/tickers?rows=" + rows);
            Map<String, AlternatingRounds.Case> cases = new LinkedHashMap<>();
            Map<String, List<AlternatingRounds.Run>> results;
            try (ArrowHttpClient client = ArrowHttpClient.builder(base)
                    .readTimeout(Duration.ofMinutes(5))
                    .build()) {
                cases.put("arrowhttp | multipart | Java client", () -> Clients.decode(client, dataset));
                cases.put("arrowhttp | multipart | JS client, Node", () -> node(dataset, "multipart"));
                cases.put("arrowhttp | bare stream | JS client, Node", () -> node(dataset, "stream"));
                cases.put("arrowhttp | bare stream | apache-arrow reader alone, Node", () -> node(dataset, "arrow"));
                results = AlternatingRounds.run(cases, run.warmup, run.runs, ours);
            }
            Map<String, List<AlternatingRounds.Run>> ordered = new LinkedHashMap<>();
            cases.keySet().forEach(name -> ordered.put(name, results.get(name)));
            report.append(String.format(
                    Locale.ROOT,
                    "Example dataset, %,d rows, over loopback; every client decodes every batch.%n%n",
                    rows));
            RowsTable.transfers(report, "response", ordered);
            report.append('\n');
            RowsTable.ratio(
                    report,
                    ordered,
                    "JS client, multipart / Java client, multipart (rows/s)",
                    "arrowhttp | multipart | JS client, Node",
                    "arrowhttp | multipart | Java client",
                    true);
            RowsTable.ratio(
                    report,
                    ordered,
                    "JS client, bare stream / apache-arrow reader alone (rows/s)",
                    "arrowhttp | bare stream | JS client, Node",
                    "arrowhttp | bare stream | apache-arrow reader alone, Node",
                    true);
            RowsTable.ratio(
                    report,
                    ordered,
                    "JS client, multipart / JS client, bare stream (rows/s)",
                    "arrowhttp | multipart | JS client, Node",
                    "arrowhttp | bare stream | JS client, Node",
                    true);
            report.append(String.format(
                    Locale.ROOT, "%nPeak RSS of the server (-Xmx256m): %d MiB%n", ours.peakRssBytes() >> 20));
        }
        String table = report.toString();
        System.out.println(table);
        run.write(table);
        return 0;
    }

    /** One run of the Node side; its JSON line as a transfer. */
    private Clients.Transfer node(URI dataset, String how) throws IOException, InterruptedException {
        Process process = new ProcessBuilder("node", script.toString(), dataset.toString(), how)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        String out;
        try {
            out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        } finally {
            if (!process.waitFor(5, TimeUnit.MINUTES)) {
                process.destroyForcibly();
            }
        }
        if (process.exitValue() != 0) {
            throw new IOException("node " + script + " " + how + " failed: " + out);
        }
        JsonNode result = JSON.readTree(out.substring(out.lastIndexOf('\n') + 1));
        if (result.get("rows").asLong() != rows) {
            throw new IOException("node " + how + " read " + result.get("rows") + " rows of " + rows);
        }
        return new Clients.Transfer(
                result.get("bytes").asLong(),
                result.get("rows").asLong(),
                result.get("nanos").asLong(),
                result.get("firstBatchNanos").asLong());
    }
}

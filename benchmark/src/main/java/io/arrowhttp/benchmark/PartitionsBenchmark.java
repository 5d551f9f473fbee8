package io.arrowhttp.benchmark;

import io.arrowhttp.client.ArrowHttpClient;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * One stream against partitions fetched at once, from one server and from a group of servers,
 * each server with an uplink of its own limited rate: the case a group is for, where one server
 * cannot fill the client's path. The harness makes two network namespaces joined by a veth pair
 * whose server end shapes what each server's port sends ({@code tc htb}), starts the members of a
 * group in the server's namespace, and runs itself again in the client's, which uploads the same
 * parts to every member and then alternates the cases. Needs root and iproute2, as the
 * compression benchmark's links do.
 */
@Command(
        name = "partitions",
        description =
                "One stream against partitions at once, from one server and from a group of rate-limited servers.")
final class PartitionsBenchmark implements Callable<Integer> {

    @Option(names = "--rows", defaultValue = "8000000", description = "Rows of the dataset (default ${DEFAULT-VALUE}).")
    long rows;

    @Option(names = "--parts", defaultValue = "6", description = "Parts, hence partitions (default ${DEFAULT-VALUE}).")
    int parts;

    @Option(names = "--members", defaultValue = "3", description = "Servers of the group (default ${DEFAULT-VALUE}).")
    int members;

    @Option(
            names = "--member-rate",
            defaultValue = "1gbit",
            description = "What each server may send, tc's syntax (default ${DEFAULT-VALUE}; none for no limit).")
    String memberRate;

    @Mixin
    RunsAndReport run;

    @Option(names = "--work", defaultValue = "benchmark/target/partitions", description = "Where logs go.")
    Path work;

    @Option(names = "--member-urls", description = "Client side only: the members, as the harness started them.")
    String memberUrls;

    @Option(names = "--server-pids", description = "Client side only: the members' process ids, for their CPU.")
    String serverPids;

    private static final String ONE = "arrowhttp | GET of the whole, one stream | Java client, decoding";
    private static final String ONE_SERVER =
            "arrowhttp | GET of the %d partitions at once from one server" + " | Java client, decoding";
    private static final String GROUP = "arrowhttp | GET of the %d partitions at once from %d servers"
            + " | Java client fetchPartitions as batches arrive, decoding";
    private static final int FIRST_PORT = 8101;

    @Override
    public Integer call() throws Exception {
        return memberUrls == null ? harness() : client();
    }

    private Integer harness() throws Exception {
        Path folder = Files.createDirectories(work.toAbsolutePath());
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> urls = new ArrayList<>();
        for (int member = 0; member < members; member++) {
            urls.add("http://" + LinkNamespaces.SERVER_ADDRESS + ":" + (FIRST_PORT + member) + "/");
        }
        LinkNamespaces made;
        try {
            made = LinkNamespaces.create();
        } catch (IOException cannot) {
            String skipped = "Partitions benchmark skipped: network namespaces cannot be made on this machine ("
                    + cannot.getMessage() + ")\n";
            System.out.println(skipped);
            run.write(skipped);
            return 0;
        }
        try (LinkNamespaces link = made) {
            if (!memberRate.equals("none")) {
                List<Integer> ports = new ArrayList<>();
                for (int member = 0; member < members; member++) {
                    ports.add(FIRST_PORT + member);
                }
                link.limitEachPort(ports, memberRate);
            }
            List<ChildProcess> started = new ArrayList<>();
            try {
                for (int member = 0; member < members; member++) {
                    Path home = Files.createDirectories(folder.resolve("member-" + member));
                    Path catalog = Files.writeString(
                            home.resolve("catalog.yaml"),
                            "uploads:\n  directory: " + home.resolve("uploads") + "\n  writable: true\n");
                    started.add(ChildProcess.start(
                            "arrowhttp-member-" + member,
                            link.inServer(List.of(
                                    java,
                                    "-Xmx256m",
                                    "-jar",
                                    run.serverJar.toAbsolutePath().toString(),
                                    "--host",
                                    LinkNamespaces.SERVER_ADDRESS,
                                    "--port",
                                    Integer.toString(FIRST_PORT + member),
                                    "--config",
                                    catalog.toString())),
                            Map.of("ARROWHTTP_GROUP", String.join(",", urls)),
                            Pattern.compile(
                                    "listening on http://" + Pattern.quote(LinkNamespaces.SERVER_ADDRESS) + ":(\\d+)/"),
                            folder));
                }
                Path table = folder.resolve("results.md");
                Files.deleteIfExists(table);
                runClient(link, java, urls, started, table);
                String results = Files.readString(table)
                        + String.format(
                                Locale.ROOT,
                                "%nPeak RSS of the servers (-Xmx256m): %s MiB%n",
                                String.join(
                                        ", ",
                                        started.stream()
                                                .map(member -> Long.toString(member.peakRssBytes() >> 20))
                                                .toList()));
                System.out.println(results);
                run.write(results);
            } finally {
                for (ChildProcess member : started) {
                    member.close();
                }
            }
        }
        return 0;
    }

    private void runClient(LinkNamespaces link, String java, List<String> urls, List<ChildProcess> servers, Path table)
            throws IOException, InterruptedException {
        List<String> command = link.inClient(List.of(
                java,
                "-Xmx1g",
                "--add-opens=java.base/java.nio=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path"),
                Benchmark.class.getName(),
                "partitions",
                "--member-urls",
                String.join(",", urls),
                "--server-pids",
                String.join(
                        ",",
                        servers.stream()
                                .map(server -> Long.toString(server.pid()))
                                .toList()),
                "--member-rate",
                memberRate,
                "--rows",
                Long.toString(rows),
                "--parts",
                Integer.toString(parts),
                "--runs",
                Integer.toString(run.runs),
                "--warmup",
                Integer.toString(run.warmup),
                "--output",
                table.toString()));
        Path log = work.toAbsolutePath().resolve("client.log");
        Process client = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        if (!client.waitFor(60, TimeUnit.MINUTES)) {
            client.destroyForcibly();
            throw new IOException("The client did not finish in 60 minutes; see " + log);
        }
        if (client.exitValue() != 0 || !Files.exists(table)) {
            throw new IOException("The client failed; see " + log);
        }
    }

    /** In the client's namespace: the same parts on every member, then the cases in turn. */
    private Integer client() throws Exception {
        List<URI> bases = Arrays.stream(memberUrls.split(",")).map(URI::create).toList();
        List<Long> pids =
                Arrays.stream(serverPids.split(",")).map(Long::parseLong).toList();
        List<ArrowHttpClient> clients = new ArrayList<>();
        ExecutorService threads = Executors.newFixedThreadPool(parts);
        try {
            for (URI base : bases) {
                ArrowHttpClient client = ArrowHttpClient.builder(base)
                        .readTimeout(Duration.ofMinutes(5))
                        .build();
                clients.add(client);
                Clients.uploadInParts(client, "trades", rows, parts);
            }
            ArrowHttpClient first = clients.get(0);
            URI whole = bases.get(0).resolve("datasets/trades");
            List<URI> onOneServer = new ArrayList<>();
            for (int part = 0; part < parts; part++) {
                onOneServer.add(bases.get(0).resolve("datasets/trades?partition=" + part));
            }
            String oneServer = String.format(Locale.ROOT, ONE_SERVER, parts);
            String group = String.format(Locale.ROOT, GROUP, parts, bases.size());
            Map<String, AlternatingRounds.Case> cases = new LinkedHashMap<>();
            cases.put(ONE, () -> Clients.decode(first, whole));
            cases.put(oneServer, () -> decodeAtOnce(first, onOneServer, threads));
            cases.put(group, () -> Clients.decodePartitions(first, "trades", parts, false));
            Map<String, List<AlternatingRounds.Run>> results = AlternatingRounds.run(
                    cases,
                    run.warmup,
                    run.runs,
                    () -> pids.stream().mapToLong(ChildProcess::cpuNanos).sum());
            StringBuilder out = new StringBuilder(String.format(
                    Locale.ROOT,
                    "Partitions benchmark of %s: %d rows of the example dataset in %d parts, on %d servers of a"
                            + " group, each sending at most %s (a veth link between two network namespaces, tc htb);"
                            + " %d cores, %s%n%n",
                    LocalDate.now(),
                    rows,
                    parts,
                    bases.size(),
                    memberRate,
                    Runtime.getRuntime().availableProcessors(),
                    System.getProperty("java.vm.name") + " " + System.getProperty("java.version")));
            RowsTable.transfers(out, "transfer", results);
            out.append("\nRatios (medians of rows/s); server CPU is the members' together:\n\n");
            RowsTable.ratio(out, results, "partitions at once from one server / one stream", oneServer, ONE, true);
            RowsTable.ratio(out, results, "partitions at once from the group / one stream", group, ONE, true);
            System.out.println(out);
            run.write(out);
            return 0;
        } finally {
            threads.shutdownNow();
            for (ArrowHttpClient client : clients) {
                client.close();
            }
        }
    }

    /** Every location decoded at once, one thread each: what moved together, in the wall time of all. */
    private static Clients.Transfer decodeAtOnce(ArrowHttpClient client, List<URI> locations, ExecutorService threads)
            throws Exception {
        long start = System.nanoTime();
        List<Future<Clients.Transfer>> running = new ArrayList<>();
        for (URI location : locations) {
            running.add(threads.submit(() -> Clients.decode(client, location)));
        }
        long bytes = 0;
        long rows = 0;
        long first = Long.MAX_VALUE;
        for (Future<Clients.Transfer> transfer : running) {
            Clients.Transfer done = transfer.get();
            bytes += done.bytes();
            rows += done.rows();
            first = Math.min(first, done.firstBatchNanos());
        }
        return new Clients.Transfer(bytes, rows, System.nanoTime() - start, first);
    }
}

package io.arrowhttp.benchmark;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Two network namespaces the harness makes for itself, joined by a veth pair whose server end is
 * shaped with {@code tc tbf}: a slow link between a server and a client on one machine. The
 * addresses are private to the two namespaces; {@link #close()} deletes both, which removes the
 * pair and the shaping with them. Needs root and iproute2.
 */
final class LinkNamespaces implements AutoCloseable {

    static final String SERVER_ADDRESS = "10.213.77.1";
    static final String CLIENT_ADDRESS = "10.213.77.2";

    private final String server;
    private final String client;
    private final List<String> created = new ArrayList<>();

    private LinkNamespaces(String suffix) {
        this.server = "arrowhttp-bench-s" + suffix;
        this.client = "arrowhttp-bench-c" + suffix;
    }

    /**
     * Makes the namespaces and the pair, unshaped.
     *
     * @throws IOException with the tool's own words when they cannot be made here
     */
    static LinkNamespaces create() throws IOException {
        LinkNamespaces link =
                new LinkNamespaces(Long.toString(ProcessHandle.current().pid()));
        try {
            link.setUp();
            return link;
        } catch (IOException | RuntimeException e) {
            link.close();
            throw e;
        }
    }

    private void setUp() throws IOException {
        ip("netns", "add", server);
        created.add(server);
        ip("netns", "add", client);
        created.add(client);
        ip("link", "add", "ahb-s", "netns", server, "type", "veth", "peer", "name", "ahb-c", "netns", client);
        ip("-n", server, "addr", "add", SERVER_ADDRESS + "/30", "dev", "ahb-s");
        ip("-n", client, "addr", "add", CLIENT_ADDRESS + "/30", "dev", "ahb-c");
        for (String namespace : List.of(server, client)) {
            ip("-n", namespace, "link", "set", "lo", "up");
        }
        ip("-n", server, "link", "set", "ahb-s", "up");
        ip("-n", client, "link", "set", "ahb-c", "up");
    }

    /** Shapes what the server sends to {@code rate} (tc's syntax: 1gbit, 100mbit). */
    void shape(String rate) throws IOException {
        run(List.of(
                "ip", "netns", "exec", server, "tc", "qdisc", "replace", "dev", "ahb-s", "root", "tbf", "rate", rate,
                "burst", "1mbit", "latency", "50ms"));
    }

    /**
     * Shapes what each of {@code ports} sends to {@code rate} on its own (tc's syntax: 1gbit), as if
     * each server on the server's side had an uplink of that rate; other traffic is not held back.
     * {@code tc htb} with one class per port, chosen by the source port.
     */
    void limitEachPort(List<Integer> ports, String rate) throws IOException {
        tc("qdisc", "replace", "dev", "ahb-s", "root", "handle", "1:", "htb", "default", "99", "r2q", "1000");
        tc("class", "add", "dev", "ahb-s", "parent", "1:", "classid", "1:99", "htb", "rate", "100gbit");
        for (int i = 0; i < ports.size(); i++) {
            String classId = "1:" + (10 + i);
            tc("class", "add", "dev", "ahb-s", "parent", "1:", "classid", classId, "htb", "rate", rate, "ceil", rate);
            tc(
                    "filter",
                    "add",
                    "dev",
                    "ahb-s",
                    "protocol",
                    "ip",
                    "parent",
                    "1:",
                    "prio",
                    "1",
                    "u32",
                    "match",
                    "ip",
                    "sport",
                    Integer.toString(ports.get(i)),
                    "0xffff",
                    "flowid",
                    classId);
        }
    }

    private void tc(String... arguments) throws IOException {
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", server, "tc"));
        command.addAll(List.of(arguments));
        run(command);
    }

    /** {@code command} to run in the server's namespace. */
    List<String> inServer(List<String> command) {
        return within(server, command);
    }

    /** {@code command} to run in the client's namespace. */
    List<String> inClient(List<String> command) {
        return within(client, command);
    }

    private static List<String> within(String namespace, List<String> command) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
        full.addAll(command);
        return full;
    }

    @Override
    public void close() {
        for (String namespace : created) {
            try {
                ip("netns", "del", namespace);
            } catch (IOException | RuntimeException e) {
                System.err.println("Could not delete network namespace " + namespace + ": " + e.getMessage());
            }
        }
        created.clear();
    }

    private static void ip(String... arguments) throws IOException {
        List<String> command = new ArrayList<>(List.of("ip"));
        command.addAll(List.of(arguments));
        run(command);
    }

    private static void run(List<String> command) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException(String.join(" ", command) + " did not finish in 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IOException("Interrupted while running " + String.join(" ", command), e);
        }
        if (process.exitValue() != 0) {
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            throw new IOException(String.join(" ", command) + " failed: " + output);
        }
    }
}

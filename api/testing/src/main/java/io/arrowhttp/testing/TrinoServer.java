package io.arrowhttp.testing;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A Trino 476 server (coordinator that also works) on 127.0.0.1 and a free port, with the
 * {@code tpch} connector as its only catalog, run by Trino's own launcher on the Java 25 Trino
 * needs; stopped by {@link #close()}. Its installation is unpacked from the archive Maven resolves
 * ({@code trino.archive}); its configuration and data go to a temporary folder. Public for the
 * benchmark harness, which measures a Trino dataset against Trino's own driver.
 */
public final class TrinoServer implements AutoCloseable {

    /** The user the tests and the benchmark connect as; the server checks no password. */
    public static final String USER = "arrowhttp";

    private final Process process;
    private final Path folder;
    private final int port;

    private TrinoServer(Process process, Path folder, int port) {
        this.process = process;
        this.folder = folder;
        this.port = port;
    }

    /** Starts Trino from the archive and folder Maven's test configuration names. */
    public static TrinoServer start() throws IOException, InterruptedException {
        return start(
                Path.of(System.getProperty("trino.archive", "")),
                Path.of(System.getProperty("trino.dir", "target/trino")));
    }

    /**
     * Starts Trino from {@code archive} ({@code io.trino:trino-server:476:tar.gz}), unpacked once
     * into {@code unpackInto}, and waits, at most three minutes, until it runs queries.
     */
    public static TrinoServer start(Path archive, Path unpackInto) throws IOException, InterruptedException {
        Path home = unpack(archive, unpackInto);
        Path java = Path.of(System.getProperty("trino.java.home", "/usr/lib/jvm/temurin-25-jdk-amd64"));
        if (!Files.isExecutable(java.resolve("bin/java"))) {
            throw new IllegalStateException("Trino needs Java 25 at " + java);
        }
        Path folder = Files.createTempDirectory("arrowhttp-trino");
        Path etc = Files.createDirectories(folder.resolve("etc/catalog"));
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        write(
                folder.resolve("etc/node.properties"),
                "node.environment=test",
                "node.id=arrowhttp-test",
                "node.data-dir=" + folder.resolve("data"),
                "node.bind-ip=127.0.0.1",
                "node.internal-address=127.0.0.1");
        write(
                folder.resolve("etc/jvm.config"),
                "-server",
                "-Xmx2G",
                "-XX:+UseG1GC",
                "-XX:+ExitOnOutOfMemoryError",
                "-Djdk.attach.allowAttachSelf=true",
                "-XX:+EnableDynamicAgentLoading");
        write(
                folder.resolve("etc/config.properties"),
                "coordinator=true",
                "node-scheduler.include-coordinator=true",
                "http-server.http.port=" + port,
                "discovery.uri=http://127.0.0.1:" + port,
                "query.max-memory=1GB",
                "query.max-memory-per-node=1GB");
        write(etc.resolve("tpch.properties"), "connector.name=tpch");
        Path log = folder.resolve("trino.log");
        ProcessBuilder builder = new ProcessBuilder(
                        home.resolve("bin/launcher").toString(),
                        "--etc-dir=" + folder.resolve("etc"),
                        "--data-dir=" + folder.resolve("data"),
                        "run")
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().put("JAVA_HOME", java.toString());
        builder.environment().put("PATH", java.resolve("bin") + ":" + System.getenv("PATH"));
        TrinoServer trino = new TrinoServer(builder.start(), folder, port);
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (System.nanoTime() < deadline && trino.process.isAlive()) {
            if (trino.ready()) {
                return trino;
            }
            Thread.sleep(500);
        }
        String output = Files.readString(log);
        trino.close();
        throw new IllegalStateException("Trino did not start:\n" + output);
    }

    /**
     * Trino's libraries, launcher and tpch connector, unpacked once per build folder with tar,
     * which keeps the archive's hard links (the connector's jars are links to the libraries').
     */
    private static Path unpack(Path archive, Path into) throws IOException, InterruptedException {
        Path home = into.resolve("trino-server-476");
        Path done = into.resolve("unpacked");
        if (Files.exists(done)) {
            return home;
        }
        if (!Files.isRegularFile(archive)) {
            throw new IllegalStateException("Trino's archive is not at '" + archive + "': let Maven download it,"
                    + " with 'mvn dependency:get -Dartifact=io.trino:trino-server:476:tar.gz' or by running the tests");
        }
        Files.createDirectories(into);
        Process tar = new ProcessBuilder(
                        "tar",
                        "-xzf",
                        archive.toString(),
                        "-C",
                        into.toString(),
                        "trino-server-476/lib",
                        "trino-server-476/bin",
                        "trino-server-476/plugin/tpch")
                .redirectErrorStream(true)
                .start();
        String output = new String(tar.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!tar.waitFor(5, TimeUnit.MINUTES) || tar.exitValue() != 0) {
            throw new IOException("Unpacking Trino failed: " + output);
        }
        Files.createFile(done);
        return home;
    }

    /** Whether the coordinator says it has finished starting. */
    private boolean ready() {
        try {
            HttpURLConnection connection = (HttpURLConnection)
                    URI.create("http://127.0.0.1:" + port + "/v1/info").toURL().openConnection();
            connection.setConnectTimeout(1_000);
            connection.setReadTimeout(1_000);
            if (connection.getResponseCode() != 200) {
                return false;
            }
            String info = new String(connection.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return info.replace(" ", "").contains("\"starting\":false");
        } catch (IOException notYet) {
            return false;
        }
    }

    /** The URL of Trino's JDBC driver for {@code catalogAndSchema}, such as {@code tpch/sf1}. */
    public String jdbcUrl(String catalogAndSchema) {
        return "jdbc:trino://127.0.0.1:" + port + "/" + catalogAndSchema;
    }

    private static void write(Path file, String... lines) throws IOException {
        Files.write(file, List.of(lines), StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        List<ProcessHandle> children = process.descendants().toList();
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        // The launcher runs the server in its own process; make sure it went with it.
        children.forEach(ProcessHandle::destroyForcibly);
        try (Stream<Path> files = Files.walk(folder)) {
            files.sorted(Comparator.reverseOrder())
                    .forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // A temporary folder; the system cleans it.
        }
    }
}

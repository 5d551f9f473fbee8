package io.arrowhttp.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A throwaway PostgreSQL cluster from Debian's {@code postgresql} package: {@code initdb} in a
 * temporary folder, {@code pg_ctl} on 127.0.0.1 and a free port, password authentication, stopped
 * and deleted by {@link #close()}. PostgreSQL refuses to run as root, so as root (as in CI) its
 * commands run as the {@code postgres} user.
 */
public final class PostgresCluster implements AutoCloseable {

    public static final String USER = "arrowhttp";

    private final Path folder;
    private final Path bin;
    private final int port;
    private final String password = UUID.randomUUID().toString();
    private final boolean asPostgresUser;

    private PostgresCluster(Path folder, Path bin, int port, boolean asPostgresUser) {
        this.folder = folder;
        this.bin = bin;
        this.port = port;
        this.asPostgresUser = asPostgresUser;
    }

    /** Creates and starts a cluster; fails, saying what to install, when PostgreSQL is absent. */
    public static PostgresCluster start() throws IOException, InterruptedException {
        Path bin = binaries();
        boolean root = "root".equals(System.getProperty("user.name"));
        Path folder = Files.createTempDirectory("arrowhttp-postgres");
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        PostgresCluster cluster = new PostgresCluster(folder, bin, port, root);
        Path passwordFile = Files.writeString(folder.resolve("password"), cluster.password, StandardCharsets.UTF_8);
        if (root) {
            cluster.run(List.of("chown", "-R", "postgres:postgres", folder.toString()), false);
        }
        cluster.run(
                List.of(
                        bin.resolve("initdb").toString(),
                        "-D",
                        folder.resolve("data").toString(),
                        "-U",
                        USER,
                        "--auth=scram-sha-256",
                        "--pwfile=" + passwordFile,
                        "-E",
                        "UTF8",
                        "--locale=C"),
                true);
        cluster.run(
                List.of(
                        bin.resolve("pg_ctl").toString(),
                        "-D",
                        folder.resolve("data").toString(),
                        "-l",
                        folder.resolve("postgres.log").toString(),
                        "-w",
                        "-t",
                        "60",
                        "-o",
                        "-p " + port + " -c listen_addresses=127.0.0.1 -k " + folder
                                + " -c fsync=off -c timezone=UTC -c max_connections=50",
                        "start"),
                true);
        return cluster;
    }

    private static Path binaries() {
        try (Stream<Path> versions = Files.list(Path.of("/usr/lib/postgresql"))) {
            return versions.map(version -> version.resolve("bin"))
                    .filter(candidate -> Files.isExecutable(candidate.resolve("pg_ctl")))
                    .max(Comparator.naturalOrder())
                    .orElseThrow();
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException(
                    "PostgreSQL's server is not installed: apt-get install postgresql (.ci/run does)", e);
        }
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    public String password() {
        return password;
    }

    public int port() {
        return port;
    }

    /** What {@code psql -At} prints for {@code sql} on database {@code postgres}, line by line. */
    public List<String> psql(String sql) throws IOException, InterruptedException {
        Path output = Files.createTempFile("psql", ".txt");
        try {
            ProcessBuilder builder = new ProcessBuilder(
                            bin.resolve("psql").toString(),
                            "-X",
                            "-At",
                            "-v",
                            "ON_ERROR_STOP=1",
                            "-h",
                            "127.0.0.1",
                            "-p",
                            Integer.toString(port),
                            "-U",
                            USER,
                            "-d",
                            "postgres",
                            "-c",
                            sql)
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile());
            builder.environment().put("PGPASSWORD", password);
            builder.environment().put("PGTZ", "UTC");
            Process process = builder.start();
            if (!process.waitFor(5, TimeUnit.MINUTES) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IOException("psql failed on " + sql + ": " + Files.readString(output));
            }
            return Files.readAllLines(output, StandardCharsets.UTF_8);
        } finally {
            Files.deleteIfExists(output);
        }
    }

    /** Stops the server, waiting for it: later connections are refused. */
    public void stop() throws IOException, InterruptedException {
        run(
                List.of(
                        bin.resolve("pg_ctl").toString(),
                        "-D",
                        folder.resolve("data").toString(),
                        "-m",
                        "immediate",
                        "-w",
                        "stop"),
                true);
    }

    @Override
    public void close() {
        try {
            if (Files.exists(folder.resolve("data/postmaster.pid"))) {
                stop();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            deleteQuietly(folder);
        }
    }

    private void run(List<String> command, boolean asPostgres) throws IOException, InterruptedException {
        List<String> full = new ArrayList<>();
        if (asPostgres && asPostgresUser) {
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        full.addAll(command);
        Path log = Files.createTempFile("postgres-command", ".log");
        Process process = new ProcessBuilder(full)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        boolean ended = process.waitFor(2, TimeUnit.MINUTES);
        String output = Files.readString(log);
        Files.deleteIfExists(log);
        if (!ended || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IOException(String.join(" ", full) + " failed: " + output);
        }
    }

    private static void deleteQuietly(Path folder) {
        try (Stream<Path> files = Files.walk(folder)) {
            files.sorted(Comparator.reverseOrder())
                    .forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // A temporary folder; the system cleans it.
        }
    }
}

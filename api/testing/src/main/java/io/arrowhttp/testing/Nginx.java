package io.arrowhttp.testing;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A real nginx (Debian's, installed by {@code .ci/run}) on 127.0.0.1 and a free port, in one of
 * two roles:
 *
 * <ul>
 *   <li>a proxy in front of test servers ({@link #start}, {@link #balancing}): under CI a missing
 *       nginx fails the test; elsewhere the test is skipped with a message;
 *   <li>a static server of one file at {@code /body} with sendfile ({@link #serving}): the most a
 *       server can send on this machine, the ceiling the benchmarks compare with.
 * </ul>
 *
 * <h2>Ownership</h2>
 * The caller owns the instance: {@link #close()} stops nginx and, for a proxy, deletes the
 * temporary folder it ran in. A static server runs in a folder the caller gives and keeps.
 */
public final class Nginx implements AutoCloseable {

    private static final Path BINARY = Path.of("/usr/sbin/nginx");

    private final Process process;
    private final Path root;
    private final boolean temporary;
    private final int port;

    private Nginx(Process process, Path root, boolean temporary, int port) {
        this.process = process;
        this.root = root;
        this.temporary = temporary;
        this.port = port;
    }

    /** Whether Debian's nginx is installed here. */
    public static boolean installed() {
        return Files.isExecutable(BINARY);
    }

    /**
     * Starts nginx proxying every path to {@code upstreamPort} with nginx's default proxy settings:
     * HTTP/1.0 to the upstream, buffering on. Waits until it listens.
     */
    public static Nginx start(int upstreamPort) throws IOException, InterruptedException {
        return proxy("", "    location / { proxy_pass http://127.0.0.1:" + upstreamPort + "; }");
    }

    /**
     * Starts nginx balancing requests over servers on {@code upstreamPorts} in turn, set up for
     * streams as docs/deployment.md says: HTTP/1.1 to the servers with kept-alive connections, no
     * buffering either way, long read timeouts.
     */
    public static Nginx balancing(List<Integer> upstreamPorts) throws IOException, InterruptedException {
        StringBuilder upstream = new StringBuilder("  upstream members {\n");
        for (int port : upstreamPorts) {
            upstream.append("    server 127.0.0.1:").append(port).append(";\n");
        }
        upstream.append("    keepalive 8;\n  }");
        return proxy(
                upstream.toString(),
                String.join(
                        "\n",
                        "    location / {",
                        "      proxy_pass http://members;",
                        "      proxy_http_version 1.1;",
                        "      proxy_set_header Connection \"\";",
                        "      proxy_set_header Host $host:$server_port;",
                        "      proxy_buffering off;",
                        "      proxy_request_buffering off;",
                        "      proxy_read_timeout 300s;",
                        "      proxy_send_timeout 300s;",
                        "    }"));
    }

    private static Nginx proxy(String upstream, String location) throws IOException, InterruptedException {
        if (!installed()) {
            if ("true".equals(System.getenv("CI"))) {
                throw new IllegalStateException("nginx is missing: .ci/run installs Debian's nginx package");
            }
            Assumptions.abort("nginx is not installed (apt-get install nginx); skipping the proxy test");
        }
        return launch(Files.createTempDirectory("arrowhttp-nginx"), true, "1", 64, "", upstream, location, null);
    }

    /**
     * Starts nginx serving {@code body} at {@code /body} as {@code contentType}, with sendfile and
     * as many workers as cores; waits until it answers {@code HEAD /body}. The body is moved into
     * {@code folder}, which holds nginx's configuration and logs and is left in place by
     * {@link #close()}. Check {@link #installed()} first.
     */
    public static Nginx serving(Path folder, Path body, String contentType) throws IOException, InterruptedException {
        if (!installed()) {
            throw new IOException("nginx is not installed (apt-get install nginx)");
        }
        Path root = Files.createDirectories(folder.toAbsolutePath());
        if (!body.toAbsolutePath().equals(root.resolve("body"))) {
            Files.move(body, root.resolve("body"), StandardCopyOption.REPLACE_EXISTING);
        }
        return launch(
                root,
                false,
                "auto",
                256,
                String.join("\n", "  sendfile on;", "  tcp_nopush on;"),
                "",
                "    location = /body { root " + root + "; types { } default_type \"" + contentType + "\"; }",
                "/body");
    }

    /**
     * Writes the configuration into {@code root}, starts nginx and waits, at most 20 s, until it
     * listens, or, given {@code readyPath}, until it answers {@code HEAD readyPath} with 200.
     */
    private static Nginx launch(
            Path root,
            boolean temporary,
            String workers,
            int connections,
            String http,
            String upstream,
            String location,
            String readyPath)
            throws IOException, InterruptedException {
        Path temp = Files.createDirectories(root.resolve("temp"));
        // nginx's workers may run as another user than the test: they must write buffered bodies.
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwxrwxrwx"));
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        Files.writeString(
                root.resolve("nginx.conf"),
                String.join(
                        "\n",
                        "daemon off;",
                        "worker_processes " + workers + ";",
                        "pid " + root.resolve("nginx.pid") + ";",
                        "error_log " + root.resolve("error.log") + " warn;",
                        "events { worker_connections " + connections + "; }",
                        "http {",
                        "  access_log off;",
                        http,
                        "  client_body_temp_path " + temp + ";",
                        "  proxy_temp_path " + temp + ";",
                        "  fastcgi_temp_path " + temp + ";",
                        "  uwsgi_temp_path " + temp + ";",
                        "  scgi_temp_path " + temp + ";",
                        upstream,
                        "  server {",
                        "    listen 127.0.0.1:" + port + ";",
                        location,
                        "  }",
                        "}",
                        ""));
        Process process = new ProcessBuilder(
                        BINARY.toString(),
                        "-p",
                        root.toString(),
                        "-c",
                        root.resolve("nginx.conf").toString())
                .redirectErrorStream(true)
                .redirectOutput(root.resolve("nginx.log").toFile())
                .start();
        Nginx nginx = new Nginx(process, root, temporary, port);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            if (nginx.answers(readyPath)) {
                return nginx;
            }
            if (!process.isAlive()) {
                break;
            }
            Thread.sleep(100);
        }
        String log = Files.readString(root.resolve("nginx.log"));
        nginx.close();
        throw new IOException("nginx did not start: " + log);
    }

    /** Whether nginx accepts a connection, or, given {@code path}, answers {@code HEAD path} with 200. */
    private boolean answers(String path) {
        if (path == null) {
            try (Socket probe = new Socket()) {
                probe.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return true;
            } catch (IOException notYet) {
                return false;
            }
        }
        try {
            HttpURLConnection connection = (HttpURLConnection)
                    URI.create("http://127.0.0.1:" + port + path).toURL().openConnection();
            connection.setRequestMethod("HEAD");
            connection.setConnectTimeout(500);
            connection.setReadTimeout(2_000);
            return connection.getResponseCode() == 200;
        } catch (IOException notYet) {
            return false;
        }
    }

    public int port() {
        return port;
    }

    /**
     * The nginx master process, for measuring it and its workers; still owned by this instance,
     * which stops it on {@link #close()}.
     */
    public Process process() {
        return process;
    }

    /** nginx's standard output and error, in its folder. */
    public Path log() {
        return root.resolve("nginx.log");
    }

    @Override
    public void close() throws IOException {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        if (!temporary) {
            return;
        }
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        }
    }
}

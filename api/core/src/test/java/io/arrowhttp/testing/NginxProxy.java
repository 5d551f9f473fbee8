package io.arrowhttp.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A real nginx (Debian's, installed by {@code .ci/run}) in front of a test server on 127.0.0.1,
 * with nginx's default proxy settings: HTTP/1.0 to the upstream, buffering on. Under CI a missing
 * nginx fails the test; elsewhere the test is skipped with a message.
 */
public final class NginxProxy implements AutoCloseable {

    private static final Path BINARY = Path.of("/usr/sbin/nginx");

    private final Process process;
    private final Path root;
    private final int port;

    private NginxProxy(Process process, Path root, int port) {
        this.process = process;
        this.root = root;
        this.port = port;
    }

    /** Starts nginx proxying every path to {@code upstreamPort}; waits until it listens. */
    public static NginxProxy start(int upstreamPort) throws IOException, InterruptedException {
        return start("", "    location / { proxy_pass http://127.0.0.1:" + upstreamPort + "; }");
    }

    /**
     * Starts nginx balancing requests over servers on {@code upstreamPorts} in turn, set up for
     * streams as docs/deployment.md says: HTTP/1.1 to the servers with kept-alive connections, no
     * buffering either way, long read timeouts.
     */
    public static NginxProxy balancing(List<Integer> upstreamPorts) throws IOException, InterruptedException {
        StringBuilder upstream = new StringBuilder("  upstream members {\n");
        for (int port : upstreamPorts) {
            upstream.append("    server 127.0.0.1:").append(port).append(";\n");
        }
        upstream.append("    keepalive 8;\n  }");
        return start(
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

    private static NginxProxy start(String upstream, String location) throws IOException, InterruptedException {
        if (!Files.isExecutable(BINARY)) {
            if ("true".equals(System.getenv("CI"))) {
                throw new IllegalStateException("nginx is missing: .ci/run installs Debian's nginx package");
            }
            Assumptions.abort("nginx is not installed (apt-get install nginx); skipping the proxy test");
        }
        Path root = Files.createTempDirectory("arrowhttp-nginx");
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
                        "worker_processes 1;",
                        "pid " + root.resolve("nginx.pid") + ";",
                        "error_log " + root.resolve("error.log") + " warn;",
                        "events { worker_connections 64; }",
                        "http {",
                        "  access_log off;",
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
        NginxProxy nginx = new NginxProxy(process, root, port);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            try (Socket probe = new Socket()) {
                probe.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return nginx;
            } catch (IOException notYet) {
                if (!process.isAlive()) {
                    break;
                }
                Thread.sleep(100);
            }
        }
        nginx.close();
        throw new IOException("nginx did not start: " + Files.readString(root.resolve("nginx.log")));
    }

    public int port() {
        return port;
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
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        }
    }
}

package io.arrowhttp.benchmark;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.TimeUnit;

/**
 * Debian's nginx on 127.0.0.1 serving one file at {@code /body} with sendfile: the most a server
 * can send on this machine, the ceiling the benchmarks compare with.
 */
final class StaticNginx {

    private static final Path BINARY = Path.of("/usr/sbin/nginx");

    private StaticNginx() {}

    static boolean installed() {
        return Files.isExecutable(BINARY);
    }

    /**
     * Starts nginx serving {@code body} (moved into its root under {@code work}) as
     * {@code contentType}; the caller stops it.
     */
    static ChildProcess serve(Path work, String name, Path body, String contentType) throws IOException {
        Path root = Files.createDirectories(work.resolve(name).toAbsolutePath());
        Files.createDirectories(root.resolve("logs"));
        Files.createDirectories(root.resolve("temp"));
        if (!body.toAbsolutePath().equals(root.resolve("body"))) {
            Files.move(body, root.resolve("body"), StandardCopyOption.REPLACE_EXISTING);
        }
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        Files.writeString(
                root.resolve("nginx.conf"),
                String.join(
                        "\n",
                        "daemon off;",
                        "worker_processes auto;",
                        "pid " + root.resolve("nginx.pid") + ";",
                        "error_log " + root.resolve("logs/error.log") + " warn;",
                        "events { worker_connections 256; }",
                        "http {",
                        "  access_log off;",
                        "  sendfile on;",
                        "  tcp_nopush on;",
                        "  client_body_temp_path " + root.resolve("temp") + ";",
                        "  proxy_temp_path " + root.resolve("temp") + ";",
                        "  fastcgi_temp_path " + root.resolve("temp") + ";",
                        "  uwsgi_temp_path " + root.resolve("temp") + ";",
                        "  scgi_temp_path " + root.resolve("temp") + ";",
                        "  server {",
                        "    listen 127.0.0.1:" + port + ";",
                        "    location = /body { root " + root + "; types { } default_type \"" + contentType + "\"; }",
                        "  }",
                        "}",
                        ""));
        Path log = work.resolve(name + ".log");
        Process process = new ProcessBuilder(
                        BINARY.toString(),
                        "-p",
                        root.toString(),
                        "-c",
                        root.resolve("nginx.conf").toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        ChildProcess nginx = ChildProcess.adopt(name, process, log, port);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        URI uri = URI.create("http://127.0.0.1:" + port + "/body");
        while (System.nanoTime() < deadline) {
            try {
                HttpURLConnection connection = (HttpURLConnection) uri.toURL().openConnection();
                connection.setRequestMethod("HEAD");
                if (connection.getResponseCode() == 200) {
                    return nginx;
                }
            } catch (IOException notYet) {
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        nginx.close();
        throw new IOException("nginx did not start: " + Files.readString(log));
    }
}

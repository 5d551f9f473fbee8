package io.arrowhttp.war.containers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real servlet container run as a child process for the tests: started with the war deployed,
 * listening on 127.0.0.1 only, its output in a log file, stopped with SIGTERM at the end.
 */
public abstract class ServletContainer implements AutoCloseable {

    private static final long START_TIMEOUT_SECONDS = 180;

    private final String name;
    private final Path log;
    private Process process;
    private URI baseUri;

    protected ServletContainer(String name, Path log) {
        this.name = name;
        this.log = log;
    }

    /** The war under test, built by the package phase. */
    public static Path war() {
        return requiredPath("arrowhttp.war");
    }

    protected static Path requiredPath(String property) {
        String value = System.getProperty(property);
        if (value == null) {
            throw new IllegalStateException(
                    "System property " + property + " is not set: run the tests with 'mvn verify'");
        }
        Path path = Path.of(value);
        if (!Files.exists(path)) {
            throw new IllegalStateException(property + " points to " + path + ", which does not exist");
        }
        return path;
    }

    protected static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** A port that was free a moment ago, for containers that cannot bind port 0 themselves. */
    protected static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The command that starts the container, its environment and working directory set. */
    protected abstract ProcessBuilder command() throws IOException;

    /** The base URI of the application, once the log says where the container listens; else null. */
    protected abstract URI findBaseUri(String logText);

    /** Starts the container and waits, at most three minutes, until the application answers. */
    public final void start() {
        try {
            Files.createDirectories(log.getParent());
            process = command()
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_TIMEOUT_SECONDS);
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new IllegalStateException(name + " exited with " + process.exitValue() + "\n" + logTail(80));
                }
                if (baseUri == null) {
                    baseUri = findBaseUri(Files.readString(log, StandardCharsets.ISO_8859_1));
                }
                if (baseUri != null && answers(baseUri)) {
                    return;
                }
                Thread.sleep(250);
            }
            throw new IllegalStateException(
                    name + " did not answer within " + START_TIMEOUT_SECONDS + " s\n" + logTail(80));
        } catch (IOException e) {
            close();
            throw new UncheckedIOException(name + " could not be started", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new IllegalStateException(e);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private static boolean answers(URI uri) {
        try {
            HttpURLConnection connection = (HttpURLConnection)
                    uri.resolve("datasets/no-such-dataset").toURL().openConnection();
            connection.setConnectTimeout(1_000);
            connection.setReadTimeout(5_000);
            int status = connection.getResponseCode();
            connection.disconnect();
            return status == 404 || status == 503;
        } catch (IOException notYet) {
            return false;
        }
    }

    /** Where the application answers, ending with a slash. */
    public URI baseUri() {
        return baseUri;
    }

    public long pid() {
        return process.pid();
    }

    public String name() {
        return name;
    }

    public Path logFile() {
        return log;
    }

    /** The last lines of the container's output. */
    public String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.ISO_8859_1);
            return "---- last lines of " + name + " (" + log + ") ----\n"
                    + String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** The whole log, for checks on what the application logged. */
    public String logText() {
        try {
            return Files.readString(log, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stops the container: SIGTERM, then SIGKILL after 60 s. */
    @Override
    public void close() {
        if (process == null || !process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}

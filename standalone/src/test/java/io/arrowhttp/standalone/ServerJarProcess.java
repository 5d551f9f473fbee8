package io.arrowhttp.standalone;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The runnable jar as a user starts it, {@code java -Xmx256m -jar target/arrowhttp-server.jar
 * --port 0 ...}, with its output in a file rather than a pipe: the JDK closes a process's pipe when
 * it exits, and a reader still draining it would lose the last lines.
 */
final class ServerJarProcess {

    private static final Pattern LISTENING = Pattern.compile("arrowhttp listening on (http://127\\.0\\.0\\.1:\\d+/)");

    private ServerJarProcess() {}

    /** Starts the jar with {@code arguments} after {@code --port 0}, writing its output to {@code log}. */
    static Process start(Path log, String... arguments) throws IOException {
        return start(log, 0, Map.of(), arguments);
    }

    /**
     * Starts the jar on {@code port} of 127.0.0.1 (0 for one the system chooses), with settings in
     * {@code environment} ({@code ARROWHTTP_...}) and {@code arguments} after {@code --port}.
     */
    static Process start(Path log, int port, Map<String, String> environment, String... arguments) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-jar",
                Path.of("target", "arrowhttp-server.jar").toString(),
                "--port",
                Integer.toString(port)));
        command.addAll(List.of(arguments));
        ProcessBuilder builder =
                new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        // A cache folder of the test's own, beside its log: never the user's, which their own server locks.
        builder.environment()
                .put(
                        "ARROWHTTP_CACHE_DIRECTORY",
                        log.resolveSibling(log.getFileName() + ".cache").toString());
        builder.environment().putAll(environment);
        return builder.start();
    }

    /** The address the jar prints once it listens; fails with its output when it does not within 60 s. */
    static URI awaitListening(Process server, Path log) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (server.isAlive() && System.nanoTime() < deadline) {
            Matcher matcher = LISTENING.matcher(Files.readString(log));
            if (matcher.find()) {
                return URI.create(matcher.group(1));
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the jar did not print its address:\n" + Files.readString(log));
    }

    /** Stops the jar if it still runs: asked first, then forced after 20 s. */
    static void stop(Process server) throws InterruptedException {
        if (server != null && server.isAlive()) {
            server.destroy();
            if (!server.waitFor(20, TimeUnit.SECONDS)) {
                server.destroyForcibly();
                server.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }
}

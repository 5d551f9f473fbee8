package io.arrowhttp.benchmark;

import io.arrowhttp.testing.Nginx;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A server the harness started: its port, its memory, and a stop that always happens. */
final class ChildProcess implements AutoCloseable {

    private final String name;
    private final Process process;
    private final Path log;
    private final int port;

    private ChildProcess(String name, Process process, Path log, int port) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.port = port;
    }

    /** Starts {@code command} and waits, at most 60 s, for a line matching {@code ready} whose group 1 is the port. */
    static ChildProcess start(String name, List<String> command, Pattern ready, Path logDirectory) throws IOException {
        return start(name, command, Map.of(), ready, logDirectory);
    }

    /** As {@link #start(String, List, Pattern, Path)}, with these environment variables added. */
    static ChildProcess start(
            String name, List<String> command, Map<String, String> environment, Pattern ready, Path logDirectory)
            throws IOException {
        Files.createDirectories(logDirectory);
        Path log = logDirectory.resolve(name + ".log");
        ProcessBuilder builder =
                new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(environment);
        Process process = builder.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        try {
            while (System.nanoTime() < deadline && process.isAlive()) {
                Matcher matcher = ready.matcher(Files.readString(log, StandardCharsets.ISO_8859_1));
                if (matcher.find()) {
                    return new ChildProcess(name, process, log, Integer.parseInt(matcher.group(1)));
                }
                Thread.sleep(100);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process.destroyForcibly();
        throw new IOException(
                name + " did not start; its output:\n" + Files.readString(log, StandardCharsets.ISO_8859_1));
    }

    /**
     * nginx serving {@code body} (moved into {@code work/name}, which keeps its configuration and
     * logs) at {@code /body} as {@code contentType}, with sendfile: see {@link Nginx#serving}. The
     * returned child stops nginx; the folder stays.
     */
    static ChildProcess nginx(Path work, String name, Path body, String contentType) throws IOException {
        Nginx nginx;
        try {
            nginx = Nginx.serving(work.resolve(name), body, contentType);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(name + " did not start: interrupted", e);
        }
        return new ChildProcess(name, nginx.process(), nginx.log(), nginx.port());
    }

    int port() {
        return port;
    }

    String name() {
        return name;
    }

    long pid() {
        return process.pid();
    }

    /**
     * CPU time the process and its children (nginx's workers) have used so far, user and system,
     * from /proc; -1 where /proc does not say.
     */
    long cpuNanos() {
        long total = cpuNanos(process.pid());
        if (total < 0) {
            return -1;
        }
        for (ProcessHandle child : process.children().toList()) {
            total += Math.max(0, cpuNanos(child.pid()));
        }
        return total;
    }

    /**
     * CPU time process {@code pid} has used so far, user and system: fields 14 and 15 of
     * /proc/PID/stat, in clock ticks of 1/100 s (Linux's USER_HZ); -1 where /proc does not say.
     */
    static long cpuNanos(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // The command name, field 2, may hold spaces: count fields after its closing parenthesis.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
            return ticks * 10_000_000L;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Peak resident memory of the process so far (VmHWM), or -1 where /proc does not say. */
    long peakRssBytes() {
        return procStatus("VmHWM:");
    }

    /** The process's peak RSS including its children (nginx's workers), or -1. */
    long peakRssBytesWithChildren() {
        long total = Math.max(0, peakRssBytes());
        for (ProcessHandle child : process.children().toList()) {
            total += Math.max(0, procStatus(child.pid(), "VmHWM:"));
        }
        return total;
    }

    private long procStatus(String field) {
        return procStatus(process.pid(), field);
    }

    private static long procStatus(long pid, String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith(field)) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}

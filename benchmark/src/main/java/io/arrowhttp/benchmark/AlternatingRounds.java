package io.arrowhttp.benchmark;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Runs cases in turn, round after round, the order rotating by one each round so that no case
 * always runs first or last; the first rounds warm up and are not kept. The CPU time of our server
 * is read from /proc around each of its cases, those whose name starts with {@code arrowhttp}.
 */
final class AlternatingRounds {

    private static final String OURS = "arrowhttp";

    /** One measured transfer. */
    @FunctionalInterface
    interface Case {
        Clients.Transfer run() throws Exception;
    }

    /** One run of a case: what moved, in how long, and our server's CPU for it (-1 for other cases). */
    record Run(Clients.Transfer transfer, long serverCpuNanos) {}

    private AlternatingRounds() {}

    /** The kept runs of each case, by name, in the order of {@code cases}. */
    static Map<String, List<Run>> run(Map<String, Case> cases, int warmup, int runs, ChildProcess ours)
            throws Exception {
        return run(cases, warmup, runs, ours::cpuNanos);
    }

    /** As above, our server's CPU time, in nanoseconds, read from {@code serverCpuNanos}. */
    static Map<String, List<Run>> run(Map<String, Case> cases, int warmup, int runs, LongSupplier serverCpuNanos)
            throws Exception {
        Map<String, List<Run>> results = new LinkedHashMap<>();
        List<String> names = new ArrayList<>(cases.keySet());
        for (int round = 0; round < warmup + runs; round++) {
            List<String> order = new ArrayList<>(names);
            Collections.rotate(order, round);
            for (String name : order) {
                boolean measured = name.startsWith(OURS);
                long cpuBefore = measured ? serverCpuNanos.getAsLong() : -1;
                Clients.Transfer transfer = cases.get(name).run();
                long cpu = measured ? serverCpuNanos.getAsLong() - cpuBefore : -1;
                if (round >= warmup) {
                    results.computeIfAbsent(name, n -> new ArrayList<>()).add(new Run(transfer, cpu));
                }
            }
        }
        return results;
    }
}

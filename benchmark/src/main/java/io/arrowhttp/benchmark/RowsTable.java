package io.arrowhttp.benchmark;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The Markdown tables of the benchmarks: for those that count rows, one line per case with its
 * rows/s (median, min to max), the rows each run read (so that a short read shows) and our
 * server's CPU per GB, the server's peak RSS, and the ratio of the medians of our case to the
 * baseline the issue names (case names "reader | how"); for those that move files or uploads, one
 * line per case with GB/s and rows/s (case names "server | what | client"), and ratios of medians.
 */
final class RowsTable {

    private RowsTable() {}

    static String markdown(
            String title,
            Map<String, List<AlternatingRounds.Run>> results,
            long serverRss,
            String ours,
            String baseline) {
        StringBuilder out = new StringBuilder(title).append("\n\n");
        out.append(
                "| reader | how | rows read per run | million rows/s, median (min to max) | server CPU s per GB, median | runs |\n");
        out.append("| --- | --- | --- | --- | --- | --- |\n");
        results.forEach((name, list) -> {
            String[] parts = name.split(" \\| ");
            List<Double> mrows = millionRowsPerSecond(list);
            List<Double> cpu = serverCpuSecondsPerGigabyte(list);
            String rowsRead = list.stream()
                    .map(run -> String.format(Locale.ROOT, "%,d", run.transfer().rows()))
                    .distinct()
                    .collect(Collectors.joining(" or "));
            out.append("| ").append(parts[0]).append(" | ").append(parts[1]);
            out.append(" | ").append(rowsRead);
            out.append(" | ").append(Benchmark.Report.stats(mrows, "%.2f"));
            out.append(" | ")
                    .append(cpu.isEmpty() ? "n/a" : String.format(Locale.ROOT, "%.2f", Benchmark.Report.median(cpu)));
            out.append(" | ").append(list.size()).append(" |\n");
        });
        out.append(String.format(Locale.ROOT, "%nPeak RSS of the server (-Xmx256m): %d MiB%n", serverRss >> 20));
        List<AlternatingRounds.Run> ourRuns = results.get(ours);
        List<AlternatingRounds.Run> baselineRuns = results.get(baseline);
        if (ourRuns != null && baselineRuns != null) {
            out.append(String.format(
                    Locale.ROOT,
                    "%nRatio (medians): rows/s through arrowhttp to the decoding client / the driver's ResultSet loop: %.2f%n",
                    medianRowsPerSecond(ourRuns) / medianRowsPerSecond(baselineRuns)));
        }
        return out.toString();
    }

    /**
     * One line per case of "server | {@code what} | client": GB/s and million rows/s (median, min
     * to max; n/a for cases that count none), our server's CPU per GB, and the runs.
     */
    static void transfers(StringBuilder out, String what, Map<String, List<AlternatingRounds.Run>> results) {
        out.append("| server | ")
                .append(what)
                .append(" | client | GB/s, median (min to max) | million rows/s, median (min to max) |"
                        + " server CPU s per GB, median | runs |\n");
        out.append("| --- | --- | --- | --- | --- | --- | --- |\n");
        results.forEach((name, list) -> {
            String[] parts = name.split(" \\| ");
            List<Double> gbps = list.stream()
                    .map(run -> run.transfer().gigabytesPerSecond())
                    .toList();
            List<Double> cpu = serverCpuSecondsPerGigabyte(list);
            out.append("| ")
                    .append(parts[0])
                    .append(" | ")
                    .append(parts[1])
                    .append(" | ")
                    .append(parts[2]);
            out.append(" | ").append(list.get(0).transfer().bytes() > 0 ? Benchmark.Report.stats(gbps, "%.2f") : "n/a");
            out.append(" | ")
                    .append(
                            list.get(0).transfer().rows() > 0
                                    ? Benchmark.Report.stats(millionRowsPerSecond(list), "%.1f")
                                    : "n/a");
            out.append(" | ")
                    .append(cpu.isEmpty() ? "n/a" : String.format(Locale.ROOT, "%.2f", Benchmark.Report.median(cpu)));
            out.append(" | ").append(list.size()).append(" |\n");
        });
    }

    /**
     * A line "- label: ratio" of the medians of two cases, by rows/s or by GB/s; nothing when either
     * case did not run.
     */
    static void ratio(
            StringBuilder out,
            Map<String, List<AlternatingRounds.Run>> results,
            String label,
            String numerator,
            String denominator,
            boolean byRows) {
        List<AlternatingRounds.Run> top = results.get(numerator);
        List<AlternatingRounds.Run> bottom = results.get(denominator);
        if (top == null || bottom == null) {
            return;
        }
        double ratio = Benchmark.Report.median(rates(top, byRows)) / Benchmark.Report.median(rates(bottom, byRows));
        out.append(String.format(Locale.ROOT, "- %s: %.2f%n", label, ratio));
    }

    private static List<Double> rates(List<AlternatingRounds.Run> runs, boolean byRows) {
        return runs.stream()
                .map(run ->
                        byRows ? run.transfer().rowsPerSecond() : run.transfer().gigabytesPerSecond())
                .toList();
    }

    /** Each run's rows per second, in millions. */
    static List<Double> millionRowsPerSecond(List<AlternatingRounds.Run> runs) {
        return runs.stream().map(run -> run.transfer().rowsPerSecond() / 1e6).toList();
    }

    /** Our server's CPU seconds per GB sent, for the runs it served that counted bytes. */
    static List<Double> serverCpuSecondsPerGigabyte(List<AlternatingRounds.Run> runs) {
        return runs.stream()
                .filter(run -> run.serverCpuNanos() >= 0 && run.transfer().bytes() > 0)
                .map(run -> run.serverCpuNanos() / 1e9 / (run.transfer().bytes() / 1e9))
                .toList();
    }

    static double medianRowsPerSecond(List<AlternatingRounds.Run> runs) {
        return Benchmark.Report.median(
                runs.stream().map(run -> run.transfer().rowsPerSecond()).toList());
    }
}

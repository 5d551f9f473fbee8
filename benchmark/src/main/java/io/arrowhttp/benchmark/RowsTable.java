package io.arrowhttp.benchmark;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The Markdown of a benchmark that counts rows: one line per case with its rows/s (median, min to
 * max), the rows each run read (so that a short read shows) and our server's CPU per GB, the
 * server's peak RSS, and the ratio of the medians of our case
 * to the baseline the issue names. Case names are "reader | how".
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

    private static double medianRowsPerSecond(List<AlternatingRounds.Run> runs) {
        return Benchmark.Report.median(
                runs.stream().map(run -> run.transfer().rowsPerSecond()).toList());
    }
}

package io.arrowhttp.source.jdbc.internal;

import java.math.BigDecimal;

/**
 * A PostgreSQL {@code interval} as Arrow's month-day-nano interval, from its text in PostgreSQL's
 * default output style ({@code 1 year 2 mons -3 days +04:05:06.789}): years and months as months,
 * days as days, the time of day as nanoseconds, each with its own sign, as PostgreSQL keeps them.
 */
record PostgresInterval(int months, int days, long nanos) {

    /**
     * @throws IllegalArgumentException when {@code text} is not in PostgreSQL's default style
     *     (set {@code IntervalStyle} to {@code postgres}, its default)
     */
    static PostgresInterval parse(String text) {
        String[] words = text.strip().split("\\s+");
        long months = 0;
        long days = 0;
        long nanos = 0;
        for (int i = 0; i < words.length; i++) {
            String word = words[i];
            if (word.isEmpty()) {
                continue;
            }
            if (word.contains(":")) {
                nanos += timeNanos(word);
                continue;
            }
            if (i + 1 >= words.length) {
                throw new IllegalArgumentException("'" + text + "' is not an interval in PostgreSQL's default style");
            }
            long amount = Long.parseLong(word.startsWith("+") ? word.substring(1) : word);
            String unit = words[++i];
            if (unit.startsWith("year")) {
                months += 12 * amount;
            } else if (unit.startsWith("mon")) {
                months += amount;
            } else if (unit.startsWith("day")) {
                days += amount;
            } else {
                throw new IllegalArgumentException("'" + text + "' is not an interval in PostgreSQL's default style");
            }
        }
        return new PostgresInterval(Math.toIntExact(months), Math.toIntExact(days), nanos);
    }

    /** {@code [+-]H:MM:SS[.ffffff]} as nanoseconds. */
    private static long timeNanos(String time) {
        boolean negative = time.startsWith("-");
        String unsigned = negative || time.startsWith("+") ? time.substring(1) : time;
        String[] parts = unsigned.split(":");
        if (parts.length != 3) {
            throw new IllegalArgumentException("'" + time + "' is not a time of an interval");
        }
        long nanos = Long.parseLong(parts[0]) * 3_600_000_000_000L
                + Long.parseLong(parts[1]) * 60_000_000_000L
                + new BigDecimal(parts[2]).movePointRight(9).longValueExact();
        return negative ? -nanos : nanos;
    }
}

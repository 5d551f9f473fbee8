package io.arrowhttp.source.jdbc.internal;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * A query's rows split into ranges of one column, for partitions: the bounds come from the
 * column's minimum and maximum, read once, and cut that span into equal ranges. Partition 0 also
 * holds the rows where the column is null, and the first and last partitions are open-ended, so
 * rows written after the bounds were read still fall into one partition: fetching every partition
 * gives every row once, whatever the data became.
 *
 * @param column the column, quoted for SQL
 * @param bounds the inner bounds, ascending: partition {@code k} holds the rows from bound
 *     {@code k - 1} (inclusive) to bound {@code k} (exclusive); one fewer than the partitions
 */
public record ColumnRanges(String column, List<Object> bounds) {

    public ColumnRanges {
        bounds = List.copyOf(bounds);
    }

    /**
     * The ranges of {@code quotedColumn} over the rows of {@code sql}: at most {@code count}, fewer
     * when the column has fewer distinct whole values (an integer column from 1 to 3 makes three),
     * one (no bounds) for a query without rows.
     *
     * @throws IllegalArgumentException when the column's type cannot be split: the types that can
     *     are integers, decimals, floating point, dates and timestamps
     */
    public static ColumnRanges read(Connection connection, String sql, String quotedColumn, int count)
            throws SQLException {
        String query =
                "SELECT min(" + quotedColumn + "), max(" + quotedColumn + ") FROM (" + sql + "\n) arrowhttp_span";
        try (PreparedStatement statement = connection.prepareStatement(query);
                ResultSet result = statement.executeQuery()) {
            result.next();
            int type = result.getMetaData().getColumnType(1);
            List<Object> bounds = switch (type) {
                case Types.TINYINT, Types.SMALLINT, Types.INTEGER, Types.BIGINT, Types.NUMERIC, Types.DECIMAL ->
                    wholeBounds(result.getBigDecimal(1), result.getBigDecimal(2), count);
                case Types.REAL, Types.FLOAT, Types.DOUBLE -> doubleBounds(result, count);
                case Types.DATE -> dateBounds(result, count);
                case Types.TIMESTAMP -> timestampBounds(result, count);
                case Types.TIMESTAMP_WITH_TIMEZONE -> zonedBounds(result, count);
                default ->
                    throw new IllegalArgumentException("the partition column is of type "
                            + result.getMetaData().getColumnTypeName(1)
                            + "; a partition column is an integer, decimal, floating-point, date or timestamp"
                            + " column");
            };
            return new ColumnRanges(quotedColumn, bounds);
        }
    }

    /** How many partitions the ranges make. */
    public int partitions() {
        return bounds.size() + 1;
    }

    /** The condition of partition {@code index}, with a {@code ?} for each of {@link #parameters}. */
    public String condition(int index) {
        if (bounds.isEmpty()) {
            return "1 = 1";
        }
        if (index == 0) {
            return "(" + column + " < ? OR " + column + " IS NULL)";
        }
        return index == bounds.size() ? column + " >= ?" : column + " >= ? AND " + column + " < ?";
    }

    /** The values of the condition's {@code ?}s, in order. */
    public List<Object> parameters(int index) {
        if (bounds.isEmpty()) {
            return List.of();
        }
        if (index == 0) {
            return List.of(bounds.get(0));
        }
        return index == bounds.size()
                ? List.of(bounds.get(index - 1))
                : List.of(bounds.get(index - 1), bounds.get(index));
    }

    /** Whole numbers: bounds are whole, distinct, and bound as longs. */
    private static List<Object> wholeBounds(BigDecimal min, BigDecimal max, int count) {
        if (min == null) {
            return List.of();
        }
        BigInteger low = min.setScale(0, RoundingMode.FLOOR).toBigIntegerExact();
        BigInteger span = max.setScale(0, RoundingMode.FLOOR)
                .toBigIntegerExact()
                .subtract(low)
                .add(BigInteger.ONE);
        List<Object> bounds = new ArrayList<>();
        for (int k = 1; k < count; k++) {
            BigInteger bound = low.add(span.multiply(BigInteger.valueOf(k)).divide(BigInteger.valueOf(count)));
            long value = bound.longValueExact();
            if (bound.compareTo(low) > 0 && (bounds.isEmpty() || (long) bounds.get(bounds.size() - 1) < value)) {
                bounds.add(value);
            }
        }
        return bounds;
    }

    private static List<Object> doubleBounds(ResultSet result, int count) throws SQLException {
        double min = result.getDouble(1);
        if (result.wasNull()) {
            return List.of();
        }
        double max = result.getDouble(2);
        List<Object> bounds = new ArrayList<>();
        for (int k = 1; k < count; k++) {
            double bound = min + (max - min) * k / count;
            if (bound > min && (bounds.isEmpty() || (double) bounds.get(bounds.size() - 1) < bound)) {
                bounds.add(bound);
            }
        }
        return bounds;
    }

    private static List<Object> dateBounds(ResultSet result, int count) throws SQLException {
        LocalDate min = result.getObject(1, LocalDate.class);
        if (min == null) {
            return List.of();
        }
        LocalDate max = result.getObject(2, LocalDate.class);
        List<Object> bounds = new ArrayList<>();
        for (Object day :
                wholeBounds(BigDecimal.valueOf(min.toEpochDay()), BigDecimal.valueOf(max.toEpochDay()), count)) {
            bounds.add(LocalDate.ofEpochDay((long) day));
        }
        return bounds;
    }

    private static List<Object> timestampBounds(ResultSet result, int count) throws SQLException {
        LocalDateTime min = result.getObject(1, LocalDateTime.class);
        if (min == null) {
            return List.of();
        }
        LocalDateTime max = result.getObject(2, LocalDateTime.class);
        List<Object> bounds = new ArrayList<>();
        for (Object micros : microsecondBounds(
                min.atOffset(ZoneOffset.UTC).toInstant().toEpochMilli() * 1000,
                max.atOffset(ZoneOffset.UTC).toInstant().toEpochMilli() * 1000,
                count)) {
            bounds.add(LocalDateTime.ofEpochSecond(0, 0, ZoneOffset.UTC).plus((long) micros, ChronoUnit.MICROS));
        }
        return bounds;
    }

    private static List<Object> zonedBounds(ResultSet result, int count) throws SQLException {
        OffsetDateTime min = result.getObject(1, OffsetDateTime.class);
        if (min == null) {
            return List.of();
        }
        OffsetDateTime max = result.getObject(2, OffsetDateTime.class);
        List<Object> bounds = new ArrayList<>();
        for (Object micros : microsecondBounds(
                min.toInstant().toEpochMilli() * 1000, max.toInstant().toEpochMilli() * 1000, count)) {
            bounds.add(
                    OffsetDateTime.of(1970, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC).plus((long) micros, ChronoUnit.MICROS));
        }
        return bounds;
    }

    /** Bounds on milliseconds (as microseconds): finer steps than that are not worth a partition. */
    private static List<Object> microsecondBounds(long min, long max, int count) {
        return wholeBounds(BigDecimal.valueOf(min), BigDecimal.valueOf(max), count);
    }
}

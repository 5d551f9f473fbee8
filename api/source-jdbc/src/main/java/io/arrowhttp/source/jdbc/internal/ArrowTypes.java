package io.arrowhttp.source.jdbc.internal;

import java.io.IOException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Calendar;
import java.util.Locale;
import java.util.TimeZone;
import org.apache.arrow.adapter.jdbc.JdbcFieldInfo;
import org.apache.arrow.adapter.jdbc.JdbcToArrowConfig;
import org.apache.arrow.adapter.jdbc.JdbcToArrowUtils;
import org.apache.arrow.adapter.jdbc.consumer.JdbcConsumer;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;

/**
 * How JDBC columns become Arrow columns: Arrow's JDBC adapter's mapping, except timestamps, which
 * the adapter reads as milliseconds through {@code java.sql.Timestamp}. Here they keep the
 * microseconds PostgreSQL and Trino store: {@code timestamp} becomes {@code Timestamp(MICROSECOND)}
 * without a zone, read as a {@link LocalDateTime}; {@code timestamp with time zone} becomes
 * {@code Timestamp(MICROSECOND, UTC)}, read as an {@link OffsetDateTime}. Decimals must say their
 * precision, which Arrow's decimal type needs.
 */
public final class ArrowTypes {

    /** Dates and times without a zone are read as UTC wall time, the same in every server's zone. */
    static final Calendar UTC = Calendar.getInstance(TimeZone.getTimeZone("UTC"), Locale.ROOT);

    private static final ArrowType LOCAL_MICROS = new ArrowType.Timestamp(TimeUnit.MICROSECOND, null);
    private static final ArrowType UTC_MICROS = new ArrowType.Timestamp(TimeUnit.MICROSECOND, "UTC");

    private ArrowTypes() {}

    /** The Calendar the adapter is configured with. */
    public static Calendar calendar() {
        return (Calendar) UTC.clone();
    }

    /**
     * The Arrow type of a column.
     *
     * @throws UnsupportedOperationException for a type without a natural Arrow type, with the
     *     database's name for it
     */
    public static ArrowType of(JdbcFieldInfo column) {
        int type = column.getJdbcType();
        String name = column.getTypeName() == null ? "" : column.getTypeName().toLowerCase(Locale.ROOT);
        if (type == Types.TIMESTAMP_WITH_TIMEZONE
                || (type == Types.TIMESTAMP && name.contains("tz"))
                || name.startsWith("timestamp with time zone")) {
            return UTC_MICROS;
        }
        if (type == Types.TIMESTAMP) {
            return LOCAL_MICROS;
        }
        if ((type == Types.NUMERIC || type == Types.DECIMAL)
                && (column.getPrecision() <= 0 || column.getPrecision() > 38)) {
            throw new UnsupportedOperationException("a " + name + " without a precision of 1 to 38 digits; cast it in"
                    + " the query, such as CAST(x AS numeric(18, 4))");
        }
        ArrowType mapped = JdbcToArrowUtils.getArrowTypeFromJdbcType(column, UTC);
        if (mapped == null) {
            throw new UnsupportedOperationException("type " + name + " (JDBC type " + type + ")");
        }
        return mapped;
    }

    /** The adapter's consumers, except for the timestamps of {@link #of} and for binary values. */
    public static JdbcConsumer<?> consumer(
            ArrowType type, int column, boolean nullable, FieldVector vector, JdbcToArrowConfig config) {
        if (type.equals(LOCAL_MICROS) || type.equals(UTC_MICROS)) {
            return new MicrosecondTimestamps((TimeStampVector) vector, column, type.equals(UTC_MICROS));
        }
        if (type instanceof ArrowType.Binary) {
            return new BinaryValues((VarBinaryVector) vector, column);
        }
        return JdbcToArrowUtils.getConsumer(type, column, nullable, vector, config);
    }

    /**
     * Reads binary values with {@code getBytes}, which every driver has; the adapter's own reader
     * asks for {@code getBinaryStream}, which some (DuckDB's) do not.
     */
    private static final class BinaryValues implements JdbcConsumer<VarBinaryVector> {

        private final int column;
        private VarBinaryVector vector;
        private int row;

        BinaryValues(VarBinaryVector vector, int column) {
            this.vector = vector;
            this.column = column;
        }

        @Override
        public void consume(ResultSet result) throws SQLException {
            byte[] value = result.getBytes(column);
            if (value == null) {
                vector.setNull(row);
            } else {
                vector.setSafe(row, value);
            }
            row++;
        }

        @Override
        public void close() {
            vector.close();
        }

        @Override
        public void resetValueVector(VarBinaryVector fresh) {
            this.vector = fresh;
            this.row = 0;
        }
    }

    /** Reads timestamps with their microseconds, as java.time values. */
    private static final class MicrosecondTimestamps implements JdbcConsumer<TimeStampVector> {

        private final int column;
        private final boolean withZone;
        private TimeStampVector vector;
        private int row;

        MicrosecondTimestamps(TimeStampVector vector, int column, boolean withZone) {
            this.vector = vector;
            this.column = column;
            this.withZone = withZone;
        }

        @Override
        public void consume(ResultSet result) throws SQLException, IOException {
            LocalDateTime wallTime;
            if (withZone) {
                OffsetDateTime value = result.getObject(column, OffsetDateTime.class);
                wallTime = value == null
                        ? null
                        : value.withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime();
            } else {
                wallTime = result.getObject(column, LocalDateTime.class);
            }
            if (wallTime == null) {
                vector.setNull(row);
            } else {
                vector.setSafe(row, wallTime.toEpochSecond(ZoneOffset.UTC) * 1_000_000L + wallTime.getNano() / 1_000);
            }
            row++;
        }

        @Override
        public void close() {
            vector.close();
        }

        @Override
        public void resetValueVector(TimeStampVector fresh) {
            this.vector = fresh;
            this.row = 0;
        }
    }
}

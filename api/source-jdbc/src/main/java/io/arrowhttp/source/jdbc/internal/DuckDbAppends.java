package io.arrowhttp.source.jdbc.internal;

import io.arrowhttp.dataset.Upload;
import io.arrowhttp.protocol.ArrowHttpException;
import io.arrowhttp.protocol.ClientText;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.arrow.vector.BaseIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DateMilliVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.LargeVarCharVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * An upload's rows into a DuckDB table through DuckDB's appender, in the caller's transaction:
 * values go from the Arrow vectors into DuckDB's column buffers, with no SQL per row. The table's
 * columns the upload does not have get their defaults.
 *
 * <p>DuckDB's appender takes each column's exact type, so every pairing is checked before a row
 * is written: {@code BOOLEAN}; {@code TINYINT}, {@code SMALLINT}, {@code INTEGER}, {@code BIGINT}
 * from Arrow integers that fit; {@code FLOAT}; {@code DOUBLE} from both floating-point widths;
 * {@code VARCHAR} from UTF-8 strings; {@code BLOB} from binary; {@code DATE}; {@code TIMESTAMP}
 * and {@code TIMESTAMP_NS} from timestamps without a time zone and {@code TIMESTAMP WITH TIME
 * ZONE} from those with one; {@code DECIMAL} from decimals of no larger scale (a value too large
 * for the column is refused by DuckDB). Anything else is refused, naming the column.
 *
 * <p>This class touches DuckDB's classes only once {@link #isDuckDb} has said yes, so the driver
 * is needed only by applications that write to DuckDB.
 */
public final class DuckDbAppends implements RowWriter {

    private static final Pattern DECIMAL = Pattern.compile("DECIMAL\\((\\d+),(\\d+)\\)");

    /** One value of a row: from a vector of the upload into the appender. */
    private interface Encoder {
        void append(DuckDBAppender appender, FieldVector vector, int row) throws SQLException;
    }

    /**
     * A column of the table, in the table's order: the upload's field that fills it, or -1 for
     * one the upload does not have.
     */
    private record Slot(TableColumns.Column column, int field, Encoder encoder) {}

    private final String schemaName;
    private final String tableName;
    private final List<Slot> slots;
    private final String dataset;

    private DuckDbAppends(String schemaName, String tableName, List<Slot> slots, String dataset) {
        this.schemaName = schemaName;
        this.tableName = tableName;
        this.slots = slots;
        this.dataset = dataset;
    }

    /** Whether {@code connection} is DuckDB's. */
    public static boolean isDuckDb(Connection connection) throws SQLException {
        return "DuckDB".equals(connection.getMetaData().getDatabaseProductName());
    }

    /**
     * The writer of {@code schema}'s fields into the matched columns.
     *
     * @throws ArrowHttpException {@code INVALID_ARGUMENT} naming a column whose type the field's
     *     Arrow type cannot be written as
     */
    public static DuckDbAppends of(TableColumns columns, Schema schema, String dataset) {
        List<Slot> slots = new ArrayList<>();
        for (TableColumns.Column column : columns.columns()) {
            int field = columns.matched().indexOf(column);
            if (field < 0) {
                slots.add(new Slot(column, -1, null));
                continue;
            }
            ArrowType type = schema.getFields().get(field).getType();
            Encoder encoder = encoder(type, column.typeName().toUpperCase(Locale.ROOT));
            if (encoder == null) {
                throw ArrowHttpException.invalidArgument("Column " + ClientText.quote(column.name()) + " of dataset "
                        + ClientText.quote(dataset) + " is " + ClientText.escape(column.typeName(), 64)
                        + ", which the upload's " + type + " cannot be written as. Nothing was written.");
            }
            slots.add(new Slot(column, field, encoder));
        }
        String table = columns.table();
        int dot = table.indexOf('.');
        return dot < 0
                ? new DuckDbAppends("main", table, slots, dataset)
                : new DuckDbAppends(table.substring(0, dot), table.substring(dot + 1), slots, dataset);
    }

    @Override
    public long write(Connection connection, Upload upload) throws SQLException {
        long rows = 0;
        try (DuckDBAppender appender =
                connection.unwrap(DuckDBConnection.class).createAppender(schemaName, tableName)) {
            while (upload.loadNextBatch()) {
                VectorSchemaRoot root = upload.root();
                List<FieldVector> vectors = root.getFieldVectors();
                int count = root.getRowCount();
                for (int row = 0; row < count; row++) {
                    appender.beginRow();
                    for (Slot slot : slots) {
                        if (slot.field() < 0) {
                            appender.appendDefault();
                            continue;
                        }
                        FieldVector vector = vectors.get(slot.field());
                        RowWriter.refuseNull(vector, slot.column(), row, rows, dataset);
                        if (vector.isNull(row)) {
                            appender.appendNull();
                        } else {
                            slot.encoder().append(appender, vector, row);
                        }
                    }
                    appender.endRow();
                }
                rows += count;
            }
            // Closing an appender drops what it cannot store without a word; flushing says why.
            appender.flush();
        }
        return rows;
    }

    private static Encoder encoder(ArrowType type, String column) {
        Matcher decimal = DECIMAL.matcher(column);
        if (decimal.matches()) {
            int scale = Integer.parseInt(decimal.group(2));
            return type instanceof ArrowType.Decimal arrow && arrow.getBitWidth() == 128 && arrow.getScale() <= scale
                    ? (appender, vector, row) -> appender.append(
                            ((DecimalVector) vector).getObject(row).setScale(scale))
                    : null;
        }
        return switch (column) {
            case "BOOLEAN" ->
                type instanceof ArrowType.Bool
                        ? (appender, vector, row) -> appender.append(((BitVector) vector).get(row) != 0)
                        : null;
            case "TINYINT" ->
                fits(type, 8) ? (appender, vector, row) -> appender.append((byte) longValue(vector, row)) : null;
            case "SMALLINT" ->
                fits(type, 16) ? (appender, vector, row) -> appender.append((short) longValue(vector, row)) : null;
            case "INTEGER" ->
                fits(type, 32) ? (appender, vector, row) -> appender.append((int) longValue(vector, row)) : null;
            case "BIGINT" -> fits(type, 64) ? (appender, vector, row) -> appender.append(longValue(vector, row)) : null;
            case "FLOAT" ->
                isFloatingPoint(type, FloatingPointPrecision.SINGLE)
                        ? (appender, vector, row) -> appender.append(((Float4Vector) vector).get(row))
                        : null;
            case "DOUBLE" -> doubleEncoder(type);
            case "VARCHAR" -> textEncoder(type);
            case "BLOB" ->
                type instanceof ArrowType.Binary
                                || type instanceof ArrowType.LargeBinary
                                || type instanceof ArrowType.FixedSizeBinary
                        ? (appender, vector, row) -> appender.append((byte[]) vector.getObject(row))
                        : null;
            case "DATE" -> dateEncoder(type);
            case "TIMESTAMP" ->
                isTimestamp(type, false)
                        ? (appender, vector, row) -> appender.appendEpochMicros(micros(vector, row))
                        : null;
            case "TIMESTAMP WITH TIME ZONE" ->
                isTimestamp(type, true)
                        ? (appender, vector, row) -> appender.appendEpochMicros(micros(vector, row))
                        : null;
            case "TIMESTAMP_NS" ->
                isTimestamp(type, false)
                        ? (appender, vector, row) -> appender.appendEpochNanos(nanos(vector, row))
                        : null;
            default -> null;
        };
    }

    /** Whether integers of {@code type} fit a signed column of {@code bits}. */
    private static boolean fits(ArrowType type, int bits) {
        return type instanceof ArrowType.Int integer
                && (integer.getIsSigned() ? integer.getBitWidth() <= bits : integer.getBitWidth() < bits);
    }

    private static long longValue(FieldVector vector, int row) {
        return ((BaseIntVector) vector).getValueAsLong(row);
    }

    private static boolean isFloatingPoint(ArrowType type, FloatingPointPrecision precision) {
        return type instanceof ArrowType.FloatingPoint floating && floating.getPrecision() == precision;
    }

    private static Encoder doubleEncoder(ArrowType type) {
        if (isFloatingPoint(type, FloatingPointPrecision.DOUBLE)) {
            return (appender, vector, row) -> appender.append(((Float8Vector) vector).get(row));
        }
        return isFloatingPoint(type, FloatingPointPrecision.SINGLE)
                ? (appender, vector, row) -> appender.append((double) ((Float4Vector) vector).get(row))
                : null;
    }

    /** UTF-8 bytes as they are: DuckDB's appender takes them for a {@code VARCHAR}. */
    private static Encoder textEncoder(ArrowType type) {
        if (type instanceof ArrowType.Utf8) {
            return (appender, vector, row) -> appender.append(((VarCharVector) vector).get(row));
        }
        return type instanceof ArrowType.LargeUtf8
                ? (appender, vector, row) -> appender.append(((LargeVarCharVector) vector).get(row))
                : null;
    }

    private static Encoder dateEncoder(ArrowType type) {
        if (!(type instanceof ArrowType.Date)) {
            return null;
        }
        return vectorIsDays(type)
                ? (appender, vector, row) -> appender.appendEpochDays(((DateDayVector) vector).get(row))
                : (appender, vector, row) ->
                        appender.appendEpochDays((int) Math.floorDiv(((DateMilliVector) vector).get(row), 86_400_000L));
    }

    private static boolean vectorIsDays(ArrowType type) {
        return ((ArrowType.Date) type).getUnit() == DateUnit.DAY;
    }

    private static boolean isTimestamp(ArrowType type, boolean zoned) {
        return type instanceof ArrowType.Timestamp timestamp && (timestamp.getTimezone() != null) == zoned;
    }

    /** Microseconds since the epoch, DuckDB's {@code TIMESTAMP}; nanoseconds are truncated toward the past. */
    private static long micros(FieldVector vector, int row) {
        long raw = ((TimeStampVector) vector).get(row);
        return switch (((ArrowType.Timestamp) vector.getField().getType()).getUnit()) {
            case SECOND -> Math.multiplyExact(raw, 1_000_000L);
            case MILLISECOND -> Math.multiplyExact(raw, 1_000L);
            case MICROSECOND -> raw;
            case NANOSECOND -> Math.floorDiv(raw, 1_000L);
        };
    }

    private static long nanos(FieldVector vector, int row) {
        long raw = ((TimeStampVector) vector).get(row);
        return switch (((ArrowType.Timestamp) vector.getField().getType()).getUnit()) {
            case SECOND -> Math.multiplyExact(raw, 1_000_000_000L);
            case MILLISECOND -> Math.multiplyExact(raw, 1_000_000L);
            case MICROSECOND -> Math.multiplyExact(raw, 1_000L);
            case NANOSECOND -> raw;
        };
    }
}

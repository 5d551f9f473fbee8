package io.arrowhttp.source.jdbc.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Calendar;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TimeZone;
import java.util.UUID;
import java.util.function.Supplier;
import org.apache.arrow.adapter.jdbc.JdbcFieldInfo;
import org.apache.arrow.adapter.jdbc.JdbcToArrowConfig;
import org.apache.arrow.adapter.jdbc.JdbcToArrowUtils;
import org.apache.arrow.adapter.jdbc.consumer.JdbcConsumer;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.FixedSizeBinaryVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.IntervalMonthDayNanoVector;
import org.apache.arrow.vector.SmallIntVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.ValueVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.types.IntervalUnit;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;

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

    /** Field metadata key of an Arrow extension type's name. */
    static final String EXTENSION_NAME = "ARROW:extension:name";

    /** Field metadata key of an Arrow extension type's parameters. */
    static final String EXTENSION_METADATA = "ARROW:extension:metadata";

    private static final ArrowType UUID_STORAGE = new ArrowType.FixedSizeBinary(16);
    private static final ArrowType INTERVAL = new ArrowType.Interval(IntervalUnit.MONTH_DAY_NANO);

    /** Database types served as their text, by their (lower-case) name. */
    private static final Set<String> AS_TEXT =
            Set.of("json", "jsonb", "inet", "cidr", "macaddr", "macaddr8", "xml", "ipaddress");

    /** Element types of PostgreSQL arrays ({@code _int4} is {@code int4[]}), as JDBC types. */
    private static final Map<String, Integer> ARRAY_ELEMENTS = Map.ofEntries(
            Map.entry("_int2", Types.SMALLINT),
            Map.entry("_int4", Types.INTEGER),
            Map.entry("_int8", Types.BIGINT),
            Map.entry("_float4", Types.REAL),
            Map.entry("_float8", Types.DOUBLE),
            Map.entry("_bool", Types.BOOLEAN),
            Map.entry("_text", Types.VARCHAR),
            Map.entry("_varchar", Types.VARCHAR),
            Map.entry("_bpchar", Types.VARCHAR),
            Map.entry("_name", Types.VARCHAR));

    /**
     * The Arrow type of a column.
     *
     * @throws UnsupportedOperationException for a type without a natural Arrow type, with the
     *     database's name for it and the cast that serves it
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
        if (name.equals("uuid")) {
            return UUID_STORAGE;
        }
        if (name.equals("interval")) {
            return INTERVAL;
        }
        if ((type == Types.NUMERIC || type == Types.DECIMAL) && column.getPrecision() > 38) {
            throw new UnsupportedOperationException("a " + name + " of more than 38 digits; cast it in the query,"
                    + " such as CAST(x AS numeric(38, 4)), or to text");
        }
        if ((type == Types.NUMERIC || type == Types.DECIMAL) && column.getPrecision() <= 0) {
            // numeric without a precision: its exact text (see docs/types.md)
            return ArrowType.Utf8.INSTANCE;
        }
        if (AS_TEXT.contains(name) || (type == Types.OTHER && enums.get().contains(name))) {
            return ArrowType.Utf8.INSTANCE;
        }
        if (type == Types.ARRAY) {
            if (!ARRAY_ELEMENTS.containsKey(name)) {
                throw new UnsupportedOperationException("an array of " + name.replaceFirst("^_", "")
                        + "; cast it in the query to text[] (x::text[]) or to json (to_json(x))");
            }
            return ArrowType.List.INSTANCE;
        }
        ArrowType mapped = type == Types.OTHER ? null : JdbcToArrowUtils.getArrowTypeFromJdbcType(column, UTC);
        if (mapped == null) {
            throw new UnsupportedOperationException("type " + name + " (JDBC type " + type + "); cast it to text in"
                    + " the query (x::text or CAST(x AS varchar))");
        }
        return mapped;
    }

    /**
     * The names of the database's enum types, for {@link #of} while a dataset's schema is read on
     * this thread: enums are served as their labels ({@code utf8}).
     */
    private static final ThreadLocal<Set<String>> enums = ThreadLocal.withInitial(Set::of);

    /** Runs {@code read} with {@code names} known as enum types (lower-case). */
    public static <T> T withEnums(Set<String> names, Supplier<T> read) {
        Set<String> before = enums.get();
        enums.set(names);
        try {
            return read.get();
        } finally {
            enums.set(before);
        }
    }

    /**
     * The field of a column: its type, Arrow's canonical extension type where the database type
     * has one ({@code uuid} as {@code arrow.uuid}, {@code json} and {@code jsonb} as {@code
     * arrow.json}), and the element of an array.
     *
     * @throws UnsupportedOperationException as {@link #of}
     */
    public static Field field(String label, boolean nullable, JdbcFieldInfo column) {
        ArrowType type = of(column);
        String name = column.getTypeName() == null ? "" : column.getTypeName().toLowerCase(Locale.ROOT);
        Map<String, String> metadata = null;
        if (name.equals("uuid")) {
            metadata = Map.of(EXTENSION_NAME, "arrow.uuid", EXTENSION_METADATA, "");
        } else if (name.equals("json") || name.equals("jsonb")) {
            metadata = Map.of(EXTENSION_NAME, "arrow.json", EXTENSION_METADATA, "");
        }
        List<Field> children = null;
        if (type instanceof ArrowType.List) {
            children = List.of(Field.nullable("element", of(elementOf(name))));
        }
        return new Field(label, new FieldType(nullable, type, null, metadata), children);
    }

    private static JdbcFieldInfo elementOf(String arrayTypeName) {
        return new JdbcFieldInfo(ARRAY_ELEMENTS.get(arrayTypeName), 0, 0);
    }

    /** The element of each array column of a result, by column number, for the adapter. */
    public static Map<Integer, JdbcFieldInfo> arrayElements(ResultSetMetaData metadata) throws SQLException {
        Map<Integer, JdbcFieldInfo> elements = new HashMap<>();
        for (int column = 1; column <= metadata.getColumnCount(); column++) {
            String name =
                    Objects.toString(metadata.getColumnTypeName(column), "").toLowerCase(Locale.ROOT);
            if (metadata.getColumnType(column) == Types.ARRAY && ARRAY_ELEMENTS.containsKey(name)) {
                elements.put(column, elementOf(name));
            }
        }
        return elements;
    }

    /** The adapter's consumers, except for the types {@link #of} maps itself and for binary values. */
    public static JdbcConsumer<?> consumer(
            ArrowType type, int column, boolean nullable, FieldVector vector, JdbcToArrowConfig config) {
        if (type.equals(LOCAL_MICROS) || type.equals(UTC_MICROS)) {
            return new MicrosecondTimestamps((TimeStampVector) vector, column, type.equals(UTC_MICROS));
        }
        if (type instanceof ArrowType.Binary) {
            return new BinaryValues((VarBinaryVector) vector, column);
        }
        if (type.equals(UUID_STORAGE)) {
            return new OtherValues<>((FixedSizeBinaryVector) vector, column, (result, at, target, row) -> {
                Object value = result.getObject(at);
                if (value == null) {
                    target.setNull(row);
                    return;
                }
                UUID uuid = value instanceof UUID u ? u : UUID.fromString(value.toString());
                target.setSafe(
                        row,
                        ByteBuffer.allocate(16)
                                .putLong(uuid.getMostSignificantBits())
                                .putLong(uuid.getLeastSignificantBits())
                                .array());
            });
        }
        if (type.equals(INTERVAL)) {
            return new OtherValues<>((IntervalMonthDayNanoVector) vector, column, (result, at, target, row) -> {
                String text = result.getString(at);
                if (text == null) {
                    target.setNull(row);
                } else {
                    PostgresInterval interval = PostgresInterval.parse(text);
                    target.setSafe(row, interval.months(), interval.days(), interval.nanos());
                }
            });
        }
        if (type instanceof ArrowType.Utf8) {
            return new OtherValues<>((VarCharVector) vector, column, (result, at, target, row) -> {
                String text = result.getString(at);
                if (text == null) {
                    target.setNull(row);
                } else {
                    target.setSafe(row, text.getBytes(StandardCharsets.UTF_8));
                }
            });
        }
        if (type instanceof ArrowType.List) {
            return new OtherValues<>((ListVector) vector, column, ArrowTypes::readArray);
        }
        return JdbcToArrowUtils.getConsumer(type, column, nullable, vector, config);
    }

    /** One-dimensional arrays, nulls inside and outside; a nested array is refused, naming the fix. */
    private static void readArray(ResultSet result, int column, ListVector target, int row) throws SQLException {
        Array array = result.getArray(column);
        if (array == null) {
            target.setNull(row);
            return;
        }
        Object[] values;
        try {
            values = (Object[]) array.getArray();
        } finally {
            array.free();
        }
        FieldVector child = target.getDataVector();
        int start = target.startNewValue(row);
        for (int i = 0; i < values.length; i++) {
            Object value = values[i];
            int at = start + i;
            if (value != null && value.getClass().isArray()) {
                throw new SQLException("a multi-dimensional array, which has no Arrow type here; serve one"
                        + " dimension (x[1]) or cast it to json in the query (to_json(x))");
            }
            if (value == null) {
                child.setNull(at);
            } else if (child instanceof SmallIntVector v) {
                v.setSafe(at, ((Number) value).shortValue());
            } else if (child instanceof IntVector v) {
                v.setSafe(at, ((Number) value).intValue());
            } else if (child instanceof BigIntVector v) {
                v.setSafe(at, ((Number) value).longValue());
            } else if (child instanceof Float4Vector v) {
                v.setSafe(at, ((Number) value).floatValue());
            } else if (child instanceof Float8Vector v) {
                v.setSafe(at, ((Number) value).doubleValue());
            } else if (child instanceof BitVector v) {
                v.setSafe(at, Boolean.TRUE.equals(value) ? 1 : 0);
            } else {
                ((VarCharVector) child).setSafe(at, value.toString().getBytes(StandardCharsets.UTF_8));
            }
        }
        target.endValue(row, values.length);
    }

    /**
     * Each of the adapter's consumers, counting the rows it reads so that a value that cannot be
     * read is reported with its column's name and its row number (from 1, in the response).
     */
    public static JdbcConsumer<?> located(JdbcConsumer<?> consumer, String label) {
        return new Located(consumer, label);
    }

    /** A value that cannot be read: its column's name and row number, with the reason. */
    public static final class ValueReadFailure extends SQLException {

        private static final long serialVersionUID = 1L;

        ValueReadFailure(String column, long row, Throwable cause) {
            super(
                    "column '" + column + "', row " + row + ": "
                            + Objects.toString(
                                            cause.getMessage(), cause.getClass().getSimpleName())
                                    .lines()
                                    .findFirst()
                                    .orElse(""),
                    cause);
        }
    }

    /** Reads one column's value of the current row into the vector at the row. */
    @FunctionalInterface
    private interface ValueReader<V> {
        void read(ResultSet result, int column, V target, int row) throws SQLException;
    }

    /** A consumer of the values {@link #of} maps itself. */
    private static final class OtherValues<V extends ValueVector> implements JdbcConsumer<V> {

        private final int column;
        private final ValueReader<V> reader;
        private V vector;
        private int row;

        OtherValues(V vector, int column, ValueReader<V> reader) {
            this.vector = vector;
            this.column = column;
            this.reader = reader;
        }

        @Override
        public void consume(ResultSet result) throws SQLException {
            reader.read(result, column, vector, row);
            row++;
        }

        @Override
        public void close() {
            vector.close();
        }

        @Override
        public void resetValueVector(V fresh) {
            this.vector = fresh;
            this.row = 0;
        }
    }

    @SuppressWarnings({"rawtypes", "unchecked"})
    private static final class Located implements JdbcConsumer {

        private final JdbcConsumer delegate;
        private final String label;
        private long rows;

        Located(JdbcConsumer<?> delegate, String label) {
            this.delegate = delegate;
            this.label = label;
        }

        @Override
        public void consume(ResultSet result) throws SQLException, IOException {
            rows++;
            try {
                delegate.consume(result);
            } catch (SQLException | IOException | RuntimeException e) {
                throw new ValueReadFailure(label, rows, e);
            }
        }

        @Override
        public void close() {
            try {
                delegate.close();
            } catch (Exception e) {
                throw new IllegalStateException("Cannot close the reader of column '" + label + "'", e);
            }
        }

        @Override
        public void resetValueVector(ValueVector vector) {
            delegate.resetValueVector(vector);
        }
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
                if (OffsetDateTime.MAX.equals(value) || OffsetDateTime.MIN.equals(value)) {
                    throw unrepresentable(value.equals(OffsetDateTime.MAX) ? "infinity" : "-infinity");
                }
                wallTime = value == null
                        ? null
                        : value.withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime();
            } else {
                wallTime = result.getObject(column, LocalDateTime.class);
            }
            if (wallTime == null) {
                vector.setNull(row);
            } else if (wallTime.equals(LocalDateTime.MAX) || wallTime.equals(LocalDateTime.MIN)) {
                // How the driver reads PostgreSQL's infinity and -infinity.
                throw unrepresentable(wallTime.equals(LocalDateTime.MAX) ? "infinity" : "-infinity");
            } else {
                try {
                    vector.setSafe(
                            row,
                            Math.addExact(
                                    Math.multiplyExact(wallTime.toEpochSecond(ZoneOffset.UTC), 1_000_000L),
                                    wallTime.getNano() / 1_000));
                } catch (ArithmeticException beyond) {
                    throw unrepresentable(wallTime.toString());
                }
            }
            row++;
        }

        private static SQLException unrepresentable(String value) {
            return new SQLException("the timestamp " + value + ", which Arrow's microsecond timestamps cannot hold;"
                    + " cast the column in the query (CASE WHEN isfinite(x) THEN x END, or x::text)");
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

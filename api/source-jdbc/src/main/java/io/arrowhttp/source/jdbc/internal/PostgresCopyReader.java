package io.arrowhttp.source.jdbc.internal;

import io.arrowhttp.call.ErrorIds;
import io.arrowhttp.dataset.GeneratingReader;
import io.arrowhttp.protocol.ArrowHttpException;
import io.arrowhttp.protocol.ClientText;
import io.arrowhttp.protocol.ErrorCode;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.FixedSizeBinaryVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.SmallIntVector;
import org.apache.arrow.vector.TimeStampMicroTZVector;
import org.apache.arrow.vector.TimeStampMicroVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyOut;
import org.postgresql.core.BaseConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rows of a PostgreSQL query read through {@code COPY (query) TO STDOUT (FORMAT binary)} and
 * decoded from PostgreSQL's binary format straight into Arrow vectors: no {@code ResultSet}, no
 * Java object per value. The same Arrow types and values as the JDBC path ({@link ArrowTypes}),
 * for the column types in {@link #TYPES}; a query with any other column type, or with values to
 * bind (COPY takes none), is read through JDBC instead ({@link #decodes}).
 *
 * <p>Values PostgreSQL stores that Arrow's types cannot hold fail the stream with the column and
 * row: {@code numeric} NaN and infinities, and timestamps or dates beyond Arrow's range
 * ({@code infinity} included).
 *
 * <h2>Ownership</h2>
 * Owns the copy and its connection: {@link #close()} ends a copy still running (a client that
 * left), ends the read-only transaction and closes the connection, which goes back to its pool.
 * The vectors are this reader's root's, refilled for every batch, from the response's allocator,
 * which the caller closes after this reader. {@link #cancel} may be called from any thread.
 */
public final class PostgresCopyReader extends GeneratingReader {

    private static final Logger LOG = LoggerFactory.getLogger(PostgresCopyReader.class);

    private static final byte[] SIGNATURE = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xff, '\r', '\n', 0};
    private static final long EPOCH_DAYS = 10_957;
    private static final long EPOCH_MICROS = EPOCH_DAYS * 86_400_000_000L;
    private static final int NUMERIC_NEGATIVE = 0x4000;
    private static final int NUMERIC_NAN = 0xC000;
    private static final int NUMERIC_INFINITY = 0xD000;
    private static final int NUMERIC_MINUS_INFINITY = 0xF000;
    private static final BigInteger TEN_THOUSAND = BigInteger.valueOf(10_000);
    private static final long[] POWERS_OF_TEN = new long[19];

    static {
        POWERS_OF_TEN[0] = 1;
        for (int i = 1; i < POWERS_OF_TEN.length; i++) {
            POWERS_OF_TEN[i] = POWERS_OF_TEN[i - 1] * 10;
        }
    }

    /** What each PostgreSQL type decodes to, by the type's name as the driver gives it. */
    private enum Kind {
        INT2,
        INT4,
        INT8,
        FLOAT4,
        FLOAT8,
        BOOL,
        TEXT,
        JSONB,
        BYTEA,
        DATE,
        TIMESTAMP,
        TIMESTAMPTZ,
        UUID,
        NUMERIC
    }

    /** The column types this reader decodes, with the Arrow type each must have in the schema. */
    private static final Map<String, Kind> TYPES = Map.ofEntries(
            Map.entry("int2", Kind.INT2),
            Map.entry("smallserial", Kind.INT2),
            Map.entry("int4", Kind.INT4),
            Map.entry("serial", Kind.INT4),
            Map.entry("int8", Kind.INT8),
            Map.entry("bigserial", Kind.INT8),
            Map.entry("float4", Kind.FLOAT4),
            Map.entry("float8", Kind.FLOAT8),
            Map.entry("bool", Kind.BOOL),
            Map.entry("text", Kind.TEXT),
            Map.entry("varchar", Kind.TEXT),
            Map.entry("bpchar", Kind.TEXT),
            Map.entry("name", Kind.TEXT),
            Map.entry("json", Kind.TEXT),
            Map.entry("jsonb", Kind.JSONB),
            Map.entry("bytea", Kind.BYTEA),
            Map.entry("date", Kind.DATE),
            Map.entry("timestamp", Kind.TIMESTAMP),
            Map.entry("timestamptz", Kind.TIMESTAMPTZ),
            Map.entry("uuid", Kind.UUID),
            Map.entry("numeric", Kind.NUMERIC));

    private final Connection connection;
    private final CopyOut copy;
    private final List<Kind> kinds;
    private final int batchRows;
    private final String dataset;
    private final List<String> names;
    private byte[] message = new byte[0];
    private int position;
    private long row;
    private boolean ended;

    private PostgresCopyReader(
            BufferAllocator allocator,
            Schema schema,
            Connection connection,
            CopyOut copy,
            List<Kind> kinds,
            int batchRows,
            String dataset) {
        super(allocator, schema);
        this.connection = connection;
        this.copy = copy;
        this.kinds = kinds;
        this.batchRows = batchRows;
        this.dataset = dataset;
        this.names = schema.getFields().stream().map(Field::getName).toList();
    }

    /**
     * Whether this reader decodes every column of {@code schema}, given each column's PostgreSQL
     * type name: the name is one of {@link #TYPES} and the field has the Arrow type the JDBC path
     * gives it.
     */
    public static boolean decodes(Schema schema, List<String> typeNames) {
        return kinds(schema, typeNames).isPresent();
    }

    private static Optional<List<Kind>> kinds(Schema schema, List<String> typeNames) {
        if (typeNames == null || typeNames.size() != schema.getFields().size()) {
            return Optional.empty();
        }
        List<Kind> kinds = new ArrayList<>();
        for (int i = 0; i < typeNames.size(); i++) {
            Kind kind = TYPES.get(typeNames.get(i).toLowerCase(Locale.ROOT));
            Field field = schema.getFields().get(i);
            if (kind == null || !field.getChildren().isEmpty() || !matches(kind, field.getType())) {
                return Optional.empty();
            }
            kinds.add(kind);
        }
        return Optional.of(List.copyOf(kinds));
    }

    private static boolean matches(Kind kind, ArrowType type) {
        return switch (kind) {
            case INT2 -> type.equals(new ArrowType.Int(16, true));
            case INT4 -> type.equals(new ArrowType.Int(32, true));
            case INT8 -> type.equals(new ArrowType.Int(64, true));
            case FLOAT4 -> type.equals(new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE));
            case FLOAT8 -> type.equals(new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE));
            case BOOL -> type instanceof ArrowType.Bool;
            case TEXT, JSONB -> type instanceof ArrowType.Utf8;
            case BYTEA -> type instanceof ArrowType.Binary;
            case DATE -> type.equals(new ArrowType.Date(DateUnit.DAY));
            case TIMESTAMP -> type.equals(new ArrowType.Timestamp(TimeUnit.MICROSECOND, null));
            case TIMESTAMPTZ -> type.equals(new ArrowType.Timestamp(TimeUnit.MICROSECOND, "UTC"));
            case UUID -> type.equals(new ArrowType.FixedSizeBinary(16));
            case NUMERIC -> type instanceof ArrowType.Decimal decimal && decimal.getBitWidth() == 128;
        };
    }

    /**
     * Starts {@code COPY (query) TO STDOUT (FORMAT binary)} on {@code connection}, in the read-only
     * transaction the caller opened, and reads its header.
     *
     * @param typeNames each column's PostgreSQL type name, as {@link #decodes} accepted them
     * @throws SQLException when the database refuses the copy; the caller then closes the connection
     */
    public static PostgresCopyReader start(
            BufferAllocator allocator,
            Schema schema,
            List<String> typeNames,
            Connection connection,
            String query,
            int batchRows,
            String dataset)
            throws SQLException, IOException {
        List<Kind> kinds = kinds(schema, typeNames)
                .orElseThrow(() -> new IllegalArgumentException("not a schema this reader decodes"));
        CopyOut copy = connection
                .unwrap(PGConnection.class)
                .getCopyAPI()
                .copyOut("COPY (" + query + "\n) TO STDOUT (FORMAT binary)");
        if (copy == null) {
            throw new SQLException("PostgreSQL did not start the COPY");
        }
        PostgresCopyReader reader =
                new PostgresCopyReader(allocator, schema, connection, copy, kinds, batchRows, dataset);
        try {
            reader.readHeader();
        } catch (IOException | RuntimeException e) {
            try {
                reader.close();
            } catch (IOException | RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        return reader;
    }

    /**
     * Asks the database to stop what {@code connection} runs (a copy being started or read), from
     * any thread: the reader then fails with the database's error.
     */
    public static void cancel(Connection connection) {
        try {
            connection.unwrap(BaseConnection.class).cancelQuery();
        } catch (SQLException e) {
            // Nothing running, or the connection is gone: the copy ends with it either way.
        }
    }

    private void readHeader() throws IOException {
        for (byte expected : SIGNATURE) {
            if (readByte() != expected) {
                throw new IOException("PostgreSQL's COPY did not start with the binary signature");
            }
        }
        readInt(); // flags: no OIDs in COPY of a query
        int extension = readInt();
        skip(extension);
    }

    @Override
    protected boolean fill(VectorSchemaRoot root) throws IOException {
        if (ended) {
            return false;
        }
        List<FieldVector> vectors = root.getFieldVectors();
        for (FieldVector vector : vectors) {
            vector.reset();
        }
        int rows = 0;
        while (rows < batchRows) {
            int fields = readShort();
            if (fields == -1) {
                ended = true;
                // The trailer: the copy ends with it; reading on lets the driver see the end.
                if (message.length - position > 0 || nextMessage() != null) {
                    throw new IOException("PostgreSQL's COPY sent bytes after its trailer");
                }
                break;
            }
            if (fields != kinds.size()) {
                throw new IOException("PostgreSQL's COPY sent " + fields + " values in a row of " + kinds.size());
            }
            for (int column = 0; column < fields; column++) {
                int length = readInt();
                if (length < 0) {
                    vectors.get(column).setNull(rows);
                } else {
                    decode(kinds.get(column), vectors.get(column), rows, length, column);
                }
            }
            rows++;
            row++;
        }
        for (FieldVector vector : vectors) {
            vector.setValueCount(rows);
        }
        root.setRowCount(rows);
        return rows > 0;
    }

    private void decode(Kind kind, FieldVector vector, int index, int length, int column) throws IOException {
        switch (kind) {
            case INT2 -> ((SmallIntVector) vector).setSafe(index, (short) readShort());
            case INT4 -> ((IntVector) vector).setSafe(index, readInt());
            case INT8 -> ((BigIntVector) vector).setSafe(index, readLong());
            case FLOAT4 -> ((Float4Vector) vector).setSafe(index, Float.intBitsToFloat(readInt()));
            case FLOAT8 -> ((Float8Vector) vector).setSafe(index, Double.longBitsToDouble(readLong()));
            case BOOL -> ((BitVector) vector).setSafe(index, readByte() != 0 ? 1 : 0);
            case TEXT -> {
                ensure(length);
                ((VarCharVector) vector).setSafe(index, message, position, length);
                position += length;
            }
            case JSONB -> {
                int version = readByte();
                if (version != 1) {
                    throw failure(column, "jsonb of format version " + version);
                }
                ensure(length - 1);
                ((VarCharVector) vector).setSafe(index, message, position, length - 1);
                position += length - 1;
            }
            case BYTEA -> {
                ensure(length);
                ((VarBinaryVector) vector).setSafe(index, message, position, length);
                position += length;
            }
            case DATE -> {
                int days = readInt();
                if (days == Integer.MAX_VALUE || days == Integer.MIN_VALUE) {
                    throw failure(column, "the date " + (days > 0 ? "infinity" : "-infinity"));
                }
                ((DateDayVector) vector).setSafe(index, (int) (days + EPOCH_DAYS));
            }
            case TIMESTAMP -> ((TimeStampMicroVector) vector).setSafe(index, micros(readLong(), column));
            case TIMESTAMPTZ -> ((TimeStampMicroTZVector) vector).setSafe(index, micros(readLong(), column));
            case UUID -> {
                if (length != 16) {
                    throw failure(column, "a uuid of " + length + " bytes");
                }
                ensure(16);
                ((FixedSizeBinaryVector) vector).setSafe(index, slice(16));
            }
            case NUMERIC -> numeric((DecimalVector) vector, index, column);
            default -> throw new IllegalStateException("no decoder for " + kind);
        }
    }

    private byte[] slice(int length) {
        byte[] bytes = new byte[length];
        System.arraycopy(message, position, bytes, 0, length);
        position += length;
        return bytes;
    }

    private long micros(long sinceMillennium, int column) throws IOException {
        if (sinceMillennium == Long.MAX_VALUE || sinceMillennium == Long.MIN_VALUE) {
            throw failure(column, "the timestamp " + (sinceMillennium > 0 ? "infinity" : "-infinity"));
        }
        try {
            return Math.addExact(sinceMillennium, EPOCH_MICROS);
        } catch (ArithmeticException e) {
            throw failure(column, "a timestamp beyond Arrow's range");
        }
    }

    /**
     * A binary {@code numeric}, set at the vector's scale: the count of base-10000 digits, the
     * weight of the first (its power of 10000), the sign, the display scale, then the digits.
     */
    private void numeric(DecimalVector vector, int index, int column) throws IOException {
        int digits = readShort();
        int weight = readShort();
        int sign = readShort() & 0xffff;
        readShort(); // the display scale: the column's, which the vector has
        if (sign == NUMERIC_NAN || sign == NUMERIC_INFINITY || sign == NUMERIC_MINUS_INFINITY) {
            throw failure(
                    column, "numeric " + (sign == NUMERIC_NAN ? "NaN" : "infinity") + ", which a decimal cannot hold");
        }
        // The digits make an integer whose last digit stands for 10000^(weight - digits + 1).
        int exponent = 4 * (weight - digits + 1) + vector.getScale();
        if (digits <= 4 && exponent > -POWERS_OF_TEN.length && exponent < POWERS_OF_TEN.length) {
            long whole = 0;
            for (int i = 0; i < digits; i++) {
                whole = whole * 10_000 + readShort();
            }
            try {
                long unscaled = exponent >= 0
                        ? Math.multiplyExact(whole, POWERS_OF_TEN[exponent])
                        : whole / POWERS_OF_TEN[-exponent];
                vector.setSafe(index, sign == NUMERIC_NEGATIVE ? -unscaled : unscaled);
                return;
            } catch (ArithmeticException tooLarge) {
                set(vector, index, BigInteger.valueOf(whole), exponent, sign);
                return;
            }
        }
        BigInteger whole = BigInteger.ZERO;
        for (int i = 0; i < digits; i++) {
            whole = whole.multiply(TEN_THOUSAND).add(BigInteger.valueOf(readShort()));
        }
        set(vector, index, whole, exponent, sign);
    }

    private static void set(DecimalVector vector, int index, BigInteger whole, int exponent, int sign) {
        BigInteger unscaled = exponent >= 0
                ? whole.multiply(BigInteger.TEN.pow(exponent))
                : whole.divide(BigInteger.TEN.pow(-exponent));
        vector.setSafe(
                index, new BigDecimal(sign == NUMERIC_NEGATIVE ? unscaled.negate() : unscaled, vector.getScale()));
    }

    /**
     * A value of the source that Arrow's type cannot hold: the source's data, not a fault of the
     * server, so the client hears which (dataset, column, row) and the log has it in one line.
     */
    private ArrowHttpException failure(int column, String what) {
        String id = ErrorIds.next();
        String message = "Dataset " + ClientText.quote(dataset) + " cannot serve column "
                + ClientText.quote(names.get(column)) + ", row " + (row + 1) + ": " + what;
        LOG.warn("{} [{}]", message, id);
        return ArrowHttpException.logged(
                ErrorCode.UNAVAILABLE,
                message + "; tell the server's operators, quoting " + id + ", or cast the column in the query",
                id);
    }

    // -- reading the copy's bytes, message by message ---------------------------------------

    /** Makes at least {@code count} bytes readable at {@link #position} in {@link #message}. */
    private void ensure(int count) throws IOException {
        if (message.length - position >= count) {
            return;
        }
        if (position == message.length) {
            // PostgreSQL sends a row per message: the next one, taken as it is, without a copy.
            byte[] next = nextMessage();
            if (next == null) {
                throw new IOException("PostgreSQL's COPY ended inside a row");
            }
            message = next;
            position = 0;
            if (message.length >= count) {
                return;
            }
        }
        // Bytes across messages: what is left of this one joined with those that follow.
        byte[] joined = Arrays.copyOfRange(message, position, message.length);
        while (joined.length < count) {
            byte[] next = nextMessage();
            if (next == null) {
                throw new IOException("PostgreSQL's COPY ended inside a row");
            }
            byte[] merged = new byte[joined.length + next.length];
            System.arraycopy(joined, 0, merged, 0, joined.length);
            System.arraycopy(next, 0, merged, joined.length, next.length);
            joined = merged;
        }
        message = joined;
        position = 0;
    }

    private byte[] nextMessage() throws IOException {
        try {
            return copy.readFromCopy();
        } catch (SQLException e) {
            String state = e.getSQLState() == null ? "" : e.getSQLState();
            if (state.startsWith("08") || state.startsWith("57P")) {
                // The connection broke or the server is shutting down: an outage, not a bug here.
                String id = ErrorIds.next();
                LOG.warn("The database of dataset '{}' stopped answering mid-stream [{}]: {}", dataset, id, state);
                throw ArrowHttpException.logged(
                        ErrorCode.UNAVAILABLE,
                        "The database of dataset " + ClientText.quote(dataset) + " stopped answering after " + row
                                + " rows; fetch again later, or tell the server's operators, quoting " + id,
                        id);
            }
            throw new IOException("PostgreSQL's COPY failed: " + e.getMessage(), e);
        }
    }

    private int readByte() throws IOException {
        ensure(1);
        return message[position++];
    }

    private int readShort() throws IOException {
        ensure(2);
        int value = (short) (((message[position] & 0xff) << 8) | (message[position + 1] & 0xff));
        position += 2;
        return value;
    }

    private int readInt() throws IOException {
        ensure(4);
        int value = ((message[position] & 0xff) << 24)
                | ((message[position + 1] & 0xff) << 16)
                | ((message[position + 2] & 0xff) << 8)
                | (message[position + 3] & 0xff);
        position += 4;
        return value;
    }

    private long readLong() throws IOException {
        long high = readInt() & 0xffffffffL;
        long low = readInt() & 0xffffffffL;
        return (high << 32) | low;
    }

    private void skip(int count) throws IOException {
        ensure(count);
        position += count;
    }

    /**
     * Ends the read-only transaction and gives the connection back. A copy that did not reach its
     * end (a client gone, a deadline, a value Arrow cannot hold) would leave PostgreSQL sending rows
     * on it, and a cancelled copy can leave the driver mid-protocol: that connection is aborted
     * instead, so the pool drops it and never lends it again.
     */
    @Override
    protected void closeSource() throws IOException {
        if (copy.isActive()) {
            try {
                connection.abort(Runnable::run);
            } catch (SQLException | RuntimeException e) {
                LOG.debug("Aborting a PostgreSQL connection mid-COPY: {}", e.toString());
            }
            try {
                connection.close();
            } catch (SQLException e) {
                // The pool refuses an aborted connection with an error, and drops it.
                LOG.trace("Closing an aborted PostgreSQL connection: {}", e.toString());
            }
            return;
        }
        try (connection) {
            if (!connection.getAutoCommit()) {
                connection.rollback();
            }
        } catch (SQLException e) {
            throw new IOException("Cannot close a PostgreSQL COPY", e);
        }
    }
}

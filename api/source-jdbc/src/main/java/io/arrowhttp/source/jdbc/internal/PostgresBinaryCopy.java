package io.arrowhttp.source.jdbc.internal;

import io.arrowhttp.dataset.Upload;
import io.arrowhttp.internal.sql.SqlIdentifiers;
import io.arrowhttp.protocol.ArrowHttpException;
import io.arrowhttp.protocol.ClientText;
import java.io.DataOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.memory.util.ArrowBufPointer;
import org.apache.arrow.vector.BaseIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DateMilliVector;
import org.apache.arrow.vector.Decimal256Vector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.ElementAddressableVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.postgresql.PGConnection;
import org.postgresql.copy.PGCopyOutputStream;

/**
 * An upload's rows into a PostgreSQL table through {@code COPY ... FROM STDIN (FORMAT binary)}:
 * each value is encoded from the Arrow vectors in PostgreSQL's binary format, with no text
 * parsing on either side, and streamed to the server as the batches arrive.
 *
 * <p>The types it writes, by the column's type: {@code int2}, {@code int4}, {@code int8} from
 * Arrow integers no wider; {@code float4}, {@code float8}; {@code bool}; {@code text},
 * {@code varchar}, {@code bpchar}, {@code name} from UTF-8 strings; {@code bytea} from binary;
 * {@code date}; {@code timestamp} from timestamps without a time zone and {@code timestamptz}
 * from those with one; {@code numeric} from decimals and integers. Anything else is refused before
 * a row is written, naming the column.
 */
public final class PostgresBinaryCopy implements RowWriter {

    private static final byte[] SIGNATURE = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xff, '\r', '\n', 0};
    /** Days and microseconds from 1970-01-01 to 2000-01-01, PostgreSQL's epoch. */
    private static final int EPOCH_DAYS = 10_957;

    private static final long EPOCH_MICROS = EPOCH_DAYS * 86_400_000_000L;
    private static final int BUFFER_BYTES = 1 << 20;
    private static final Set<String> TEXT = Set.of("text", "varchar", "bpchar", "name");

    private final TableColumns columns;
    private final List<Encoder> encoders;
    private final String dataset;

    private PostgresBinaryCopy(TableColumns columns, List<Encoder> encoders, String dataset) {
        this.columns = columns;
        this.encoders = encoders;
        this.dataset = dataset;
    }

    /**
     * The writer of {@code schema}'s fields into the matched columns.
     *
     * @throws ArrowHttpException {@code INVALID_ARGUMENT} naming a column whose type the field's
     *     Arrow type cannot be written as
     */
    public static PostgresBinaryCopy of(TableColumns columns, Schema schema, String dataset) {
        List<Encoder> encoders = new ArrayList<>();
        for (int i = 0; i < schema.getFields().size(); i++) {
            Field field = schema.getFields().get(i);
            TableColumns.Column column = columns.matched().get(i);
            Encoder encoder = encoder(field.getType(), column.typeName());
            if (encoder == null) {
                throw ArrowHttpException.invalidArgument("Column " + ClientText.quote(column.name()) + " of dataset "
                        + ClientText.quote(dataset) + " is " + column.typeName() + ", which the upload's "
                        + field.getType() + " cannot be written as. Nothing was written.");
            }
            encoders.add(encoder);
        }
        return new PostgresBinaryCopy(columns, List.copyOf(encoders), dataset);
    }

    @Override
    public long write(Connection connection, Upload upload) throws SQLException, IOException {
        PGConnection postgres = connection.unwrap(PGConnection.class);
        String sql = "COPY " + columns.table() + " " + columns.columnList(SqlIdentifiers.STANDARD)
                + " FROM STDIN (FORMAT binary)";
        PGCopyOutputStream copy = new PGCopyOutputStream(postgres, sql, BUFFER_BYTES);
        boolean ended = false;
        try {
            DataOutputStream out = new DataOutputStream(copy);
            out.write(SIGNATURE);
            out.writeInt(0);
            out.writeInt(0);
            long rows = 0;
            while (upload.loadNextBatch()) {
                VectorSchemaRoot root = upload.root();
                List<FieldVector> vectors = root.getFieldVectors();
                for (int row = 0; row < root.getRowCount(); row++) {
                    out.writeShort(vectors.size());
                    for (int i = 0; i < vectors.size(); i++) {
                        FieldVector vector = vectors.get(i);
                        RowWriter.refuseNull(vector, columns.matched().get(i), row, rows, dataset);
                        if (vector.isNull(row)) {
                            out.writeInt(-1);
                        } else {
                            encoders.get(i).write(out, vector, row);
                        }
                    }
                }
                rows += root.getRowCount();
            }
            out.writeShort(-1);
            out.flush();
            copy.endCopy();
            ended = true;
            return rows;
        } finally {
            if (!ended && copy.isActive()) {
                // Ending the COPY would write what was sent; cancelling it writes nothing.
                copy.cancelCopy();
            }
        }
    }

    /** Writes one non-null value: its length, then its bytes. */
    @FunctionalInterface
    private interface Encoder {
        void write(DataOutputStream out, FieldVector vector, int row) throws IOException;
    }

    private static Encoder encoder(ArrowType type, String column) {
        if (type instanceof ArrowType.Int integer && integer.getIsSigned()) {
            return integers(integer.getBitWidth(), column);
        }
        if (type instanceof ArrowType.FloatingPoint floating) {
            boolean single = floating.getPrecision() == FloatingPointPrecision.SINGLE;
            if (column.equals("float4") && single) {
                return (out, vector, row) -> {
                    out.writeInt(4);
                    out.writeFloat(((Float4Vector) vector).get(row));
                };
            }
            if (column.equals("float8") && (single || floating.getPrecision() == FloatingPointPrecision.DOUBLE)) {
                return (out, vector, row) -> {
                    out.writeInt(8);
                    out.writeDouble(single ? ((Float4Vector) vector).get(row) : ((Float8Vector) vector).get(row));
                };
            }
            return null;
        }
        if (type instanceof ArrowType.Bool && column.equals("bool")) {
            return (out, vector, row) -> {
                out.writeInt(1);
                out.writeByte(((BitVector) vector).get(row));
            };
        }
        boolean text = type instanceof ArrowType.Utf8 || type instanceof ArrowType.LargeUtf8;
        boolean binary = type instanceof ArrowType.Binary
                || type instanceof ArrowType.LargeBinary
                || type instanceof ArrowType.FixedSizeBinary;
        if ((text && TEXT.contains(column)) || (binary && column.equals("bytea"))) {
            return bytes();
        }
        if (type instanceof ArrowType.Date && column.equals("date")) {
            return (out, vector, row) -> {
                long days = vector instanceof DateDayVector day
                        ? day.get(row)
                        : Math.floorDiv(((DateMilliVector) vector).get(row), 86_400_000L);
                out.writeInt(4);
                out.writeInt(Math.toIntExact(days - EPOCH_DAYS));
            };
        }
        if (type instanceof ArrowType.Timestamp timestamp
                && column.equals(timestamp.getTimezone() == null ? "timestamp" : "timestamptz")) {
            TimeUnit unit = switch (timestamp.getUnit()) {
                case SECOND -> TimeUnit.SECONDS;
                case MILLISECOND -> TimeUnit.MILLISECONDS;
                case MICROSECOND -> TimeUnit.MICROSECONDS;
                case NANOSECOND -> TimeUnit.NANOSECONDS;
            };
            return (out, vector, row) -> {
                long raw = ((TimeStampVector) vector).get(row);
                long micros = unit == TimeUnit.NANOSECONDS ? Math.floorDiv(raw, 1000L) : unit.toMicros(raw);
                out.writeInt(8);
                out.writeLong(micros - EPOCH_MICROS);
            };
        }
        if (type instanceof ArrowType.Decimal && column.equals("numeric")) {
            return (out, vector, row) -> PostgresNumeric.write(
                    out,
                    vector instanceof DecimalVector decimal
                            ? decimal.getObject(row)
                            : ((Decimal256Vector) vector).getObject(row));
        }
        return null;
    }

    private static Encoder integers(int bits, String column) {
        switch (column) {
            case "int2":
                return bits > 16
                        ? null
                        : (out, vector, row) -> {
                            out.writeInt(2);
                            out.writeShort((int) ((BaseIntVector) vector).getValueAsLong(row));
                        };
            case "int4":
                return bits > 32
                        ? null
                        : (out, vector, row) -> {
                            out.writeInt(4);
                            out.writeInt((int) ((BaseIntVector) vector).getValueAsLong(row));
                        };
            case "int8":
                return (out, vector, row) -> {
                    out.writeInt(8);
                    out.writeLong(((BaseIntVector) vector).getValueAsLong(row));
                };
            case "numeric":
                return (out, vector, row) ->
                        PostgresNumeric.write(out, BigDecimal.valueOf(((BaseIntVector) vector).getValueAsLong(row)));
            default:
                return null;
        }
    }

    /** UTF-8 text and binary: the vector's bytes as they are. */
    private static Encoder bytes() {
        ArrowBufPointer pointer = new ArrowBufPointer();
        byte[][] scratch = {new byte[256]};
        return (out, vector, row) -> {
            ((ElementAddressableVector) vector).getDataPointer(row, pointer);
            int length = Math.toIntExact(pointer.getLength());
            if (scratch[0].length < length) {
                scratch[0] = new byte[Math.max(length, scratch[0].length * 2)];
            }
            pointer.getBuf().getBytes(pointer.getOffset(), scratch[0], 0, length);
            out.writeInt(length);
            out.write(scratch[0], 0, length);
        };
    }
}

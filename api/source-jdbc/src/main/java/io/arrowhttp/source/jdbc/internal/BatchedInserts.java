package io.arrowhttp.source.jdbc.internal;

import io.arrowhttp.dataset.Upload;
import io.arrowhttp.internal.sql.SqlIdentifiers;
import io.arrowhttp.protocol.ArrowHttpException;
import io.arrowhttp.protocol.ClientText;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collections;
import java.util.List;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.arrow.vector.util.Text;

/**
 * An upload's rows into any JDBC table through a prepared {@code INSERT}, sent in batches of
 * {@link #BATCH_ROWS}: for databases without a bulk path of their own. Values go as the JDBC
 * objects of their Arrow types (strings, numbers, {@code LocalDate}, {@code LocalDateTime},
 * {@code OffsetDateTime} for timestamps with a time zone, {@code BigDecimal}, {@code byte[]});
 * nested types are refused before a row is written.
 */
public final class BatchedInserts implements RowWriter {

    /** Rows per JDBC batch: large enough that round trips do not dominate, small enough to bound memory. */
    public static final int BATCH_ROWS = 5_000;

    private final TableColumns columns;
    private final SqlIdentifiers identifiers;
    private final String dataset;

    private BatchedInserts(TableColumns columns, SqlIdentifiers identifiers, String dataset) {
        this.columns = columns;
        this.identifiers = identifiers;
        this.dataset = dataset;
    }

    /**
     * @throws ArrowHttpException {@code INVALID_ARGUMENT} naming a field of a nested type
     */
    public static BatchedInserts of(TableColumns columns, Schema schema, SqlIdentifiers identifiers, String dataset) {
        for (Field field : schema.getFields()) {
            if (field.getType().isComplex() || field.getType() instanceof ArrowType.Duration) {
                throw ArrowHttpException.invalidArgument("Column " + ClientText.quote(field.getName()) + " is "
                        + field.getType() + ", which dataset " + ClientText.quote(dataset)
                        + " cannot store. Nothing was written.");
            }
        }
        return new BatchedInserts(columns, identifiers, dataset);
    }

    @Override
    public long write(Connection connection, Upload upload) throws SQLException {
        List<TableColumns.Column> matched = columns.matched();
        String sql = "INSERT INTO " + columns.table() + " " + columns.columnList(identifiers) + " VALUES ("
                + String.join(", ", Collections.nCopies(matched.size(), "?")) + ")";
        long rows = 0;
        try (PreparedStatement insert = connection.prepareStatement(sql)) {
            int pending = 0;
            while (upload.loadNextBatch()) {
                VectorSchemaRoot root = upload.root();
                List<FieldVector> vectors = root.getFieldVectors();
                for (int row = 0; row < root.getRowCount(); row++) {
                    for (int i = 0; i < vectors.size(); i++) {
                        FieldVector vector = vectors.get(i);
                        RowWriter.refuseNull(vector, matched.get(i), row, rows, dataset);
                        if (vector.isNull(row)) {
                            insert.setNull(i + 1, matched.get(i).jdbcType());
                        } else {
                            insert.setObject(i + 1, jdbcValue(vector, row));
                        }
                    }
                    insert.addBatch();
                    if (++pending == BATCH_ROWS) {
                        insert.executeBatch();
                        pending = 0;
                    }
                }
                rows += root.getRowCount();
            }
            if (pending > 0) {
                insert.executeBatch();
            }
        }
        return rows;
    }

    private static Object jdbcValue(FieldVector vector, int row) {
        if (vector instanceof DateDayVector day) {
            return LocalDate.ofEpochDay(day.get(row));
        }
        if (vector instanceof TimeStampVector timestamp
                && ((ArrowType.Timestamp) vector.getField().getType()).getTimezone() != null) {
            long raw = timestamp.get(row);
            Instant instant = switch (((ArrowType.Timestamp) vector.getField().getType()).getUnit()) {
                case SECOND -> Instant.ofEpochSecond(raw);
                case MILLISECOND -> Instant.ofEpochMilli(raw);
                case MICROSECOND ->
                    Instant.ofEpochSecond(Math.floorDiv(raw, 1_000_000L), Math.floorMod(raw, 1_000_000L) * 1000L);
                case NANOSECOND ->
                    Instant.ofEpochSecond(Math.floorDiv(raw, 1_000_000_000L), Math.floorMod(raw, 1_000_000_000L));
            };
            return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
        }
        Object value = vector.getObject(row);
        return value instanceof Text text ? text.toString() : value;
    }
}

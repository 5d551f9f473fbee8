package io.arrowhttp.source.jdbc.internal;

import io.arrowhttp.dataset.Upload;
import io.arrowhttp.protocol.ArrowHttpException;
import io.arrowhttp.protocol.ClientText;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import org.apache.arrow.vector.FieldVector;

/**
 * Writes every row of an upload into a table, in the caller's transaction: PostgreSQL's binary
 * {@code COPY} ({@link PostgresBinaryCopy}) or batched {@code INSERT}s ({@link BatchedInserts}).
 */
public interface RowWriter {

    /**
     * Reads the upload's batches and writes their rows.
     *
     * @return the rows written
     */
    long write(Connection connection, Upload upload) throws SQLException, IOException;

    /** Refuses a null in a column that takes none, naming the column and the row. */
    static void refuseNull(FieldVector vector, TableColumns.Column column, int row, long rowsBefore, String dataset) {
        if (!column.nullable() && vector.isNull(row)) {
            throw ArrowHttpException.invalidArgument("Column " + ClientText.quote(column.name()) + " of dataset "
                    + ClientText.quote(dataset) + " takes no nulls; row " + (rowsBefore + row + 1)
                    + " of the upload has one. Nothing was written.");
        }
    }
}

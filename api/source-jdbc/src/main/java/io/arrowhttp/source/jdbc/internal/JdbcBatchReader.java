package io.arrowhttp.source.jdbc.internal;

import io.arrowhttp.dataset.GeneratingReader;
import io.arrowhttp.dataset.SharedBuffers;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.apache.arrow.adapter.jdbc.ArrowVectorIterator;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The rows of one running query, a batch at a time, as Arrow's JDBC adapter fills them. The
 * adapter refills one root for every batch, and this reader's root shares its buffers (no copy):
 * after the first batch the same memory serves every batch, instead of each batch allocating and
 * growing buffers of its own, which left glibc's per-thread pools holding freed memory.
 *
 * <h2>Ownership</h2>
 * Owns the query: {@link #close()} closes this reader's root, then the adapter's iterator and its
 * vectors, then ends the read-only transaction and closes the result set, the statement and the
 * connection, which goes back to its pool. Every buffer comes from the response's allocator, which
 * the caller closes after this reader.
 */
public final class JdbcBatchReader extends GeneratingReader {

    private final Connection connection;
    private final PreparedStatement statement;
    private final ResultSet result;
    private final ArrowVectorIterator batches;
    /** The first batch, read when the query was opened so that a value it cannot read fails the request; null once sent. */
    private VectorSchemaRoot first;

    public JdbcBatchReader(
            BufferAllocator allocator,
            Schema schema,
            Connection connection,
            PreparedStatement statement,
            ResultSet result,
            ArrowVectorIterator batches,
            VectorSchemaRoot first) {
        super(allocator, schema);
        this.first = first;
        this.connection = connection;
        this.statement = statement;
        this.result = result;
        this.batches = batches;
    }

    @Override
    protected boolean fill(VectorSchemaRoot root) throws IOException {
        VectorSchemaRoot batch = first;
        first = null;
        if (batch == null) {
            if (!batches.hasNext()) {
                return false;
            }
            // The adapter's own root, refilled by every call and closed with the iterator.
            batch = batches.next();
        }
        if (batch.getRowCount() == 0 && !batches.hasNext()) {
            return false;
        }
        SharedBuffers.share(batch, root);
        return true;
    }

    @Override
    protected void closeSource() throws IOException {
        try (connection;
                statement;
                result) {
            batches.close();
            if (!connection.getAutoCommit()) {
                connection.rollback();
            }
        } catch (SQLException e) {
            throw new IOException("Cannot close a JDBC query", e);
        }
    }
}

package io.arrowhttp.source.duckdb.internal;

import io.arrowhttp.dataset.GeneratingReader;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Set;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.dictionary.Dictionary;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The batches of one running DuckDB query, as DuckDB's Arrow export imports them through the C
 * data interface: each batch's buffers are handed over to this reader's root (transferred, not
 * copied).
 *
 * <h2>Ownership</h2>
 * Owns everything the query holds: {@link #close()} closes this reader's root, then the imported
 * stream (which releases DuckDB's last batch), the result set, the statement and the connection,
 * in that order. The imported buffers and the root are allocated from the response's allocator,
 * which the caller closes after this reader.
 */
public final class QueryReader extends GeneratingReader {

    private final Connection connection;
    private final PreparedStatement statement;
    private final ResultSet result;
    private final ArrowReader imported;

    /**
     * @param imported the reader DuckDB's {@code arrowExportStream} returned for {@code result}
     */
    public QueryReader(
            BufferAllocator allocator,
            Schema schema,
            Connection connection,
            PreparedStatement statement,
            ResultSet result,
            ArrowReader imported) {
        super(allocator, schema);
        this.connection = connection;
        this.statement = statement;
        this.result = result;
        this.imported = imported;
    }

    @Override
    protected boolean fill(VectorSchemaRoot root) throws IOException {
        if (!imported.loadNextBatch()) {
            return false;
        }
        handOver(imported.getVectorSchemaRoot(), root);
        return true;
    }

    /** Dictionaries of DuckDB's {@code ENUM} columns are the imported stream's. */
    @Override
    public Dictionary lookup(long id) {
        return imported.lookup(id);
    }

    @Override
    public Set<Long> getDictionaryIds() {
        return imported.getDictionaryIds();
    }

    @Override
    protected void closeSource() throws IOException {
        try (connection;
                statement;
                result) {
            imported.close();
        } catch (SQLException e) {
            throw new IOException("Cannot close a DuckDB query", e);
        }
    }
}

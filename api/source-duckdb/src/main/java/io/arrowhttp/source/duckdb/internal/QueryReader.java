package io.arrowhttp.source.duckdb.internal;

import io.arrowhttp.dataset.GeneratingReader;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.Set;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.dictionary.Dictionary;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The batches of one running DuckDB query, as DuckDB's Arrow export imports them through the C
 * data interface: each batch's buffers are handed over to this reader's root (transferred, not
 * copied), or converted to the types a Parquet file stores ({@link StoredTypes}).
 *
 * <h2>Ownership</h2>
 * Owns everything the query holds: {@link #close()} closes this reader's root, then the imported
 * stream (which releases DuckDB's last batch), the result set, the statement and the connection,
 * in that order, and last the conversion's dictionaries, if batches are converted. The imported buffers and the root are allocated from the response's allocator,
 * which the caller closes after this reader.
 */
public final class QueryReader extends GeneratingReader {

    private final Connection connection;
    private final PreparedStatement statement;
    private final ResultSet result;
    private final ArrowReader imported;
    private final StoredTypes.Conversion conversion;

    /**
     * @param imported the reader DuckDB's {@code arrowExportStream} returned for {@code result}
     * @param conversion how DuckDB's batches become the types the file stores, or null to send
     *     them as they are; this reader closes it
     */
    public QueryReader(
            BufferAllocator allocator,
            Schema schema,
            Connection connection,
            PreparedStatement statement,
            ResultSet result,
            ArrowReader imported,
            StoredTypes.Conversion conversion) {
        super(allocator, schema);
        this.connection = connection;
        this.statement = statement;
        this.result = result;
        this.imported = imported;
        this.conversion = conversion;
    }

    @Override
    protected boolean fill(VectorSchemaRoot root) throws IOException {
        if (!imported.loadNextBatch()) {
            return false;
        }
        if (conversion == null) {
            handOver(imported.getVectorSchemaRoot(), root);
        } else {
            conversion.convert(imported.getVectorSchemaRoot(), root);
        }
        return true;
    }

    /**
     * Dictionaries of columns the file stores dictionary-encoded are the conversion's, those of
     * DuckDB's {@code ENUM} columns the imported stream's.
     */
    @Override
    public Dictionary lookup(long id) {
        Dictionary converted = conversion == null ? null : conversion.lookup(id);
        return converted != null ? converted : imported.lookup(id);
    }

    @Override
    public Set<Long> getDictionaryIds() {
        if (conversion == null) {
            return imported.getDictionaryIds();
        }
        Set<Long> ids = new HashSet<>(imported.getDictionaryIds());
        ids.addAll(conversion.getDictionaryIds());
        return ids;
    }

    @Override
    protected void closeSource() throws IOException {
        try (connection;
                statement;
                result) {
            imported.close();
        } catch (SQLException e) {
            throw new IOException("Cannot close a DuckDB query", e);
        } finally {
            if (conversion != null) {
                conversion.close();
            }
        }
    }
}

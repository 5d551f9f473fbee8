package io.arrowhttp.source.jdbc;

import io.arrowhttp.call.ErrorIds;
import io.arrowhttp.dataset.Dataset;
import io.arrowhttp.dataset.DatasetStore;
import io.arrowhttp.dataset.Upload;
import io.arrowhttp.internal.sql.SqlIdentifiers;
import io.arrowhttp.protocol.ArrowHttpException;
import io.arrowhttp.protocol.ClientText;
import io.arrowhttp.protocol.ErrorCode;
import io.arrowhttp.source.jdbc.internal.BatchedInserts;
import io.arrowhttp.source.jdbc.internal.DuckDbAppends;
import io.arrowhttp.source.jdbc.internal.PostgresBinaryCopy;
import io.arrowhttp.source.jdbc.internal.RowWriter;
import io.arrowhttp.source.jdbc.internal.TableColumns;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Uploads into database tables: each configured table is a dataset that serves its rows and takes
 * {@code PUT} (its rows replaced) and {@code POST} (rows added), each in one transaction, all or
 * nothing. On PostgreSQL the rows go through the binary {@code COPY} protocol and on DuckDB through
 * its appender, unless configured otherwise; elsewhere, and when asked, through batched
 * {@code INSERT}s.
 *
 * <p>{@code PUT} deletes the table's rows with {@code DELETE}, not {@code TRUNCATE}, in the same
 * transaction: readers keep seeing the old rows until it commits, instead of waiting for it.
 *
 * <p>Only the configured tables take uploads; an upload to another name is refused (405), and no
 * table is ever created, nor dropped: {@code DELETE} of a table's dataset is refused (405). The
 * upload's columns are matched to the table's by name; the table's other columns get their
 * defaults. The upload's description and metadata are not kept: the catalog describes the table.
 *
 * <h2>Ownership</h2>
 * The caller owns the data source, which must allow writes, and closes it after the server has
 * stopped.
 */
public final class JdbcTableStore implements DatasetStore {

    private static final Logger LOG = LoggerFactory.getLogger(JdbcTableStore.class);

    /** How rows reach a table. */
    public enum Method {
        /** PostgreSQL's binary {@code COPY} on PostgreSQL, DuckDB's appender on DuckDB, batched inserts elsewhere. */
        AUTOMATIC,
        /** Batched {@code INSERT}s, whatever the database. */
        INSERTS
    }

    /**
     * One table that takes uploads.
     *
     * @param dataset the dataset that serves the table's rows, such as a {@link JdbcDataset} of
     *     {@code SELECT * FROM table}; its name is the upload's
     * @param table the table, as SQL names it ({@code orders} or {@code sales.orders})
     */
    public record Table(Dataset dataset, String table, Method method) {

        public Table {
            Objects.requireNonNull(dataset, "dataset");
            Objects.requireNonNull(method, "method");
            if (!TableColumns.isTableName(table)) {
                throw new IllegalArgumentException("A table is named by letters, digits and underscores, optionally"
                        + " after a schema and a dot; got '" + table + "'");
            }
        }
    }

    private final DataSource writes;
    private final Map<String, Table> tables = new LinkedHashMap<>();

    /** @param writes where uploads are written: a pool that allows writes */
    public JdbcTableStore(DataSource writes, List<Table> tables) {
        this.writes = Objects.requireNonNull(writes, "writes");
        for (Table table : tables) {
            if (this.tables.put(table.dataset().name(), table) != null) {
                throw new IllegalArgumentException("Dataset '" + table.dataset().name() + "' is given twice");
            }
        }
    }

    @Override
    public List<Dataset> datasets() {
        List<Dataset> datasets = new ArrayList<>();
        tables.values().forEach(table -> datasets.add(table.dataset()));
        return datasets;
    }

    @Override
    public boolean accepts(String name) {
        return false;
    }

    @Override
    public Dataset write(Upload upload, Dataset current) {
        String name = upload.datasetName();
        Table table = tables.get(name);
        if (table == null) {
            throw new IllegalStateException("Dataset '" + name + "' is not a table of this store");
        }
        try (Connection connection = writes.getConnection()) {
            boolean autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(false);
            try {
                write(connection, table, upload);
                connection.commit();
            } catch (SQLException | IOException | RuntimeException e) {
                rollback(connection);
                throw e;
            } finally {
                connection.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            throw refused(name, e);
        } catch (IOException e) {
            throw new IllegalStateException("Writing an upload to dataset '" + name + "' failed", e);
        }
        // The same query reads the new rows.
        return current;
    }

    private static void write(Connection connection, Table table, Upload upload) throws SQLException, IOException {
        String name = upload.datasetName();
        TableColumns columns = TableColumns.match(connection, table.table(), upload.schema(), name);
        RowWriter rows;
        if (table.method() == Method.AUTOMATIC && connection.isWrapperFor(PGConnection.class)) {
            rows = PostgresBinaryCopy.of(columns, upload.schema(), name);
        } else if (table.method() == Method.AUTOMATIC && DuckDbAppends.isDuckDb(connection)) {
            rows = DuckDbAppends.of(columns, upload.schema(), name);
        } else {
            rows = BatchedInserts.of(
                    columns,
                    upload.schema(),
                    SqlIdentifiers.quotedWith(connection.getMetaData().getIdentifierQuoteString()),
                    name);
        }
        if (upload.mode() == Upload.Mode.REPLACE) {
            try (Statement delete = connection.createStatement()) {
                delete.executeUpdate("DELETE FROM " + table.table());
            }
        }
        rows.write(connection, upload);
    }

    /**
     * A value the table refuses (SQLSTATE classes 22 and 23: out of range, a constraint) is the
     * client's mistake; anything else the server's. The database's message, which names tables and
     * may hold values, goes to the log only.
     */
    private static RuntimeException refused(String name, SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        String id = ErrorIds.next();
        LOG.warn(
                "Upload to dataset '{}' refused by the database [{}]: {}",
                ClientText.escape(name, 128),
                id,
                ClientText.escape(String.valueOf(e.getMessage()), 1024));
        if (state.startsWith("22") || state.startsWith("23")) {
            return new ArrowHttpException(
                    ErrorCode.INVALID_ARGUMENT,
                    "The database refused a value of the upload (SQLSTATE " + ClientText.escape(state, 5)
                            + "); the server's operators find why under " + id + ". Nothing was written.");
        }
        return new ArrowHttpException(
                ErrorCode.UNAVAILABLE,
                "Dataset " + ClientText.quote(name) + " cannot be written now; tell the server's operators, quoting "
                        + id + ". Nothing was written.");
    }

    private static void rollback(Connection connection) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            LOG.debug("Rolling back a failed upload failed too: {}", e.getMessage());
        }
    }
}

package io.arrowhttp.source.jdbc;

import io.arrowhttp.call.ErrorIds;
import io.arrowhttp.dataset.DatasetDescription;
import io.arrowhttp.dataset.DatasetRequest;
import io.arrowhttp.dataset.DeclaredParameters;
import io.arrowhttp.dataset.DescribedDataset;
import io.arrowhttp.dataset.QueryParameter;
import io.arrowhttp.dataset.Selection;
import io.arrowhttp.dataset.SourceFailures;
import io.arrowhttp.internal.sql.NamedSql;
import io.arrowhttp.internal.sql.SqlIdentifiers;
import io.arrowhttp.protocol.ArrowHttpException;
import io.arrowhttp.protocol.ClientText;
import io.arrowhttp.protocol.DatasetInfo;
import io.arrowhttp.protocol.ErrorCode;
import io.arrowhttp.protocol.QueryParameters;
import io.arrowhttp.source.jdbc.internal.ArrowTypes;
import io.arrowhttp.source.jdbc.internal.ColumnRanges;
import io.arrowhttp.source.jdbc.internal.JdbcBatchReader;
import io.arrowhttp.source.jdbc.internal.PostgresCopyReader;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import javax.sql.DataSource;
import org.apache.arrow.adapter.jdbc.ArrowVectorIterator;
import org.apache.arrow.adapter.jdbc.JdbcFieldInfo;
import org.apache.arrow.adapter.jdbc.JdbcToArrow;
import org.apache.arrow.adapter.jdbc.JdbcToArrowConfig;
import org.apache.arrow.adapter.jdbc.JdbcToArrowConfigBuilder;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A dataset defined by a SQL query on a JDBC database or engine, converted to Arrow batches by
 * Arrow's JDBC adapter ({@code arrow-jdbc}), with timestamps kept to the microsecond.
 *
 * <p>Named parameters in the SQL ({@code WHERE placed >= :since}) are declared with a type and an
 * optional default; a request gives them as URL query parameters of the same names, and they are
 * bound as prepared-statement parameters, never written into the SQL. {@code columns} and
 * {@code limit} wrap the query ({@code SELECT "a", "b" FROM (query) arrowhttp_source LIMIT 10}), so
 * the database does the work. A request naming a parameter the dataset does not declare is refused.
 *
 * <p>Rows are fetched {@code fetchSize} at a time in a read-only transaction (for PostgreSQL,
 * autocommit off gives a cursor), and converted {@code batchRows} at a time, so the server holds
 * about one batch whatever the result's size. The schema is read when the dataset is made, from
 * the prepared statement's metadata, without running the query; a column with no natural Arrow
 * type stops the start, naming the column. A client that goes away, or a passed deadline, cancels
 * the statement.
 *
 * <p>Errors never show the SQL, the database's messages or its address: the client gets the
 * dataset's name and an error id, and the log line with that id has the details.
 */
public final class JdbcDataset extends DescribedDataset {

    private static final Logger LOG = LoggerFactory.getLogger(JdbcDataset.class);

    /**
     * Rows per Arrow batch, and the fetch size, when none is configured: measured on PostgreSQL,
     * 16,384 was faster than 65,536 and kept the server's RSS at about 260 MiB instead of 410.
     */
    public static final int DEFAULT_BATCH_ROWS = 16_384;

    private final DataSource source;
    private final NamedSql sql;
    private final DeclaredParameters parameters;
    private final int batchRows;
    /** Names as this database quotes them, as its driver says. */
    private final SqlIdentifiers identifiers;

    private final ColumnRanges ranges;
    /** The database's enum types, served as their labels. */
    private final Set<String> enums;
    /**
     * Each column's PostgreSQL type name, for reads through {@code COPY} ({@link PostgresCopyReader});
     * null on other databases.
     */
    private final List<String> postgresTypes;

    private JdbcDataset(
            DatasetDescription description,
            Schema schema,
            DataSource source,
            NamedSql sql,
            DeclaredParameters parameters,
            int batchRows,
            SqlIdentifiers identifiers,
            ColumnRanges ranges,
            Set<String> enums,
            List<String> postgresTypes) {
        super(description, schema, OptionalLong.empty());
        this.enums = enums;
        this.postgresTypes = postgresTypes;
        this.source = source;
        this.sql = sql;
        this.parameters = parameters;
        this.batchRows = batchRows;
        this.identifiers = identifiers;
        this.ranges = ranges;
    }

    /**
     * The dataset of {@code sql} on {@code source}; its schema is read now.
     *
     * @param parameters the named parameters {@code sql} uses, each declared once
     * @param batchRows rows per Arrow batch, also the JDBC fetch size
     * @throws IllegalArgumentException when the query uses an undeclared parameter, declares one it
     *     does not use, does not prepare, or has a column without a natural Arrow type (naming it);
     *     for the operator, at start-up
     * @throws IllegalStateException when the database cannot be reached
     */
    public static JdbcDataset of(
            DataSource source,
            DatasetDescription description,
            String sql,
            List<QueryParameter> parameters,
            int batchRows) {
        Objects.requireNonNull(source, "source");
        if (batchRows < 1) {
            throw new IllegalArgumentException("Rows per batch must be at least 1; got " + batchRows);
        }
        NamedSql named = NamedSql.parse(stripSemicolons(sql));
        DeclaredParameters declared = DeclaredParameters.of(parameters, named.names());
        try (Connection connection = source.getConnection()) {
            SqlIdentifiers identifiers =
                    SqlIdentifiers.quotedWith(connection.getMetaData().getIdentifierQuoteString());
            Schema schema;
            Set<String> enums = enumTypes(connection);
            List<String> postgresTypes = null;
            try (PreparedStatement statement = connection.prepareStatement(named.jdbcSql())) {
                ResultSetMetaData metadata = statement.getMetaData();
                if (metadata == null) {
                    throw new IllegalArgumentException("the driver does not describe the query's columns before it"
                            + " runs; this source needs a driver that does");
                }
                schema = schemaOf(metadata, enums);
                if (isPostgres(connection)) {
                    postgresTypes = new ArrayList<>();
                    for (int column = 1; column <= metadata.getColumnCount(); column++) {
                        postgresTypes.add(Objects.toString(metadata.getColumnTypeName(column), ""));
                    }
                    postgresTypes = List.copyOf(postgresTypes);
                }
            }
            return new JdbcDataset(
                    description, schema, source, named, declared, batchRows, identifiers, null, enums, postgresTypes);
        } catch (SQLException e) {
            throw new IllegalArgumentException(
                    "the database refuses the query of " + description + ": " + SourceFailures.firstLine(e), e);
        }
    }

    /**
     * This dataset split into up to {@code count} partitions on ranges of {@code column}: an
     * integer, decimal, floating-point, date or timestamp column of the query. The column's
     * minimum and maximum are read now, once, and cut into equal ranges; partition 0 also holds
     * the rows where the column is null, and the first and last ranges are open, so rows written
     * later still land in one partition. Each partition runs as the query with
     * {@code WHERE column >= ? AND column < ?}, its bounds bound; an index on the column lets the
     * database read only its range. The partitions' order is not the query's.
     *
     * @throws IllegalArgumentException when the dataset has parameters (its ranges would depend
     *     on them), the column is not one of the query's or has another type, or the count is not
     *     from 2 to 1024
     * @throws IllegalStateException when the database cannot be reached
     */
    public JdbcDataset partitionedBy(String column, int count) {
        if (count < 2 || count > 1024) {
            throw new IllegalArgumentException("a dataset is split into 2 to 1024 partitions; got " + count);
        }
        if (!parameters.isEmpty()) {
            throw new IllegalArgumentException(
                    "a query with parameters is not partitioned: its ranges would depend on the parameters");
        }
        boolean known =
                schema().getFields().stream().anyMatch(field -> field.getName().equals(column));
        if (!known) {
            throw new IllegalArgumentException("the partition column '" + column + "' is not a column of the query;"
                    + " its columns are: "
                    + String.join(
                            ", ",
                            schema().getFields().stream().map(Field::getName).toList()));
        }
        try (Connection connection = source.getConnection()) {
            ColumnRanges read = ColumnRanges.read(connection, sql.jdbcSql(), identifiers.quote(column), count);
            return new JdbcDataset(
                    datasetDescription(),
                    schema(),
                    source,
                    sql,
                    parameters,
                    batchRows,
                    identifiers,
                    read,
                    enums,
                    postgresTypes);
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "the database cannot split the query on '" + column + "': " + SourceFailures.firstLine(e), e);
        }
    }

    /** The database gives a connection that is valid within 2 seconds. */
    @Override
    public void checkAvailable() {
        try (Connection connection = source.getConnection()) {
            if (!connection.isValid(2)) {
                throw new IllegalStateException("The database of dataset '" + name() + "' does not answer");
            }
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "The database of dataset '" + name() + "' gives no connection: " + SourceFailures.firstLine(e), e);
        }
    }

    /** One partition per range of the partition column, when split; none otherwise. */
    @Override
    public List<OptionalLong> partitions() {
        return ranges == null || ranges.partitions() < 2
                ? List.of()
                : Collections.nCopies(ranges.partitions(), OptionalLong.empty());
    }

    /** Ranges of a column: their rows in partition order are not the query's order. */
    @Override
    public boolean partitionsInOrder() {
        return false;
    }

    /**
     * The schema of the query's columns; every column without an Arrow type is named at once, each
     * with the cast that serves it.
     */
    private static Schema schemaOf(ResultSetMetaData metadata, Set<String> enums) throws SQLException {
        List<Field> fields = new ArrayList<>();
        List<String> unmapped = new ArrayList<>();
        for (int column = 1; column <= metadata.getColumnCount(); column++) {
            String name = metadata.getColumnLabel(column);
            JdbcFieldInfo info = new JdbcFieldInfo(metadata, column);
            boolean nullable = metadata.isNullable(column) != ResultSetMetaData.columnNoNulls;
            try {
                fields.add(ArrowTypes.withEnums(enums, () -> ArrowTypes.field(name, nullable, info)));
            } catch (UnsupportedOperationException e) {
                unmapped.add("column '" + name + "' has no Arrow type: " + e.getMessage());
            }
        }
        if (!unmapped.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", unmapped));
        }
        return new Schema(fields);
    }

    /** The names of PostgreSQL's enum types, lower-case; none on other databases. */
    private static boolean isPostgres(Connection connection) throws SQLException {
        return "PostgreSQL".equalsIgnoreCase(connection.getMetaData().getDatabaseProductName());
    }

    private static Set<String> enumTypes(Connection connection) throws SQLException {
        if (!isPostgres(connection)) {
            return Set.of();
        }
        Set<String> names = new HashSet<>();
        try (PreparedStatement statement =
                        connection.prepareStatement("SELECT typname FROM pg_type WHERE typtype = 'e'");
                ResultSet result = statement.executeQuery()) {
            while (result.next()) {
                names.add(result.getString(1).toLowerCase(Locale.ROOT));
            }
        }
        return Set.copyOf(names);
    }

    /** The declared parameters, in the catalog's form. */
    @Override
    public List<DatasetInfo.Parameter> parameters() {
        return parameters.catalog();
    }

    /** The declared parameters, by name. */
    public Map<String, QueryParameter> declaredParameters() {
        return parameters.byName();
    }

    @Override
    public Object metadata(DatasetRequest request) {
        bindings(request);
        return super.metadata(request);
    }

    @Override
    public ArrowReader open(DatasetRequest request, BufferAllocator allocator) {
        Selection selection = selection(request);
        List<Object> values = bindings(request);
        int partition = request.has(QueryParameters.PARTITION)
                ? (int) request.longParameter(
                        QueryParameters.PARTITION, 0, 0, partitions().size() - 1)
                : -1;
        String rows = partition < 0
                ? sql.jdbcSql()
                : "SELECT * FROM (" + sql.jdbcSql() + "\n) arrowhttp_partition WHERE " + ranges.condition(partition);
        if (partition >= 0) {
            values = new ArrayList<>(values);
            values.addAll(ranges.parameters(partition));
        }
        String query = selection.isEverything(schema()) ? rows : wrap(selection, rows);
        Schema selected = new Schema(selection.fields(), schema().getCustomMetadata());
        List<String> copied = copiedTypes(selection, values);
        if (copied != null) {
            return openCopy(request, allocator, selected, copied, query);
        }
        Connection connection = null;
        PreparedStatement statement = null;
        ResultSet result = null;
        ArrowVectorIterator batches = null;
        try {
            connection = source.getConnection();
            markReadOnly(connection);
            connection.setAutoCommit(false);
            statement = connection.prepareStatement(query);
            statement.setFetchSize(batchRows);
            for (int i = 0; i < values.size(); i++) {
                statement.setObject(i + 1, values.get(i));
            }
            PreparedStatement running = statement;
            request.call().onCancel(() -> cancel(running));
            result = statement.executeQuery();
            ResultSetMetaData columns = result.getMetaData();
            List<String> labels = new ArrayList<>();
            for (int column = 1; column <= columns.getColumnCount(); column++) {
                labels.add(columns.getColumnLabel(column));
            }
            JdbcToArrowConfig config = new JdbcToArrowConfigBuilder(allocator, ArrowTypes.calendar())
                    .setTargetBatchSize(batchRows)
                    .setReuseVectorSchemaRoot(true)
                    .setJdbcToArrowTypeConverter(ArrowTypes::of)
                    .setArraySubTypeByColumnIndexMap(ArrowTypes.arrayElements(columns))
                    .setJdbcConsumerGetter((type, column, nullable, vector, settings) -> ArrowTypes.located(
                            ArrowTypes.consumer(type, column, nullable, vector, settings), labels.get(column - 1)))
                    .build();
            ResultSet read = result;
            batches = ArrowTypes.withEnums(enums, () -> iterator(read, config));
            VectorSchemaRoot first = batches.hasNext() ? batches.next() : null;
            return new JdbcBatchReader(allocator, selected, connection, statement, result, batches, first);
        } catch (SQLException | RuntimeException e) {
            SourceFailures.closeQuietly(batches, result, statement, connection);
            ArrowTypes.ValueReadFailure value = valueFailure(e);
            if (value != null && request.call().cancellation().isEmpty()) {
                String id = ErrorIds.next();
                LOG.warn("Dataset '{}' cannot be read [{}]: {}", name(), id, SourceFailures.firstLine(value));
                throw ArrowHttpException.logged(
                        ErrorCode.UNAVAILABLE,
                        "Dataset " + ClientText.quote(name()) + " cannot serve " + value.getMessage()
                                + "; tell the server's operators, quoting " + id,
                        id);
            }
            throw SourceFailures.openFailed(request, name(), e);
        }
    }

    /**
     * The PostgreSQL type names of the selected columns when {@code COPY} can read them: on
     * PostgreSQL, with nothing to bind (COPY takes no parameters), every column of a type
     * {@link PostgresCopyReader} decodes; null otherwise.
     */
    private List<String> copiedTypes(Selection selection, List<Object> values) {
        if (postgresTypes == null || !values.isEmpty()) {
            return null;
        }
        List<String> names = schema().getFields().stream().map(Field::getName).toList();
        List<String> types = new ArrayList<>();
        for (Field field : selection.fields()) {
            int at = names.indexOf(field.getName());
            if (at < 0 || names.lastIndexOf(field.getName()) != at) {
                return null; // a label the query has twice: read through JDBC, which goes by position
            }
            types.add(postgresTypes.get(at));
        }
        return PostgresCopyReader.decodes(new Schema(selection.fields()), types) ? types : null;
    }

    /** The rows of {@code query} through {@code COPY ... TO STDOUT (FORMAT binary)}. */
    private ArrowReader openCopy(
            DatasetRequest request, BufferAllocator allocator, Schema selected, List<String> types, String query) {
        Connection connection = null;
        try {
            connection = source.getConnection();
            markReadOnly(connection);
            connection.setAutoCommit(false);
            Connection running = connection;
            request.call().onCancel(() -> PostgresCopyReader.cancel(running));
            return PostgresCopyReader.start(allocator, selected, types, connection, query, batchRows, name());
        } catch (SQLException | IOException | RuntimeException e) {
            SourceFailures.closeQuietly(connection);
            throw SourceFailures.openFailed(request, name(), e);
        }
    }

    private static ArrowVectorIterator iterator(ResultSet result, JdbcToArrowConfig config) {
        try {
            return JdbcToArrow.sqlToArrowVectorIterator(result, config);
        } catch (SQLException | IOException e) {
            throw new IllegalStateException(SourceFailures.firstLine(e), e);
        }
    }

    /** The value that could not be read, among the causes of {@code failure}; null if none. */
    private static ArrowTypes.ValueReadFailure valueFailure(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof ArrowTypes.ValueReadFailure value) {
                return value;
            }
        }
        return null;
    }

    /**
     * The value of each {@code ?} of the query, from the request or the defaults.
     *
     * @throws ArrowHttpException {@code INVALID_ARGUMENT} naming a missing required parameter, an
     *     ill-typed value, or a parameter the dataset does not take
     */
    private List<Object> bindings(DatasetRequest request) {
        return parameters.values(request, name());
    }

    /** The query wrapped to send some columns, at most some rows; the limit is a parsed number. */
    private String wrap(Selection selection, String rows) {
        String columns = identifiers.list(selection.columnNames());
        String wrapped = "SELECT " + columns + " FROM (" + rows + "\n) arrowhttp_source";
        return selection.limit().isPresent()
                ? wrapped + " LIMIT " + selection.limit().getAsLong()
                : wrapped;
    }

    private static void cancel(PreparedStatement statement) {
        try {
            statement.cancel();
        } catch (SQLException e) {
            LOG.debug("Cancelling a JDBC query failed: {}", e.getMessage());
        }
    }

    private static String stripSemicolons(String sql) {
        String trimmed = sql.strip();
        while (trimmed.endsWith(";")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1).strip();
        }
        return trimmed;
    }

    /**
     * Asks the database to refuse writes on this connection, where the driver can: DuckDB's opens a
     * whole database read-only or not, so the tables a server also writes are read on connections
     * that could write, through the operator's own query.
     */
    private static void markReadOnly(Connection connection) throws SQLException {
        try {
            connection.setReadOnly(true);
        } catch (SQLFeatureNotSupportedException e) {
            LOG.trace("The driver cannot mark a connection read-only: {}", e.getMessage());
        }
    }
}

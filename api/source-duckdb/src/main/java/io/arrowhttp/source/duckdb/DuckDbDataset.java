package io.arrowhttp.source.duckdb;

import io.arrowhttp.dataset.DatasetDescription;
import io.arrowhttp.dataset.DatasetRequest;
import io.arrowhttp.dataset.DeclaredParameters;
import io.arrowhttp.dataset.DescribedDataset;
import io.arrowhttp.dataset.ParameterType;
import io.arrowhttp.dataset.QueryParameter;
import io.arrowhttp.dataset.Selection;
import io.arrowhttp.dataset.SourceFailures;
import io.arrowhttp.internal.sql.NamedSql;
import io.arrowhttp.protocol.DatasetInfo;
import io.arrowhttp.protocol.QueryParameters;
import io.arrowhttp.source.duckdb.internal.QueryReader;
import io.arrowhttp.source.duckdb.internal.SelectStatement;
import io.arrowhttp.source.duckdb.internal.SqlText;
import io.arrowhttp.source.duckdb.internal.StoredArrowSchema;
import io.arrowhttp.source.duckdb.internal.StoredTypes;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.Schema;
import org.duckdb.DuckDBResultSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A dataset read by DuckDB: Parquet, CSV or JSON-lines files (one file or a glob such as
 * {@code trades/*.parquet}), or a read-only SQL query over such files. Batches come out of
 * DuckDB's Arrow export through the C data interface, with no row-by-row conversion.
 *
 * <p>{@code columns} and {@code limit} become part of the query ({@code SELECT "a", "b" FROM
 * (query) LIMIT ?}, identifiers quoted and the limit bound), so DuckDB reads only what is sent. The
 * schema is known when the dataset is made, from a run of the query with {@code LIMIT 0}, which
 * reads only Parquet footers and a CSV's first rows; the row count of Parquet files comes from
 * their footers.
 *
 * <p>Parquet files that store an Arrow schema ({@code ARROW:schema}, as pyarrow, Arrow C++ and
 * arrow-rs write) are served with the types that schema names, as Arrow's own Parquet readers
 * restore them: dictionaries, time zones and units, durations, fixed-size binary, large and view
 * types, child names and field metadata (see {@code docs/types.md}). DuckDB's batches are converted
 * vector by vector. Files that store none are served with DuckDB's types.
 *
 * <p>A query may take named parameters ({@code WHERE day >= :since}), declared with a type and an
 * optional default as for JDBC datasets ({@link DeclaredParameters}); a request gives them as URL
 * query parameters of the same names. Each becomes {@code CAST(? AS type)} in the query and its
 * value is bound as a prepared-statement parameter, never written into the SQL; the schema comes
 * from a run under {@code LIMIT 0} with every parameter NULL of its type, since DuckDB does not
 * describe the columns of a statement with untyped parameters.
 *
 * <p>A client that goes away, or a passed deadline, cancels the running query. Errors never show
 * the server's paths or DuckDB's messages, which name them: the client gets the dataset's name and
 * the operator a log line.
 */
public final class DuckDbDataset extends DescribedDataset {

    private static final Logger LOG = LoggerFactory.getLogger(DuckDbDataset.class);

    /** The most partitions of one Parquet file: beyond it, consecutive row groups share one. */
    static final int MAX_ROW_GROUP_PARTITIONS = 64;

    private final DuckDbEngine engine;
    private final String query;
    private final List<Partition> partitions;
    private final StoredTypes storedTypes;
    private final DeclaredParameters parameters;

    /** One file of a glob: the query of that file alone, and its rows when known. */
    private record Partition(String query, OptionalLong rows) {}

    private DuckDbDataset(
            DuckDbEngine engine,
            DatasetDescription description,
            String query,
            Schema schema,
            OptionalLong rows,
            List<Partition> partitions,
            StoredTypes storedTypes,
            DeclaredParameters parameters) {
        super(description, schema, rows);
        this.parameters = parameters;
        this.engine = engine;
        this.query = query;
        this.partitions = List.copyOf(partitions);
        this.storedTypes = storedTypes;
    }

    /** With the value types of the dictionary-encoded columns a Parquet file stores. */
    @Override
    public Schema messageSchema() {
        return storedTypes == null ? schema() : storedTypes.messageSchema();
    }

    /** The file formats DuckDB reads for this source, by file name extension. */
    public enum FileFormat {
        PARQUET("read_parquet(%s)"),
        CSV("read_csv(%s)"),
        JSON_LINES("read_json(%s, format = 'newline_delimited')");

        private final String reader;

        FileFormat(String reader) {
            this.reader = reader;
        }

        /**
         * The format of a file name or glob by its extension ({@code .parquet}, {@code .csv},
         * {@code .jsonl} or {@code .ndjson}), or null for another.
         */
        public static FileFormat of(String fileName) {
            String lower = fileName.toLowerCase(Locale.ROOT);
            if (lower.endsWith(".parquet")) {
                return PARQUET;
            }
            if (lower.endsWith(".csv")) {
                return CSV;
            }
            return lower.endsWith(".jsonl") || lower.endsWith(".ndjson") ? JSON_LINES : null;
        }
    }

    /**
     * The dataset of the files {@code pathOrGlob} names: an absolute path, with {@code *},
     * {@code ?} or {@code **} in file names for several files of one schema. Its format comes from
     * its extension.
     *
     * @throws IllegalArgumentException when the extension is not one DuckDB reads for this source,
     *     or the files cannot be read, with the reason (for the operator, at start-up)
     */
    public static DuckDbDataset ofFiles(DuckDbEngine engine, DatasetDescription description, String pathOrGlob) {
        FileFormat format = FileFormat.of(pathOrGlob);
        if (format == null) {
            throw new IllegalArgumentException(
                    "DuckDB reads .parquet, .csv, .jsonl and .ndjson files; " + pathOrGlob + " is none of these");
        }
        String query = "SELECT * FROM " + String.format(format.reader, SqlText.literal(pathOrGlob));
        DuckDbDataset whole = make(
                engine,
                description,
                query,
                format == FileFormat.PARQUET ? pathOrGlob : null,
                DeclaredParameters.of(List.of(), List.of()));
        List<Partition> partitions = filePartitions(engine, format, pathOrGlob);
        return partitions.size() < 2
                ? whole
                : new DuckDbDataset(
                        engine,
                        description,
                        query,
                        whole.schema(),
                        whole.totalRecords(),
                        partitions,
                        whole.storedTypes,
                        whole.parameters);
    }

    /**
     * One partition per file a glob matches, in the order of their paths, with their rows for
     * Parquet (from the files' metadata); none for a single file.
     */
    private static List<Partition> filePartitions(DuckDbEngine engine, FileFormat format, String pathOrGlob) {
        if (!pathOrGlob.matches(".*[*?\\[].*")) {
            return format == FileFormat.PARQUET ? rowGroupPartitions(engine, pathOrGlob) : List.of();
        }
        List<Partition> partitions = new ArrayList<>();
        try (Connection connection = engine.connect()) {
            Map<String, Long> rows = new HashMap<>();
            if (format == FileFormat.PARQUET) {
                String sql = "SELECT file_name, sum(num_rows) FROM parquet_file_metadata(" + SqlText.literal(pathOrGlob)
                        + ") GROUP BY file_name";
                try (PreparedStatement statement = connection.prepareStatement(sql);
                        ResultSet result = statement.executeQuery()) {
                    while (result.next()) {
                        rows.put(result.getString(1), result.getLong(2));
                    }
                }
            }
            try (PreparedStatement statement = connection.prepareStatement(
                            "SELECT file FROM glob(" + SqlText.literal(pathOrGlob) + ") ORDER BY file");
                    ResultSet result = statement.executeQuery()) {
                while (result.next()) {
                    String file = result.getString(1);
                    Long count = rows.get(file);
                    partitions.add(new Partition(
                            "SELECT * FROM " + String.format(format.reader, SqlText.literal(file)),
                            count == null ? OptionalLong.empty() : OptionalLong.of(count)));
                }
            }
        } catch (SQLException e) {
            throw new IllegalArgumentException(
                    "DuckDB cannot list the files of " + pathOrGlob + ": " + SourceFailures.firstLine(e), e);
        }
        return partitions;
    }

    /**
     * Partitions of one Parquet file by its row groups, up to {@link #MAX_ROW_GROUP_PARTITIONS}
     * (consecutive row groups together beyond that), each the file's rows with row numbers in its
     * range; none for a file of one row group.
     */
    private static List<Partition> rowGroupPartitions(DuckDbEngine engine, String file) {
        List<Long> groupRows = new ArrayList<>();
        try (Connection connection = engine.connect();
                PreparedStatement statement = connection.prepareStatement(
                        "SELECT row_group_id, max(row_group_num_rows) FROM parquet_metadata(" + SqlText.literal(file)
                                + ") GROUP BY row_group_id ORDER BY row_group_id");
                ResultSet result = statement.executeQuery()) {
            while (result.next()) {
                groupRows.add(result.getLong(2));
            }
        } catch (SQLException e) {
            throw new IllegalArgumentException(
                    "DuckDB cannot read the row groups of " + file + ": " + SourceFailures.firstLine(e), e);
        }
        if (groupRows.size() < 2) {
            return List.of();
        }
        int count = Math.min(groupRows.size(), MAX_ROW_GROUP_PARTITIONS);
        List<Partition> partitions = new ArrayList<>();
        long first = 0;
        int group = 0;
        for (int partition = 0; partition < count; partition++) {
            int end = (int) ((long) groupRows.size() * (partition + 1) / count);
            long rows = 0;
            for (; group < end; group++) {
                rows += groupRows.get(group);
            }
            partitions.add(new Partition(
                    "SELECT * EXCLUDE (file_row_number) FROM read_parquet(" + SqlText.literal(file)
                            + ", file_row_number = true) WHERE file_row_number >= " + first
                            + " AND file_row_number < " + (first + rows),
                    OptionalLong.of(rows)));
            first += rows;
        }
        return partitions;
    }

    /** One partition per file of a glob of several files, or per row groups of one Parquet file; none otherwise. */
    @Override
    public List<OptionalLong> partitions() {
        return partitions.stream().map(Partition::rows).toList();
    }

    /**
     * The dataset of a DuckDB query without parameters; see {@link #ofQuery(DuckDbEngine,
     * DatasetDescription, String, List)}.
     */
    public static DuckDbDataset ofQuery(DuckDbEngine engine, DatasetDescription description, String sql) {
        return ofQuery(engine, description, sql, List.of());
    }

    /**
     * The dataset of a DuckDB query, such as {@code SELECT * FROM 'trades/*.parquet' WHERE volume >
     * :least}. It must be one {@code SELECT}. Relative paths of the files it reads resolve against
     * the engine's {@linkplain DuckDbEngine.Builder#searchPath search path}, or else the server's
     * working directory.
     *
     * @param parameters the named parameters {@code sql} uses, each declared once
     * @throws IllegalArgumentException when the query is not one {@code SELECT}, does not prepare
     *     (with DuckDB's reason), uses an undeclared parameter or declares one it does not use (for
     *     the operator, at start-up)
     */
    public static DuckDbDataset ofQuery(
            DuckDbEngine engine, DatasetDescription description, String sql, List<QueryParameter> parameters) {
        String trimmed = sql.strip();
        while (trimmed.endsWith(";")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1).strip();
        }
        DeclaredParameters declared =
                DeclaredParameters.of(parameters, NamedSql.parse(trimmed).names());
        String typed = NamedSql.parse(
                        trimmed,
                        name -> "CAST(? AS "
                                + duckDbType(declared.byName().get(name).type()) + ")")
                .jdbcSql();
        try (Connection connection = engine.connect()) {
            SelectStatement select = SelectStatement.parse(connection, typed);
            String resolved =
                    engine.searchPath().map(select::withPathsResolvedAgainst).orElse(typed);
            return make(engine, description, resolved, null, declared);
        } catch (SQLException e) {
            throw new IllegalArgumentException(
                    "DuckDB cannot read " + description + ": " + SourceFailures.firstLine(e), e);
        }
    }

    /** The DuckDB type a parameter's value is cast to. */
    private static String duckDbType(ParameterType type) {
        switch (type) {
            case STRING:
                return "VARCHAR";
            case LONG:
                return "BIGINT";
            case DOUBLE:
                return "DOUBLE";
            case BOOLEAN:
                return "BOOLEAN";
            case DATE:
                return "DATE";
            case TIMESTAMP:
                return "TIMESTAMP";
            default:
                throw new IllegalArgumentException("no DuckDB type for parameter type " + type);
        }
    }

    /**
     * A parsed parameter value as DuckDB's driver binds it: a timestamp with an offset becomes the
     * UTC time of that instant (the parameter is a {@code TIMESTAMP}, as DuckDB's Arrow export of
     * zoned timestamps is in UTC), so the result never depends on the server's time zone.
     */
    private static Object bindable(Object value) {
        return value instanceof OffsetDateTime zoned
                ? zoned.withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime()
                : value;
    }

    private static DuckDbDataset make(
            DuckDbEngine engine,
            DatasetDescription description,
            String query,
            String parquetFiles,
            DeclaredParameters parameters) {
        Objects.requireNonNull(engine, "engine");
        Objects.requireNonNull(description, "description");
        try (Connection connection = engine.connect()) {
            SelectStatement.parse(connection, query);
            Schema schema;
            try (BufferAllocator allocator = new RootAllocator();
                    PreparedStatement statement = connection.prepareStatement(
                            "SELECT * FROM (" + query + "\n) AS arrowhttp_source LIMIT 0")) {
                if (statement.getParameterMetaData().getParameterCount()
                        != parameters.positions().size()) {
                    throw new IllegalArgumentException("the query has a parameter of DuckDB's own (? or $1);"
                            + " write it as :name and declare it under 'parameters'");
                }
                // Each parameter is a NULL of its declared type (the query casts it): the columns
                // are DuckDB's for any value.
                for (int i = 1; i <= parameters.positions().size(); i++) {
                    statement.setObject(i, null);
                }
                try (ResultSet result = statement.executeQuery();
                        ArrowReader reader = exportArrow(result, allocator, 1)) {
                    schema = reader.getVectorSchemaRoot().getSchema();
                }
            }
            OptionalLong rows = parquetFiles == null ? OptionalLong.empty() : parquetRows(connection, parquetFiles);
            StoredTypes stored =
                    parquetFiles == null ? null : storedTypes(connection, description, parquetFiles, schema);
            return new DuckDbDataset(
                    engine,
                    description,
                    query,
                    stored == null ? schema : stored.served(),
                    rows,
                    List.of(),
                    stored,
                    parameters);
        } catch (SQLException | IOException e) {
            throw new IllegalArgumentException(
                    "DuckDB cannot read " + description + ": " + SourceFailures.firstLine(e), e);
        }
    }

    /**
     * How DuckDB's batches become the Arrow types the files store, or null when they store none
     * (or different ones): then DuckDB's types are served.
     */
    private static StoredTypes storedTypes(
            Connection connection, DatasetDescription description, String files, Schema duckdb) throws SQLException {
        Optional<Schema> stored;
        try {
            stored = StoredArrowSchema.read(connection, files);
        } catch (IOException e) {
            LOG.warn(
                    "Dataset {}: its Parquet files' {} is unreadable, DuckDB's types are served: {}",
                    description.name(),
                    StoredArrowSchema.KEY,
                    e.getMessage());
            return null;
        }
        return stored.map(schema -> StoredTypes.plan(
                        duckdb, schema, warning -> LOG.warn("Dataset {}: {}", description.name(), warning)))
                .orElse(null);
    }

    private static OptionalLong parquetRows(Connection connection, String files) throws SQLException {
        String sql = "SELECT sum(num_rows) FROM parquet_file_metadata(" + SqlText.literal(files) + ")";
        try (PreparedStatement statement = connection.prepareStatement(sql);
                ResultSet result = statement.executeQuery()) {
            return result.next() ? OptionalLong.of(result.getLong(1)) : OptionalLong.empty();
        }
    }

    /** The engine takes a connection and runs a query. */
    @Override
    public void checkAvailable() {
        try (Connection connection = engine.connect();
                PreparedStatement statement = connection.prepareStatement("SELECT 1");
                ResultSet result = statement.executeQuery()) {
            result.next();
        } catch (SQLException e) {
            throw new IllegalStateException("DuckDB does not answer: " + SourceFailures.firstLine(e), e);
        }
    }

    /** The declared parameters, in the catalog's form. */
    @Override
    public List<DatasetInfo.Parameter> parameters() {
        return parameters.catalog();
    }

    @Override
    public Object metadata(DatasetRequest request) {
        values(request);
        return super.metadata(request);
    }

    /**
     * The value of each parameter of the query, in order; none for a dataset without parameters,
     * which ignores query parameters it does not know, as files do.
     */
    private List<Object> values(DatasetRequest request) {
        return parameters.isEmpty() ? List.of() : parameters.values(request, name());
    }

    @Override
    public ArrowReader open(DatasetRequest request, BufferAllocator allocator) {
        Selection selection = selection(request);
        List<Object> values = values(request);
        Schema schema = schema();
        String source = request.has(QueryParameters.PARTITION)
                ? partitions
                        .get((int) request.longParameter(QueryParameters.PARTITION, 0, 0, partitions.size() - 1))
                        .query()
                : query;
        String sql = selection.isEverything(schema)
                ? source
                : SqlText.select(
                        source, selection.columnNames(), selection.limit().isPresent());
        Connection connection = null;
        PreparedStatement statement = null;
        ResultSet result = null;
        try {
            connection = engine.connect();
            statement = connection.prepareStatement(sql);
            for (int i = 0; i < values.size(); i++) {
                statement.setObject(i + 1, bindable(values.get(i)));
            }
            if (selection.limit().isPresent()) {
                statement.setLong(values.size() + 1, selection.limit().getAsLong());
            }
            PreparedStatement running = statement;
            request.call().onCancel(() -> cancel(running));
            result = statement.executeQuery();
            ArrowReader imported = exportArrow(result, allocator, engine.batchRows());
            Schema selected = new Schema(selection.fields(), schema.getCustomMetadata());
            return new QueryReader(
                    allocator,
                    selected,
                    connection,
                    statement,
                    result,
                    imported,
                    storedTypes == null ? null : storedTypes.start(allocator));
        } catch (SQLException | RuntimeException e) {
            SourceFailures.closeQuietly(result, statement, connection);
            throw SourceFailures.openFailed(request, name(), e);
        }
    }

    private static ArrowReader exportArrow(ResultSet result, BufferAllocator allocator, int batchRows)
            throws SQLException {
        return (ArrowReader) result.unwrap(DuckDBResultSet.class).arrowExportStream(allocator, batchRows);
    }

    private static void cancel(PreparedStatement statement) {
        try {
            statement.cancel();
        } catch (SQLException e) {
            LOG.debug("Cancelling a DuckDB query failed: {}", e.getMessage());
        }
    }
}

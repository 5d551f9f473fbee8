package io.arrowhttp.app.catalog;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.arrowhttp.dataset.Dataset;
import io.arrowhttp.dataset.DatasetDescription;
import io.arrowhttp.dataset.ParameterType;
import io.arrowhttp.dataset.QueryParameter;
import io.arrowhttp.dataset.SourceFailures;
import io.arrowhttp.source.duckdb.DuckDbDataset;
import io.arrowhttp.source.files.ArrowFileDataset;
import io.arrowhttp.source.jdbc.JdbcDataset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Datasets made from a data file or a catalog entry, read by the source that reads them: Arrow IPC
 * files ({@code .arrow}, {@code .feather}, {@code .arrows}) directly, Parquet, CSV and JSON lines
 * ({@code .parquet}, {@code .csv}, {@code .jsonl}, {@code .ndjson}) through DuckDB, SQL through
 * DuckDB or a JDBC pool. This is the one place a file's name decides its reader, for the server's
 * catalog and data folder and for the upload command alike; it needs nothing of the server.
 *
 * <h2>Ownership</h2>
 * The datasets it makes belong to the caller, who closes them; the pools and the engine they read
 * through belong to the {@link SourceResources} given, closed after the datasets.
 */
public final class DatasetFactory {

    private static final Logger LOG = LoggerFactory.getLogger(DatasetFactory.class);

    /** The file names this factory reads, as messages list them. */
    public static final String FILE_EXTENSIONS = ".arrow, .feather, .arrows, .parquet, .csv, .jsonl or .ndjson";

    /** Connections per JDBC dataset when the catalog gives no {@code pool.max}. */
    static final int DEFAULT_POOL_MAX = 8;

    /** How long a request waits for a connection before it is answered 503. */
    static final int DEFAULT_CONNECTION_TIMEOUT_SECONDS = 5;

    private final SourceResources resources;

    public DatasetFactory(SourceResources resources) {
        this.resources = resources;
    }

    /** The source that reads a file, by its name's extension. */
    private enum FileReader {
        ARROW,
        DUCKDB;

        static FileReader of(String fileName) {
            if (ArrowFileDataset.isArrowFile(Path.of(fileName))) {
                return ARROW;
            }
            return DuckDbDataset.FileFormat.of(fileName) != null ? DUCKDB : null;
        }
    }

    /** Whether a file of this name is one this factory reads: it ends in one of {@link #FILE_EXTENSIONS}. */
    public static boolean readsFile(String fileName) {
        return FileReader.of(fileName) != null;
    }

    /**
     * The dataset of one data file.
     *
     * @throws IllegalArgumentException when the file's name is not one this factory reads, or its
     *     source cannot read it
     */
    public Dataset file(DatasetDescription description, Path file) {
        String fileName = file.getFileName() == null
                ? file.toString()
                : file.getFileName().toString();
        FileReader reader = FileReader.of(fileName);
        if (reader == null) {
            throw new IllegalArgumentException("the file name must end in " + FILE_EXTENSIONS);
        }
        return reader == FileReader.ARROW
                ? ArrowFileDataset.of(description, file)
                : DuckDbDataset.ofFiles(resources.engine(), description, file.toString());
    }

    /**
     * The dataset of a catalog's {@code file}: one file, or for DuckDB's formats a glob of them
     * read as one dataset.
     *
     * @throws IllegalArgumentException when the name is not one this factory reads, a glob names
     *     Arrow files, or the file does not exist
     */
    private Dataset fileOrGlob(DatasetDescription description, Path path) {
        String fileName = path.getFileName() == null
                ? path.toString()
                : path.getFileName().toString();
        FileReader reader = FileReader.of(fileName);
        if (reader == null) {
            throw new IllegalArgumentException("the file name must end in " + FILE_EXTENSIONS);
        }
        boolean glob = path.toString().matches(".*[*?\\[{].*");
        if (reader == FileReader.ARROW && glob) {
            throw new IllegalArgumentException("a glob of Arrow files is not served as one dataset");
        }
        if (!glob && !Files.isRegularFile(path)) {
            throw new IllegalArgumentException("the file " + path + " does not exist");
        }
        return file(description, path);
    }

    /**
     * The read-only dataset of a catalog entry: a table or a query through JDBC, a query through
     * DuckDB, or a file or glob, its path taken relative to the catalog's folder.
     *
     * @throws IllegalArgumentException or IllegalStateException naming what to fix
     */
    Dataset entry(CatalogFile catalog, CatalogFile.Entry entry) {
        DatasetDescription description = new DatasetDescription(entry.name(), entry.description(), entry.metadata());
        if (entry.table() != null) {
            return jdbc(entry, description, "SELECT * FROM " + entry.table());
        } else if (entry.jdbc() != null) {
            return jdbc(entry, description, entry.sql());
        } else if (entry.sql() != null) {
            return DuckDbDataset.ofQuery(resources.engine(), description, entry.sql(), parameters(entry));
        }
        return fileOrGlob(description, catalog.resolve(entry.file()));
    }

    /**
     * The dataset of {@code sql} through a read-only pool of the entry's own, split into the
     * entry's partitions when it has some.
     *
     * @throws IllegalArgumentException or IllegalStateException naming what to fix
     */
    Dataset jdbc(CatalogFile.Entry entry, DatasetDescription description, String sql) {
        JdbcDataset dataset = JdbcDataset.of(
                pool(entry, "", true),
                description,
                sql,
                parameters(entry),
                entry.batchRows() == null ? JdbcDataset.DEFAULT_BATCH_ROWS : entry.batchRows());
        CatalogFile.Partition partition = entry.partition();
        if (partition == null) {
            return dataset;
        }
        JdbcDataset partitioned = dataset.partitionedBy(partition.column(), partition.count());
        LOG.info(
                "Dataset '{}' has {} partitions on ranges of {}",
                entry.name(),
                partitioned.partitions().size(),
                partition.column());
        return partitioned;
    }

    /** The entry's declared parameters, for a JDBC or DuckDB query. */
    private static List<QueryParameter> parameters(CatalogFile.Entry entry) {
        List<QueryParameter> parameters = new ArrayList<>();
        for (CatalogFile.Parameter parameter : entry.parameters()) {
            parameters.add(new QueryParameter(
                    parameter.name(), ParameterType.named(parameter.type()), parameter.defaultValue()));
        }
        return parameters;
    }

    /**
     * A pool of the entry's own, which connects now, so a bad URL or password stops the start.
     * Reads go through read-only connections; a table's uploads through a pool of their own.
     */
    HikariDataSource pool(CatalogFile.Entry entry, String suffix, boolean readOnly) {
        CatalogFile.Jdbc jdbc = entry.jdbc();
        requireDriver(jdbc.url());
        HikariConfig config = new HikariConfig();
        config.setPoolName("arrowhttp-" + entry.name() + suffix);
        config.setJdbcUrl(jdbc.url());
        config.setUsername(jdbc.user());
        config.setPassword(jdbc.password());
        config.setMaximumPoolSize(jdbc.poolMax() == null ? DEFAULT_POOL_MAX : jdbc.poolMax());
        config.setMinimumIdle(0);
        config.setConnectionTimeout(TimeUnit.SECONDS.toMillis(
                jdbc.connectionTimeoutSeconds() == null
                        ? DEFAULT_CONNECTION_TIMEOUT_SECONDS
                        : jdbc.connectionTimeoutSeconds()));
        // DuckDB opens a whole database read-only or not, and refuses the setting per connection.
        config.setReadOnly(readOnly && !jdbc.url().startsWith("jdbc:duckdb:"));
        try {
            return resources.openPool(config);
        } catch (RuntimeException e) {
            throw new IllegalStateException(
                    "cannot connect to the database: " + rootMessage(e)
                            + "; check the url, the user, the password and that the database is up",
                    e);
        }
    }

    /**
     * Names the missing driver rather than the pool's "no suitable driver". Only the URL's scheme
     * is shown: the rest may hold a password.
     */
    private static void requireDriver(String url) {
        try {
            DriverManager.getDriver(url);
        } catch (SQLException e) {
            int subprotocolEnd = url.indexOf(':', "jdbc:".length());
            String scheme = url.startsWith("jdbc:") && subprotocolEnd > 0 ? url.substring(0, subprotocolEnd + 1) : "";
            throw new IllegalStateException("no JDBC driver takes '" + scheme + "' URLs: add the driver's jar"
                    + " (the standalone server's --drivers folder, or the container's lib folder for the war;"
                    + " see docs/databases.md)");
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return SourceFailures.firstLine(root);
    }
}

package io.arrowhttp.app.catalog;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.arrowhttp.dataset.Dataset;
import io.arrowhttp.dataset.DatasetDescription;
import io.arrowhttp.dataset.SourceFailures;
import io.arrowhttp.protocol.ResourcePaths;
import io.arrowhttp.server.ArrowHttpFeature;
import io.arrowhttp.server.auth.WritePermission;
import io.arrowhttp.source.duckdb.DuckDbDataset;
import io.arrowhttp.source.duckdb.DuckDbEngine;
import io.arrowhttp.source.files.ArrowFileDataset;
import io.arrowhttp.source.files.ArrowFileStore;
import io.arrowhttp.source.jdbc.JdbcDataset;
import io.arrowhttp.source.jdbc.JdbcTableStore;
import io.arrowhttp.source.jdbc.ParameterType;
import io.arrowhttp.source.jdbc.QueryParameter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The datasets of a YAML catalog and of a data folder, made and checked at start-up, and the
 * DuckDB engine they share (started only when some dataset needs it).
 *
 * <p>A data folder serves every supported file directly in it ({@code .arrow}, {@code .feather},
 * {@code .arrows}, {@code .parquet}, {@code .csv}, {@code .jsonl}, {@code .ndjson}) as a dataset
 * named after the file's base name. A file whose base name cannot be a dataset name, or whose name
 * the catalog or another file already gives, is skipped with a warning naming it.
 *
 * <h2>Ownership</h2>
 * Owns the datasets, the connection pools of JDBC datasets and the engine: {@link #close()} closes
 * the datasets, then the pools, then the engine. The application closes this when it stops, after
 * its last response.
 */
public final class ConfiguredDatasets implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ConfiguredDatasets.class);

    /** Connections per JDBC dataset when the catalog gives no {@code pool.max}. */
    static final int DEFAULT_POOL_MAX = 8;

    /** How long a request waits for a connection before it is answered 503. */
    static final int DEFAULT_CONNECTION_TIMEOUT_SECONDS = 5;

    private final List<Dataset> datasets;
    private final String defaultDataset;
    private final DuckDbEngine engine;
    private final List<HikariDataSource> pools;
    private final CatalogFile catalog;
    private final List<WritableTable> tables;
    private final Set<String> names;

    /** A table that takes uploads: its store's table, the pool that writes it, who may. */
    private record WritableTable(
            String name, JdbcTableStore.Table table, HikariDataSource pool, CatalogFile.Writes writes) {}

    private ConfiguredDatasets(Assembly assembly, String defaultDataset) {
        this.datasets = List.copyOf(assembly.datasets.values());
        this.defaultDataset = defaultDataset;
        this.engine = assembly.engine;
        this.pools = List.copyOf(assembly.pools);
        this.catalog = assembly.catalog;
        this.tables = List.copyOf(assembly.tables);
        this.names = new LinkedHashSet<>(assembly.datasets.keySet());
        tables.forEach(table -> names.add(table.name()));
    }

    /**
     * The datasets of {@code catalogFile} and of {@code dataFolder}, either of which may be null.
     *
     * @param environment where {@code ${env:NAME}} references are looked up
     * @throws ConfigurationException naming the file, the line and the remedy when a dataset
     *     cannot be served: an unknown key, a missing file, a name used twice, SQL that does not
     *     prepare, a default that names no dataset
     */
    public static ConfiguredDatasets load(Path catalogFile, Path dataFolder, Map<String, String> environment) {
        CatalogFile catalog = catalogFile == null ? null : CatalogFile.read(catalogFile, environment);
        List<Path> folderFiles = dataFolder == null ? List.of() : supportedFiles(dataFolder);
        Assembly assembly = new Assembly(catalog, dataFolder);
        try {
            if (catalog != null) {
                for (CatalogFile.Entry entry : catalog.entries()) {
                    assembly.add(entry);
                }
            }
            for (Path file : folderFiles) {
                assembly.addFolderFile(file);
            }
            String defaultDataset = null;
            if (catalog != null && catalog.defaultDataset().isPresent()) {
                defaultDataset = catalog.defaultDataset().get();
                if (!assembly.names().contains(defaultDataset)) {
                    throw new ConfigurationException(
                            catalog.path(),
                            catalog.defaultLine(),
                            "'default' names '" + defaultDataset + "', which is not a dataset here; it has: "
                                    + String.join(", ", assembly.names()));
                }
            }
            return new ConfiguredDatasets(assembly, defaultDataset);
        } catch (RuntimeException e) {
            assembly.closeAll();
            throw e;
        }
    }

    /**
     * The read-only datasets, catalog entries first, in the order given. Tables that take uploads
     * are served by their stores, which {@link #configureUploads} registers.
     */
    public List<Dataset> datasets() {
        return datasets;
    }

    /** The dataset the catalog names for {@code GET /}, if it names one. */
    public Optional<String> defaultDataset() {
        return Optional.ofNullable(defaultDataset);
    }

    /**
     * Lets clients upload as the catalog's {@code uploads} says, into Arrow files in its
     * {@code directory}; nothing when it says nothing. Without authentication, the catalog must
     * say {@code writable: true}, and a warning says that anyone may write; with it, only the
     * {@code writers} listed may.
     *
     * @param authenticated whether the server authenticates callers
     * @throws ConfigurationException when the settings do not fit the authentication, or a file
     *     in the directory has the name of a dataset served already
     */
    public void configureUploads(ArrowHttpFeature.Builder feature, boolean authenticated) {
        for (WritableTable table : tables) {
            WritePermission writers = permission(table.writes(), authenticated, "dataset '" + table.name() + "'");
            feature.uploads(new JdbcTableStore(table.pool(), List.of(table.table())), writers);
            LOG.info(
                    "Dataset '{}' takes uploads into table {}",
                    table.name(),
                    table.table().table());
        }
        Optional<CatalogFile.Uploads> configured = catalog == null ? Optional.empty() : catalog.uploads();
        if (configured.isEmpty()) {
            return;
        }
        CatalogFile.Uploads uploads = configured.get();
        WritePermission writers = permission(uploads.writes(), authenticated, "'uploads'");
        ArrowFileStore store;
        try {
            store = new ArrowFileStore(uploads.directory());
        } catch (UncheckedIOException e) {
            throw catalog.error(uploads.writes().line(), "'uploads': " + e.getMessage(), e);
        }
        for (Dataset stored : store.datasets()) {
            if (names.contains(stored.name())) {
                throw catalog.error(
                        uploads.writes().line(),
                        "the uploads directory holds dataset '" + stored.name()
                                + "', a name another dataset has already; rename one",
                        null);
            }
        }
        feature.uploads(store, writers);
        if (uploads.maxBytes() != null) {
            feature.maxUploadBytes(uploads.maxBytes());
        }
        if (uploads.maxRows() != null) {
            feature.maxUploadRows(uploads.maxRows());
        }
        if (uploads.maxConcurrent() != null) {
            feature.maxConcurrentUploads(uploads.maxConcurrent());
        }
        LOG.info("Taking uploads into {}", uploads.directory());
    }

    /**
     * Who may write, as {@code writes} says: the listed writers with authentication on; anyone
     * without it, but only when the catalog says {@code writable: true}, and with a warning.
     */
    private WritePermission permission(CatalogFile.Writes writes, boolean authenticated, String what) {
        if (authenticated) {
            if (writes.writers().isEmpty()) {
                throw catalog.error(
                        writes.line(),
                        what + " has no 'writers': with authentication on, list the identities that may upload",
                        null);
            }
            return WritePermission.identities(writes.writers());
        }
        if (!writes.writable()) {
            throw catalog.error(
                    writes.line(),
                    what + " without authentication lets anyone who reaches the server write: say 'writable:"
                            + " true' to allow that, or turn authentication on and list 'writers'",
                    null);
        }
        if (!writes.writers().isEmpty()) {
            throw catalog.error(
                    writes.line(),
                    what + " lists 'writers', but authentication is off, so no caller has an identity;"
                            + " turn authentication on",
                    null);
        }
        LOG.warn("Uploads to {} are on without authentication: anyone who reaches this server may write them", what);
        return WritePermission.anyone();
    }

    @Override
    public void close() {
        for (Dataset dataset : datasets) {
            dataset.close();
        }
        pools.forEach(HikariDataSource::close);
        closeEngine(engine);
    }

    private static void closeEngine(DuckDbEngine engine) {
        if (engine == null) {
            return;
        }
        try {
            engine.close();
        } catch (SQLException e) {
            LOG.warn("Closing DuckDB failed: {}", e.getMessage());
        }
        deregisterOwnDrivers();
    }

    /**
     * DuckDB's driver registers itself with {@link DriverManager} when its class loads. In a
     * servlet container that registration would outlive the application and keep its class loader.
     */
    private static void deregisterOwnDrivers() {
        ClassLoader own = ConfiguredDatasets.class.getClassLoader();
        for (Driver driver : Collections.list(DriverManager.getDrivers())) {
            if (driver.getClass().getClassLoader() == own) {
                try {
                    DriverManager.deregisterDriver(driver);
                } catch (SQLException e) {
                    LOG.debug("Deregistering {} failed: {}", driver, e.getMessage());
                }
            }
        }
    }

    private static List<Path> supportedFiles(Path folder) {
        if (!Files.isDirectory(folder)) {
            throw new ConfigurationException(folder, 0, "the data folder is not a folder; give an existing folder");
        }
        try (Stream<Path> listing = Files.list(folder)) {
            return listing.filter(Files::isRegularFile)
                    .filter(file -> SourceKind.of(file.getFileName().toString()) != null)
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list the data folder " + folder, e);
        }
    }

    /** The kinds of source a file name maps to. */
    private enum SourceKind {
        ARROW,
        DUCKDB;

        static SourceKind of(String fileName) {
            if (ArrowFileDataset.isArrowFile(Path.of(fileName))) {
                return ARROW;
            }
            return DuckDbDataset.FileFormat.of(fileName) != null ? DUCKDB : null;
        }
    }

    /** The datasets made so far, and the engine once one needed it. */
    private static final class Assembly {

        private final CatalogFile catalog;
        private final Path dataFolder;
        private final Map<String, Dataset> datasets = new LinkedHashMap<>();
        private final List<HikariDataSource> pools = new ArrayList<>();
        private final List<WritableTable> tables = new ArrayList<>();
        private DuckDbEngine engine;

        /** Every dataset name taken so far, read-only or not. */
        Set<String> names() {
            Set<String> names = new LinkedHashSet<>(datasets.keySet());
            tables.forEach(table -> names.add(table.name()));
            return names;
        }

        Assembly(CatalogFile catalog, Path dataFolder) {
            this.catalog = catalog;
            this.dataFolder = dataFolder;
        }

        void add(CatalogFile.Entry entry) {
            try {
                DatasetDescription description =
                        new DatasetDescription(entry.name(), entry.description(), entry.metadata());
                Dataset dataset;
                if (entry.table() != null) {
                    addTable(entry, description);
                    return;
                } else if (entry.jdbc() != null) {
                    dataset = jdbcDataset(entry, description, entry.sql());
                } else if (entry.sql() != null) {
                    dataset = DuckDbDataset.ofQuery(engine(), description, entry.sql());
                } else {
                    dataset = fileDataset(description, entry.file());
                }
                datasets.put(entry.name(), dataset);
                LOG.info("Serving dataset '{}' from the catalog, line {}", entry.name(), entry.line());
            } catch (ConfigurationException e) {
                throw e;
            } catch (IllegalArgumentException | IllegalStateException e) {
                throw catalog.error(
                        entry.line(), "dataset '" + entry.name() + "': " + e.getMessage() + remedy(entry), e);
            }
        }

        private Dataset fileDataset(DatasetDescription description, String file) {
            Path path = catalog.resolve(file);
            String fileName =
                    path.getFileName() == null ? file : path.getFileName().toString();
            SourceKind kind = SourceKind.of(fileName);
            if (kind == null) {
                throw new IllegalArgumentException(
                        "the file name must end in .arrow, .feather, .arrows, .parquet, " + ".csv, .jsonl or .ndjson");
            }
            boolean glob = path.toString().matches(".*[*?\\[{].*");
            if (kind == SourceKind.ARROW) {
                if (glob) {
                    throw new IllegalArgumentException("a glob of Arrow files is not served as one dataset");
                }
                requireFile(path);
                return ArrowFileDataset.of(description, path);
            }
            if (!glob) {
                requireFile(path);
            }
            return DuckDbDataset.ofFiles(engine(), description, path.toString());
        }

        /** A pool of the dataset's own, then the dataset; the pool connects now, so a bad URL or password stops the start. */
        /** A table's dataset; with {@code writes}, a pool that may write it too, for its store. */
        private void addTable(CatalogFile.Entry entry, DatasetDescription description) {
            if (entry.writes() == null) {
                datasets.put(entry.name(), jdbcDataset(entry, description, "SELECT * FROM " + entry.table()));
                LOG.info("Serving table {} as dataset '{}', read-only", entry.table(), entry.name());
                return;
            }
            JdbcTableStore.Table table = new JdbcTableStore.Table(
                    jdbcDataset(entry, description, "SELECT * FROM " + entry.table()),
                    entry.table(),
                    "inserts".equals(entry.writes().method())
                            ? JdbcTableStore.Method.INSERTS
                            : JdbcTableStore.Method.AUTOMATIC);
            HikariDataSource writes = pool(entry, "-writes", false);
            tables.add(new WritableTable(entry.name(), table, writes, entry.writes()));
            LOG.info("Serving table {} as dataset '{}', which takes uploads", entry.table(), entry.name());
        }

        private Dataset jdbcDataset(CatalogFile.Entry entry, DatasetDescription description, String sql) {
            List<QueryParameter> parameters = new ArrayList<>();
            for (CatalogFile.Parameter parameter : entry.parameters()) {
                parameters.add(new QueryParameter(
                        parameter.name(), ParameterType.named(parameter.type()), parameter.defaultValue()));
            }
            JdbcDataset dataset = JdbcDataset.of(
                    pool(entry, "", true),
                    description,
                    sql,
                    parameters,
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

        /**
         * A pool of the entry's own, which connects now, so a bad URL or password stops the start.
         * Reads go through read-only connections; a table's uploads through a pool of their own.
         */
        private HikariDataSource pool(CatalogFile.Entry entry, String suffix, boolean readOnly) {
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
            HikariDataSource pool;
            try {
                pool = new HikariDataSource(config);
            } catch (RuntimeException e) {
                throw new IllegalStateException(
                        "cannot connect to the database: " + rootMessage(e)
                                + "; check the url, the user, the password and that the database is up",
                        e);
            }
            pools.add(pool);
            return pool;
        }

        /**
         * Names the missing driver rather than the pool's "no suitable driver". Only the URL's
         * scheme is shown: the rest may hold a password.
         */
        private static void requireDriver(String url) {
            try {
                DriverManager.getDriver(url);
            } catch (SQLException e) {
                int subprotocolEnd = url.indexOf(':', "jdbc:".length());
                String scheme =
                        url.startsWith("jdbc:") && subprotocolEnd > 0 ? url.substring(0, subprotocolEnd + 1) : "";
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

        private static void requireFile(Path path) {
            if (!Files.isRegularFile(path)) {
                throw new IllegalArgumentException("the file " + path + " does not exist");
            }
        }

        private static String remedy(CatalogFile.Entry entry) {
            if (entry.jdbc() != null) {
                return "";
            }
            return entry.sql() != null ? "; fix the query" : "; fix the path or remove the entry";
        }

        void addFolderFile(Path file) {
            String fileName = file.getFileName().toString();
            String name = fileName.substring(0, fileName.lastIndexOf('.'));
            if (!ResourcePaths.isDatasetName(name)) {
                LOG.warn("Skipping {}: a dataset name is {}; rename the file", file, ResourcePaths.DATASET_NAME_RULE);
                return;
            }
            if (datasets.containsKey(name)) {
                LOG.warn("Skipping {}: a dataset named '{}' is already served", file, name);
                return;
            }
            DatasetDescription description = DatasetDescription.of(name, fileName);
            try {
                Dataset dataset = SourceKind.of(fileName) == SourceKind.ARROW
                        ? ArrowFileDataset.of(description, file)
                        : DuckDbDataset.ofFiles(engine(), description, file.toString());
                datasets.put(name, dataset);
                LOG.info("Serving dataset '{}' from {}", name, file);
            } catch (IllegalArgumentException e) {
                throw new ConfigurationException(
                        file, 0, "cannot be served: " + e.getMessage() + "; fix or move the file");
            }
        }

        /** The engine, started on first use with every folder datasets may read. */
        private DuckDbEngine engine() {
            if (engine == null) {
                DuckDbEngine.Builder builder = DuckDbEngine.builder();
                if (dataFolder != null) {
                    builder.allowDirectory(dataFolder);
                }
                if (catalog != null) {
                    configure(builder);
                }
                engine = builder.build();
            }
            return engine;
        }

        private void configure(DuckDbEngine.Builder builder) {
            if (catalog.dataDirectories().isEmpty()) {
                builder.allowDirectory(catalog.folder());
                for (CatalogFile.Entry entry : catalog.entries()) {
                    if (entry.file() != null) {
                        builder.allowDirectory(staticPrefix(catalog.resolve(entry.file())));
                    }
                }
            } else {
                catalog.dataDirectories().forEach(builder::allowDirectory);
            }
            builder.searchPath(catalog.folder());
            CatalogFile.DuckDbSettings settings = catalog.duckdb();
            if (settings.memoryLimit() != null) {
                builder.memoryLimit(settings.memoryLimit());
            }
            if (settings.threads() != null) {
                builder.threads(settings.threads());
            }
            if (settings.batchRows() != null) {
                builder.batchRows(settings.batchRows());
            }
        }

        /** The folder above a file or a glob's first wildcard. */
        private static Path staticPrefix(Path fileOrGlob) {
            Path folder = fileOrGlob.getParent();
            while (folder != null && folder.toString().matches(".*[*?\\[{].*")) {
                folder = folder.getParent();
            }
            return folder == null ? fileOrGlob.getRoot() : folder;
        }

        void closeAll() {
            datasets.values().forEach(Dataset::close);
            pools.forEach(HikariDataSource::close);
            closeEngine(engine);
        }
    }
}

package io.arrowhttp.source.duckdb;

import io.arrowhttp.source.duckdb.internal.SqlText;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import org.duckdb.DuckDBConnection;
import org.duckdb.DuckDBDriver;

/**
 * One embedded, in-memory DuckDB database, locked down for serving: it reads files only in the
 * configured data directories, cannot load or install extensions, and its settings cannot be
 * changed by a query ({@code enable_external_access = false}, {@code allowed_directories},
 * {@code lock_configuration}). Queries are checked to be one {@code SELECT} before they are
 * prepared, so nothing writes through it. Results stream: DuckDB produces each batch when it is
 * read, so a query over files of any size holds about one batch.
 *
 * <p>Each query runs on a connection of its own ({@link DuckDBConnection#duplicate()} of the
 * engine's), since a DuckDB connection runs one query at a time.
 *
 * <h2>Ownership</h2>
 * The engine owns its database: {@link #close()} closes it, after which no dataset made on it can
 * be read. The application that makes the engine closes it when it stops, after its datasets.
 */
public final class DuckDbEngine implements AutoCloseable {

    /** Rows per Arrow batch when none is configured: a few MiB for tables of ordinary width. */
    public static final int DEFAULT_BATCH_ROWS = 65_536;

    private final DuckDBConnection database;
    private final List<Path> directories;
    private final int batchRows;
    private final Path searchPath;

    private DuckDbEngine(DuckDBConnection database, List<Path> directories, int batchRows, Path searchPath) {
        this.database = database;
        this.directories = directories;
        this.batchRows = batchRows;
        this.searchPath = searchPath;
    }

    /** A builder: no data directory yet, DuckDB's default memory limit and threads. */
    public static Builder builder() {
        return new Builder();
    }

    /** The folders this engine reads files in, absolute and normalized. */
    public List<Path> directories() {
        return directories;
    }

    /** Rows per Arrow batch. */
    public int batchRows() {
        return batchRows;
    }

    /** The folder relative paths in queries resolve against, if one was set. */
    public Optional<Path> searchPath() {
        return Optional.ofNullable(searchPath);
    }

    /** A connection of its own for one query; the caller closes it. */
    Connection connect() throws SQLException {
        return database.duplicate();
    }

    /** Closes the database. */
    @Override
    public void close() throws SQLException {
        database.close();
    }

    /** Settings of a {@link DuckDbEngine}. */
    public static final class Builder {

        private final List<Path> directories = new ArrayList<>();
        private String memoryLimit;
        private Path searchPath;
        private int threads;
        private int batchRows = DEFAULT_BATCH_ROWS;

        private Builder() {}

        /** Lets queries read files in {@code directory} and below it. */
        public Builder allowDirectory(Path directory) {
            Path normalized = directory.toAbsolutePath().normalize();
            if (!directories.contains(normalized)) {
                directories.add(normalized);
            }
            return this;
        }

        /**
         * The folder relative paths in queries resolve against: a catalog's own folder, so that
         * its queries can name files as the catalog does. It must be, or be in, an allowed
         * directory for files there to be read.
         */
        public Builder searchPath(Path folder) {
            this.searchPath = folder.toAbsolutePath().normalize();
            return this;
        }

        /** DuckDB's {@code memory_limit}, such as {@code 1GB}; DuckDB's default (80% of RAM) when not set. */
        public Builder memoryLimit(String limit) {
            this.memoryLimit = limit;
            return this;
        }

        /** DuckDB's {@code threads}; one per core when not set. */
        public Builder threads(int count) {
            if (count < 1) {
                throw new IllegalArgumentException("DuckDB needs at least one thread; got " + count);
            }
            this.threads = count;
            return this;
        }

        /** Rows per Arrow batch, {@link #DEFAULT_BATCH_ROWS} when not set. */
        public Builder batchRows(int rows) {
            if (rows < 1 || rows > 16 * 1024 * 1024) {
                throw new IllegalArgumentException("Rows per batch must be from 1 to 16777216; got " + rows);
            }
            this.batchRows = rows;
            return this;
        }

        /**
         * Opens the database.
         *
         * @throws IllegalStateException when DuckDB cannot start (its native library does not load
         *     on this platform, or a setting is refused), with DuckDB's reason
         */
        public DuckDbEngine build() {
            Properties settings = new Properties();
            // Directories end in a separator: DuckDB compares prefixes, and "/data" would also
            // allow "/data-private".
            List<String> allowed = directories.stream()
                    .filter(Files::isDirectory)
                    .map(directory -> directory.toString().endsWith("/") ? directory.toString() : directory + "/")
                    .toList();
            settings.setProperty("allowed_directories", SqlText.literalList(allowed));
            settings.setProperty("enable_external_access", "false");
            settings.setProperty("autoinstall_known_extensions", "false");
            settings.setProperty("autoload_known_extensions", "false");
            settings.setProperty("allow_community_extensions", "false");
            settings.setProperty("jdbc_stream_results", "true");
            if (memoryLimit != null) {
                settings.setProperty("memory_limit", memoryLimit);
            }
            if (threads > 0) {
                settings.setProperty("threads", Integer.toString(threads));
            }
            // Last, so that every setting above is in force before the lock.
            settings.setProperty("lock_configuration", "true");
            try {
                // The driver directly, not DriverManager, which sees only drivers of the caller's class loader.
                Connection connection = new DuckDBDriver().connect("jdbc:duckdb:", settings);
                return new DuckDbEngine(
                        connection.unwrap(DuckDBConnection.class), List.copyOf(directories), batchRows, searchPath);
            } catch (SQLException | RuntimeException | UnsatisfiedLinkError e) {
                throw new IllegalStateException(
                        "DuckDB cannot start: " + Objects.toString(e.getMessage(), e.toString()), e);
            }
        }
    }
}

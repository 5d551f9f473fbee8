package io.arrowhttp.app.catalog;

import com.zaxxer.hikari.HikariDataSource;
import io.arrowhttp.dataset.Dataset;
import io.arrowhttp.dataset.DatasetDescription;
import io.arrowhttp.dataset.StoredStream;
import io.arrowhttp.protocol.ResourcePaths;
import io.arrowhttp.server.ArrowHttpFeature;
import io.arrowhttp.source.duckdb.DuckDbEngine;
import io.arrowhttp.source.jdbc.JdbcTableStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The datasets of a YAML catalog and of a data folder, made and checked at start-up by a
 * {@link DatasetFactory}, and the uploads the catalog allows ({@link UploadPolicy}).
 *
 * <p>A data folder serves every file {@link DatasetFactory} reads directly in it ({@code .arrow},
 * {@code .feather}, {@code .arrows}, {@code .parquet}, {@code .csv}, {@code .jsonl},
 * {@code .ndjson}) as a dataset named after the file's base name. A file whose base name cannot be
 * a dataset name, or whose name the catalog or another file already gives, is skipped with a
 * warning naming it.
 *
 * <h2>Ownership</h2>
 * Owns the datasets and the {@link SourceResources} they read through (the connection pools of
 * JDBC datasets, the DuckDB engine they share, started only when some dataset needs it):
 * {@link #close()} closes the datasets, then the pools, then the engine. The application closes
 * this when it stops, after its last response.
 */
public final class ConfiguredDatasets implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ConfiguredDatasets.class);

    private final List<Dataset> datasets;
    private final String defaultDataset;
    private final SourceResources resources;
    private final UploadPolicy uploads;
    private final CacheSettings cache;

    private ConfiguredDatasets(Assembly assembly, String defaultDataset) {
        this.cache = assembly.cached ? assembly.cache : CacheSettings.OFF;
        this.datasets = List.copyOf(assembly.datasets.values());
        this.defaultDataset = defaultDataset;
        this.resources = assembly.resources;
        this.uploads = new UploadPolicy(assembly.catalog, assembly.tables, assembly.names());
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
        return load(catalogFile, dataFolder, environment, CacheSettings.OFF);
    }

    /**
     * As {@link #load(Path, Path, Map)}, offering the datasets that decode to the Arrow cache of
     * {@code cacheSettings}, as overridden by the catalog's {@code cache} section (see
     * {@link #cache()}).
     */
    public static ConfiguredDatasets load(
            Path catalogFile, Path dataFolder, Map<String, String> environment, CacheSettings cacheSettings) {
        CatalogFile catalog = catalogFile == null ? null : CatalogFile.read(catalogFile, environment);
        List<Path> folderFiles = dataFolder == null ? List.of() : supportedFiles(dataFolder);
        Assembly assembly = new Assembly(catalog, dataFolder, withSection(cacheSettings, catalog));
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

    /**
     * The Arrow cache the datasets are offered to: its folder null when there is none, or when no
     * dataset may use it.
     */
    public CacheSettings cache() {
        return cache;
    }

    private static CacheSettings withSection(CacheSettings settings, CatalogFile catalog) {
        if (catalog == null || catalog.cache().isEmpty()) {
            return settings;
        }
        CatalogFile.CacheSection section = catalog.cache().get();
        return new CacheSettings(
                section.directory() != null ? section.directory() : settings.directory(),
                section.maxBytes() != null ? section.maxBytes() : settings.maxBytes(),
                section.ttlSeconds() != null ? section.ttlSeconds() : settings.ttlSeconds(),
                section.directory() == null && settings.defaultDirectory());
    }

    /** The dataset the catalog names for {@code GET /}, if it names one. */
    public Optional<String> defaultDataset() {
        return Optional.ofNullable(defaultDataset);
    }

    /**
     * Lets clients upload as the catalog says (see {@link UploadPolicy}): into its tables that take
     * uploads, and into Arrow files in the {@code uploads} section's {@code directory}; nothing
     * when it says nothing.
     *
     * @param authenticated whether the server authenticates callers
     * @throws ConfigurationException when the settings do not fit the authentication, or a file
     *     in the directory has the name of a dataset served already
     */
    public void configureUploads(ArrowHttpFeature.Builder feature, boolean authenticated) {
        uploads.configure(feature, authenticated);
    }

    @Override
    public void close() {
        for (Dataset dataset : datasets) {
            dataset.close();
        }
        resources.close();
    }

    private static List<Path> supportedFiles(Path folder) {
        if (!Files.isDirectory(folder)) {
            throw new ConfigurationException(folder, 0, "the data folder is not a folder; give an existing folder");
        }
        try (Stream<Path> listing = Files.list(folder)) {
            return listing.filter(Files::isRegularFile)
                    .filter(file -> DatasetFactory.readsFile(file.getFileName().toString()))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list the data folder " + folder, e);
        }
    }

    /**
     * The engine's settings: every folder datasets may read (the data folder; the catalog's
     * {@code data_directories}, else its folder and those of its files), and the catalog's
     * {@code duckdb} section.
     */
    private static Consumer<DuckDbEngine.Builder> engineSettings(CatalogFile catalog, Path dataFolder) {
        return builder -> {
            if (dataFolder != null) {
                builder.allowDirectory(dataFolder);
            }
            if (catalog == null) {
                return;
            }
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
        };
    }

    /** The folder above a file or a glob's first wildcard. */
    private static Path staticPrefix(Path fileOrGlob) {
        Path folder = fileOrGlob.getParent();
        while (folder != null && folder.toString().matches(".*[*?\\[{].*")) {
            folder = folder.getParent();
        }
        return folder == null ? fileOrGlob.getRoot() : folder;
    }

    /** The datasets made so far, the tables that take uploads, and what they read through. */
    private static final class Assembly {

        private final CatalogFile catalog;
        private final SourceResources resources;
        private final DatasetFactory factory;
        private final Map<String, Dataset> datasets = new LinkedHashMap<>();
        private final List<UploadPolicy.WritableTable> tables = new ArrayList<>();
        private final CacheSettings cache;
        private boolean cached;

        Assembly(CatalogFile catalog, Path dataFolder, CacheSettings cache) {
            this.catalog = catalog;
            this.cache = cache;
            this.resources = SourceResources.ofApplication(engineSettings(catalog, dataFolder));
            this.factory = new DatasetFactory(resources);
        }

        /** Every dataset name taken so far, read-only or not. */
        Set<String> names() {
            Set<String> names = new LinkedHashSet<>(datasets.keySet());
            tables.forEach(table -> names.add(table.name()));
            return names;
        }

        void add(CatalogFile.Entry entry) {
            try {
                if (entry.table() != null) {
                    addTable(entry);
                    return;
                }
                datasets.put(entry.name(), cached(entry, factory.entry(catalog, entry)));
                LOG.info("Serving dataset '{}' from the catalog, line {}", entry.name(), entry.line());
            } catch (ConfigurationException e) {
                throw e;
            } catch (IllegalArgumentException | IllegalStateException e) {
                throw catalog.error(
                        entry.line(), "dataset '" + entry.name() + "': " + e.getMessage() + remedy(entry), e);
            }
        }

        /**
         * The entry's dataset, offered to the cache when there is one and the dataset decodes:
         * files unless the entry says {@code cache: false}; queries when a ttl applies (the
         * entry's, or for SQL over files and {@code cache: true} the server's).
         */
        private Dataset cached(CatalogFile.Entry entry, Dataset dataset) {
            CatalogFile.DatasetCaching caching = entry.cache();
            if (cache.directory() == null || (caching != null && !caching.enabled())) {
                return dataset;
            }
            Long entryTtl = caching == null ? null : caching.ttlSeconds();
            if (entry.file() != null) {
                return cachedFile(dataset, catalog.resolve(entry.file()), entryTtl);
            }
            long ttl = entryTtl != null ? entryTtl : entry.jdbc() != null && caching == null ? 0 : cache.ttlSeconds();
            if (ttl <= 0) {
                return dataset;
            }
            cached = true;
            return CachedDataset.ofQuery(dataset, Duration.ofSeconds(ttl));
        }

        /** A file's dataset, offered to the cache when there is one and it decodes (not Arrow files). */
        private Dataset cachedFile(Dataset dataset, Path fileOrGlob, Long ttlSeconds) {
            if (cache.directory() == null || dataset instanceof StoredStream) {
                return dataset;
            }
            cached = true;
            return CachedDataset.ofFiles(
                    dataset, fileOrGlob, ttlSeconds == null ? null : Duration.ofSeconds(ttlSeconds));
        }

        /** A table's dataset; with {@code writes}, a pool that may write it too, for its store. */
        private void addTable(CatalogFile.Entry entry) {
            if (entry.writes() == null) {
                datasets.put(entry.name(), factory.entry(catalog, entry));
                LOG.info("Serving table {} as dataset '{}', read-only", entry.table(), entry.name());
                return;
            }
            JdbcTableStore.Table table = new JdbcTableStore.Table(
                    factory.entry(catalog, entry),
                    entry.table(),
                    "inserts".equals(entry.writes().method())
                            ? JdbcTableStore.Method.INSERTS
                            : JdbcTableStore.Method.AUTOMATIC);
            HikariDataSource writes = factory.pool(entry, "-writes", false);
            tables.add(new UploadPolicy.WritableTable(entry.name(), table, writes, entry.writes()));
            LOG.info("Serving table {} as dataset '{}', which takes uploads", entry.table(), entry.name());
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
            try {
                datasets.put(name, cachedFile(factory.file(DatasetDescription.of(name, fileName), file), file, null));
                LOG.info("Serving dataset '{}' from {}", name, file);
            } catch (IllegalArgumentException e) {
                throw new ConfigurationException(
                        file, 0, "cannot be served: " + e.getMessage() + "; fix or move the file");
            }
        }

        void closeAll() {
            datasets.values().forEach(Dataset::close);
            resources.close();
        }
    }
}

package io.arrowhttp.app.catalog;

import com.zaxxer.hikari.HikariDataSource;
import io.arrowhttp.dataset.Dataset;
import io.arrowhttp.server.ArrowHttpFeature;
import io.arrowhttp.server.auth.WritePermission;
import io.arrowhttp.source.files.ArrowFileStore;
import io.arrowhttp.source.jdbc.JdbcTableStore;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where uploads go and who may send them, as the catalog says: tables that take uploads, and the
 * {@code uploads} section's folder of Arrow files with its limits. Without authentication an
 * upload target must say {@code writable: true}, and a warning says that anyone may write; with
 * it, only the {@code writers} listed may.
 *
 * <h2>Ownership</h2>
 * Owns nothing: the tables' write pools belong to the {@link SourceResources} that opened them,
 * and the stores it registers belong to the feature they are registered with.
 */
final class UploadPolicy {

    private static final Logger LOG = LoggerFactory.getLogger(UploadPolicy.class);

    /** A table that takes uploads: its store's table, the pool that writes it, who may. */
    record WritableTable(String name, JdbcTableStore.Table table, HikariDataSource pool, CatalogFile.Writes writes) {}

    private final CatalogFile catalog;
    private final List<WritableTable> tables;
    private final Set<String> names;

    /**
     * @param catalog the catalog, or null when there is none
     * @param names every dataset name served already, which the uploads folder must not reuse
     */
    UploadPolicy(CatalogFile catalog, List<WritableTable> tables, Set<String> names) {
        this.catalog = catalog;
        this.tables = List.copyOf(tables);
        this.names = Set.copyOf(names);
    }

    /**
     * Registers the upload targets with {@code feature}; nothing when the catalog names none.
     *
     * @param authenticated whether the server authenticates callers
     * @throws ConfigurationException when the settings do not fit the authentication, or a file
     *     in the directory has the name of a dataset served already
     */
    void configure(ArrowHttpFeature.Builder feature, boolean authenticated) {
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
            store = new ArrowFileStore(uploads.directory(), uploads.stored());
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
        if (uploads.maxBodyBytes() != null) {
            feature.maxUploadBodyBytes(uploads.maxBodyBytes());
        }
        if (uploads.maxRows() != null) {
            feature.maxUploadRows(uploads.maxRows());
        }
        if (uploads.maxConcurrent() != null) {
            feature.maxConcurrentUploads(uploads.maxConcurrent());
        }
        if (uploads.minBytesPerSecond() != null || uploads.rateWindowSeconds() != null) {
            feature.minUploadRate(
                    uploads.minBytesPerSecond() != null
                            ? uploads.minBytesPerSecond()
                            : ArrowHttpFeature.DEFAULT_MIN_UPLOAD_BYTES_PER_SECOND,
                    uploads.rateWindowSeconds() != null
                            ? Duration.ofSeconds(uploads.rateWindowSeconds())
                            : ArrowHttpFeature.DEFAULT_UPLOAD_RATE_WINDOW);
        }
        ArrowFileStore.Limits kept = uploads.stored();
        LOG.info(
                "Taking uploads into {}: at most {} datasets ({} per writer), {} bytes each and {} in all, keeping {}"
                        + " bytes of the disk free",
                uploads.directory(),
                kept.maxDatasets(),
                kept.maxDatasetsPerWriter(),
                kept.maxDatasetBytes(),
                kept.maxTotalBytes(),
                kept.minFreeBytes());
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
}

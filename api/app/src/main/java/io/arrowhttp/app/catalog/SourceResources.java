package io.arrowhttp.app.catalog;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.arrowhttp.source.duckdb.DuckDbEngine;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What datasets read through and share: the JDBC connection pools of SQL datasets and the one
 * DuckDB engine of file and query datasets, started only when a dataset first needs it, as its
 * settings say.
 *
 * <h2>Ownership</h2>
 * Owns every pool it opened and the engine: {@link #close()} closes the pools, then the engine;
 * those of a web application then also deregister the JDBC drivers its class loader registered.
 * The datasets made with them belong to whoever asked for them, and are closed first.
 */
public final class SourceResources implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SourceResources.class);

    private final Consumer<DuckDbEngine.Builder> engineSettings;
    private final boolean deregisterDrivers;
    private final List<HikariDataSource> pools = new ArrayList<>();
    private DuckDbEngine engine;

    private SourceResources(Consumer<DuckDbEngine.Builder> engineSettings, boolean deregisterDrivers) {
        this.engineSettings = engineSettings;
        this.deregisterDrivers = deregisterDrivers;
    }

    /**
     * Resources for reading some files once, as a command does.
     *
     * @param engineSettings applied to the engine's builder when a dataset first needs it: its folders, say
     */
    public static SourceResources of(Consumer<DuckDbEngine.Builder> engineSettings) {
        return new SourceResources(engineSettings, false);
    }

    /**
     * Resources of an application that a servlet container may stop and start again: once its
     * engine has run, closing also deregisters the drivers its class loader registered.
     */
    static SourceResources ofApplication(Consumer<DuckDbEngine.Builder> engineSettings) {
        return new SourceResources(engineSettings, true);
    }

    /** The DuckDB engine, started on first use. */
    public synchronized DuckDbEngine engine() {
        if (engine == null) {
            DuckDbEngine.Builder builder = DuckDbEngine.builder();
            engineSettings.accept(builder);
            engine = builder.build();
        }
        return engine;
    }

    /**
     * A pool that connects now, kept to be closed with the rest.
     *
     * @throws RuntimeException as Hikari throws it when the database cannot be reached
     */
    synchronized HikariDataSource openPool(HikariConfig config) {
        HikariDataSource pool = new HikariDataSource(config);
        pools.add(pool);
        return pool;
    }

    @Override
    public synchronized void close() {
        pools.forEach(HikariDataSource::close);
        pools.clear();
        if (engine == null) {
            return;
        }
        try {
            engine.close();
        } catch (SQLException e) {
            LOG.warn("Closing DuckDB failed: {}", e.getMessage());
        }
        engine = null;
        if (deregisterDrivers) {
            deregisterOwnDrivers();
        }
    }

    /**
     * DuckDB's driver registers itself with {@link DriverManager} when its class loads. In a
     * servlet container that registration would outlive the application and keep its class loader.
     */
    private static void deregisterOwnDrivers() {
        ClassLoader own = SourceResources.class.getClassLoader();
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
}

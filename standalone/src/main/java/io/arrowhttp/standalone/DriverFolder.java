package io.arrowhttp.standalone;

import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.ServiceLoader;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * JDBC drivers that are not bundled (Trino's, MySQL's, Oracle's, ...) from the jars of a folder
 * ({@code --drivers}), so that {@code java -jar} serves their databases without a class path of
 * its own.
 *
 * <p>{@link DriverManager} hands a connection only to callers whose class loader sees the driver's
 * class, which a driver loaded from another loader fails; each driver found is therefore registered
 * through a {@link ForwardingDriver} of this jar. The loader and the drivers live as long as the
 * process: nothing unloads them.
 */
final class DriverFolder {

    private DriverFolder() {}

    /**
     * Loads every {@code .jar} of {@code folder} and registers each JDBC driver they declare (in
     * {@code META-INF/services/java.sql.Driver}, as every JDBC 4 driver does).
     *
     * @return the class names and versions of the drivers registered, to be logged
     * @throws IllegalArgumentException when the folder is missing or none of its jars holds a driver
     */
    static List<String> register(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            throw new IllegalArgumentException(
                    "--drivers " + folder + " is not a folder: give the folder that holds" + " the JDBC drivers' jars");
        }
        List<URL> jars = new ArrayList<>();
        try (Stream<Path> files = Files.list(folder)) {
            for (Path jar : files.filter(file -> file.getFileName().toString().endsWith(".jar"))
                    .sorted()
                    .toList()) {
                jars.add(url(jar));
            }
        }
        URLClassLoader loader =
                new URLClassLoader("arrowhttp-drivers", jars.toArray(URL[]::new), DriverFolder.class.getClassLoader());
        List<String> registered = new ArrayList<>();
        for (Driver driver : ServiceLoader.load(Driver.class, loader)) {
            // The service list also yields the drivers the server bundles; those are registered already.
            if (driver.getClass().getClassLoader() != loader) {
                continue;
            }
            try {
                DriverManager.registerDriver(new ForwardingDriver(driver));
            } catch (SQLException e) {
                throw new IllegalStateException(
                        "cannot register " + driver.getClass().getName(), e);
            }
            registered.add(
                    driver.getClass().getName() + " " + driver.getMajorVersion() + "." + driver.getMinorVersion());
        }
        if (registered.isEmpty()) {
            throw new IllegalArgumentException("no JDBC driver in the jars of " + folder + " (" + jars.size()
                    + " jar(s)): put the driver's jar there, the one that lists its class in"
                    + " META-INF/services/java.sql.Driver");
        }
        return registered;
    }

    private static URL url(Path jar) {
        try {
            return jar.toUri().toURL();
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException("cannot read " + jar + ": " + e.getMessage(), e);
        }
    }

    /** A driver of this jar's loader that hands every call to a driver from the folder. */
    private static final class ForwardingDriver implements Driver {

        private final Driver driver;

        ForwardingDriver(Driver driver) {
            this.driver = driver;
        }

        @Override
        public Connection connect(String url, Properties info) throws SQLException {
            return driver.connect(url, info);
        }

        @Override
        public boolean acceptsURL(String url) throws SQLException {
            return driver.acceptsURL(url);
        }

        @Override
        public DriverPropertyInfo[] getPropertyInfo(String url, Properties info) throws SQLException {
            return driver.getPropertyInfo(url, info);
        }

        @Override
        public int getMajorVersion() {
            return driver.getMajorVersion();
        }

        @Override
        public int getMinorVersion() {
            return driver.getMinorVersion();
        }

        @Override
        public boolean jdbcCompliant() {
            return driver.jdbcCompliant();
        }

        @Override
        public Logger getParentLogger() throws SQLFeatureNotSupportedException {
            return driver.getParentLogger();
        }

        @Override
        public String toString() {
            return driver.toString();
        }
    }
}

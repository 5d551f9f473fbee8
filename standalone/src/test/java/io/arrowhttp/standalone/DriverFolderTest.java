package io.arrowhttp.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --drivers}: Trino's real driver jar, which is not on this test's class path, loaded from a
 * folder and reached through {@link DriverManager} as the catalog's pools reach it.
 */
class DriverFolderTest {

    private static final Path TRINO_DRIVERS = Path.of("target", "test-drivers");

    @Test
    void aDriverInTheFolderTakesItsUrlsThroughTheDriverManager() throws Exception {
        assertThrows(
                ClassNotFoundException.class,
                () -> Class.forName("io.trino.jdbc.TrinoDriver"),
                "the driver must come from the folder, not the class path");
        List<String> registered = DriverFolder.register(TRINO_DRIVERS);
        assertEquals(1, registered.size(), registered.toString());
        assertTrue(registered.get(0).startsWith("io.trino.jdbc.TrinoDriver 476."), registered.toString());

        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        String url = "jdbc:trino://127.0.0.1:" + closedPort + "/tpch/tiny";
        assertTrue(DriverManager.getDriver(url).acceptsURL(url));
        Properties user = new Properties();
        user.setProperty("user", "arrowhttp");
        // Trino's driver connects lazily: the first query reaches for the closed port, and fails as Trino's.
        SQLException refused = assertThrows(SQLException.class, () -> {
            try (Connection connection = DriverManager.getConnection(url, user);
                    Statement statement = connection.createStatement()) {
                statement.executeQuery("SELECT 1");
            }
        });
        assertTrue(
                Arrays.stream(refused.getStackTrace())
                        .anyMatch(frame -> frame.getClassName().startsWith("io.trino.jdbc.")),
                "Trino's driver answered: " + refused);
        assertTrue(refused.getMessage().contains(String.valueOf(closedPort)), refused.getMessage());
    }

    @Test
    void aFolderThatDoesNotExistIsRefusedWithWhatToGive(@TempDir Path folder) {
        IllegalArgumentException refused =
                assertThrows(IllegalArgumentException.class, () -> DriverFolder.register(folder.resolve("missing")));
        assertTrue(refused.getMessage().contains("is not a folder"), refused.getMessage());
    }

    @Test
    void jarsWithoutADriverAreRefusedSayingWhatADriverJarHolds(@TempDir Path folder) throws IOException {
        try (OutputStream file = Files.newOutputStream(folder.resolve("not-a-driver.jar"));
                JarOutputStream jar = new JarOutputStream(file)) {
            jar.putNextEntry(new JarEntry("README.txt"));
            jar.write("no driver here".getBytes());
            jar.closeEntry();
        }
        IllegalArgumentException refused =
                assertThrows(IllegalArgumentException.class, () -> DriverFolder.register(folder));
        assertTrue(
                refused.getMessage().startsWith("no JDBC driver in the jars of " + folder + " (1 jar(s))"),
                refused.getMessage());
        assertTrue(refused.getMessage().contains("META-INF/services/java.sql.Driver"), refused.getMessage());
    }
}

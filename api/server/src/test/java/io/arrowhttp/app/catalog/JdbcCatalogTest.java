package io.arrowhttp.app.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.arrowhttp.dataset.Dataset;
import io.arrowhttp.dataset.DatasetRequest;
import io.arrowhttp.source.jdbc.PostgresCluster;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * JDBC datasets from the YAML catalog, on a real PostgreSQL: credentials from the environment or a
 * secret file, typed parameters with defaults, and start-up errors that name the file and the line
 * but never the password.
 */
class JdbcCatalogTest {

    @TempDir
    static Path folder;

    private static PostgresCluster postgres;

    @BeforeAll
    static void start() throws Exception {
        postgres = PostgresCluster.start();
        postgres.psql("CREATE TABLE orders (id bigint, placed date, amount numeric(10, 2), customer text);"
                + " INSERT INTO orders SELECT i, DATE '2023-12-01' + (i % 90), i * 0.75, 'customer ' || (i % 40)"
                + " FROM generate_series(1, 5000) i");
    }

    @AfterAll
    static void stop() {
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void aCatalogServesAPostgresQueryWithTypedParametersAndCredentialsFromTheEnvironment() throws Exception {
        Files.writeString(folder.resolve("password.secret"), postgres.password() + "\n", StandardCharsets.UTF_8);
        Path catalog = write("shop.yaml", """
                datasets:
                  - name: orders
                    description: "Orders since a date"
                    jdbc:
                      url: %s
                      user: %s
                      password: ${env:SHOP_PASSWORD}
                      pool: {max: 2}
                    sql: "SELECT id, placed, amount, customer FROM orders WHERE placed >= :since ORDER BY id"
                    parameters:
                      since: {type: date, default: "2024-01-01"}
                  - name: big_orders
                    jdbc: {url: %s, user: %s, password: "${file:password.secret}"}
                    sql: "SELECT id FROM orders WHERE amount > :above"
                    parameters:
                      above: {type: double}
                    batch_rows: 100
                """.formatted(
                        postgres.jdbcUrl("postgres"),
                        PostgresCluster.USER,
                        postgres.jdbcUrl("postgres"),
                        PostgresCluster.USER));
        try (ConfiguredDatasets configured =
                ConfiguredDatasets.load(catalog, null, Map.of("SHOP_PASSWORD", postgres.password()))) {
            Dataset orders = configured.datasets().get(0);
            assertEquals(
                    count("SELECT count(*) FROM orders WHERE placed >= DATE '2024-01-01'"), rows(orders, Map.of()));
            assertEquals(
                    count("SELECT count(*) FROM orders WHERE placed >= DATE '2024-02-15'"),
                    rows(orders, Map.of("since", List.of("2024-02-15"))));
            Dataset big = configured.datasets().get(1);
            assertEquals(
                    count("SELECT count(*) FROM orders WHERE amount > 3000"),
                    rows(big, Map.of("above", List.of("3000"))));
        }
    }

    @Test
    void aWrongPasswordStopsTheStartNamingTheLineButNotThePassword() throws IOException {
        Path catalog = write("wrong.yaml", """
                datasets:
                  - name: orders
                    jdbc: {url: %s, user: %s, password: "${env:WRONG}"}
                    sql: "SELECT id FROM orders"
                """.formatted(postgres.jdbcUrl("postgres"), PostgresCluster.USER));
        ConfigurationException refused = assertThrows(
                ConfigurationException.class,
                () -> ConfiguredDatasets.load(catalog, null, Map.of("WRONG", "not-the-password-4711")));
        String message = refused.getMessage();
        assertTrue(message.startsWith(catalog + ":2: dataset 'orders': cannot connect"), message);
        assertFalse(message.contains("not-the-password-4711"), message);
    }

    @Test
    void aDatabaseWithoutADriverStopsTheStartNamingItsSchemeButNotTheUrl() throws IOException {
        Path catalog = write("no-driver.yaml", """
                datasets:
                  - name: sales
                    jdbc: {url: "jdbc:nosuchdb://127.0.0.1:1/sales?password=in-the-url-4711", user: sales}
                    sql: "SELECT id FROM sales"
                """);
        ConfigurationException refused =
                assertThrows(ConfigurationException.class, () -> ConfiguredDatasets.load(catalog, null, Map.of()));
        String message = refused.getMessage();
        assertTrue(
                message.startsWith(catalog + ":2: dataset 'sales': no JDBC driver takes 'jdbc:nosuchdb:' URLs"),
                message);
        assertTrue(message.contains("--drivers"), message);
        assertFalse(message.contains("in-the-url-4711"), message);
    }

    @Test
    void aQueryParameterThatIsNotDeclaredStopsTheStartNamingIt() throws IOException {
        Path catalog = write("undeclared.yaml", """
                datasets:
                  - name: orders
                    jdbc: {url: %s, user: %s, password: "${env:SHOP_PASSWORD}"}
                    sql: "SELECT id FROM orders WHERE customer = :who"
                """.formatted(postgres.jdbcUrl("postgres"), PostgresCluster.USER));
        ConfigurationException refused = assertThrows(
                ConfigurationException.class,
                () -> ConfiguredDatasets.load(catalog, null, Map.of("SHOP_PASSWORD", postgres.password())));
        assertTrue(
                refused.getMessage().contains(":who, which is not declared under 'parameters'"), refused.getMessage());
    }

    private static long count(String sql) throws Exception {
        return Long.parseLong(postgres.psql(sql).get(0));
    }

    private static long rows(Dataset dataset, Map<String, List<String>> parameters) throws IOException {
        try (BufferAllocator allocator = new RootAllocator();
                ArrowReader reader = dataset.open(DatasetRequest.of(parameters), allocator)) {
            long rows = 0;
            while (reader.loadNextBatch()) {
                rows += reader.getVectorSchemaRoot().getRowCount();
            }
            return rows;
        }
    }

    private static Path write(String name, String yaml) throws IOException {
        return Files.writeString(folder.resolve(name), yaml, StandardCharsets.UTF_8);
    }
}

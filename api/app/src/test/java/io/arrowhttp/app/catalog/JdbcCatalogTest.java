package io.arrowhttp.app.catalog;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.arrowhttp.client.ArrowHttpClient;
import io.arrowhttp.client.DatasetStream;
import io.arrowhttp.client.GetOptions;
import io.arrowhttp.client.UploadOptions;
import io.arrowhttp.dataset.Dataset;
import io.arrowhttp.dataset.DatasetRequest;
import io.arrowhttp.protocol.ArrowHttpException;
import io.arrowhttp.protocol.ArrowMediaTypes;
import io.arrowhttp.protocol.ErrorCode;
import io.arrowhttp.protocol.HeaderNames;
import io.arrowhttp.server.auth.TokenAuthenticator;
import io.arrowhttp.testing.PostgresCluster;
import io.arrowhttp.testing.TestServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
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
                  - name: orders_by_day
                    jdbc: {url: %s, user: %s, password: "${file:password.secret}"}
                    table: orders
                    partition: {column: placed, count: 6}
                """.formatted(
                        postgres.jdbcUrl("postgres"),
                        PostgresCluster.USER,
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
            Dataset byDay = configured.datasets().get(2);
            assertEquals(6, byDay.partitions().size(), "90 days of orders in 6 ranges");
            long total = 0;
            for (int partition = 0; partition < 6; partition++) {
                total += rows(byDay, Map.of("partition", List.of(Integer.toString(partition))));
            }
            assertEquals(count("SELECT count(*) FROM orders"), total);
        }
    }

    @Test
    void aJdbcQueryIsCachedOnlyWithATtlOfItsOwnAndThenEachParameterIsAnEntry() throws Exception {
        Path catalog = write("cached.yaml", """
                cache: {directory: jdbc-cache}
                datasets:
                  - name: cached_orders
                    jdbc: {url: %s, user: %s, password: "${env:SHOP_PASSWORD}"}
                    sql: "SELECT id, amount FROM orders WHERE id <= :upto ORDER BY id"
                    parameters:
                      upto: {type: long, default: "100"}
                    cache: {ttl: 1h}
                  - name: live_orders
                    jdbc: {url: %s, user: %s, password: "${env:SHOP_PASSWORD}"}
                    sql: "SELECT id FROM orders ORDER BY id"
                """.formatted(
                        postgres.jdbcUrl("postgres"),
                        PostgresCluster.USER,
                        postgres.jdbcUrl("postgres"),
                        PostgresCluster.USER));
        HttpClient http = HttpClient.newHttpClient();
        try (ConfiguredDatasets configured = ConfiguredDatasets.load(
                        catalog,
                        null,
                        Map.of("SHOP_PASSWORD", postgres.password()),
                        new CacheSettings(null, 1L << 30, 0, false));
                TestServer server = TestServer.withFeature(feature -> {
                    configured.datasets().forEach(feature::dataset);
                    return feature.cache(
                            configured.cache().directory(), configured.cache().maxBytes());
                })) {
            List<String> results = new ArrayList<>();
            byte[] first = null;
            for (String path : List.of(
                    "/datasets/cached_orders",
                    "/datasets/cached_orders",
                    "/datasets/cached_orders?upto=10",
                    "/datasets/cached_orders?upto=10",
                    "/datasets/live_orders")) {
                HttpResponse<byte[]> response = http.send(
                        HttpRequest.newBuilder(server.uri(path))
                                .header("Accept", ArrowMediaTypes.ARROW_STREAM)
                                .build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                assertEquals(200, response.statusCode());
                results.add(response.headers().firstValue(HeaderNames.CACHE).orElse("none"));
                if (first == null) {
                    first = response.body();
                } else if (results.size() == 2) {
                    assertArrayEquals(first, response.body());
                }
            }
            assertEquals(List.of("miss", "hit", "miss", "hit", "none"), results);
        }
    }

    @Test
    void aWritableTableTakesUploadsFromItsWritersOnly() throws Exception {
        postgres.psql("CREATE TABLE ledger (id bigint NOT NULL, amount numeric(10, 2), note text DEFAULT 'none')");
        Path catalog = write("ledger.yaml", """
                datasets:
                  - name: ledger
                    jdbc: {url: %s, user: %s, password: "${env:SHOP_PASSWORD}"}
                    table: ledger
                    writers: [etl]
                  - name: ledger_inserts
                    jdbc: {url: %s, user: %s, password: "${env:SHOP_PASSWORD}"}
                    table: ledger
                    writers: [etl]
                    upload_method: inserts
                """.formatted(
                        postgres.jdbcUrl("postgres"),
                        PostgresCluster.USER,
                        postgres.jdbcUrl("postgres"),
                        PostgresCluster.USER));
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        String etl = "etl-token-0123456789abcdef-0123456789";
        String analyst = "analyst-token-0123456789abcdef-0123456789";
        try (ConfiguredDatasets configured =
                        ConfiguredDatasets.load(catalog, null, Map.of("SHOP_PASSWORD", postgres.password()));
                TestServer server = TestServer.withFeature(feature -> {
                    configured.configureUploads(feature, true);
                    return feature.authentication(TokenAuthenticator.builder(key)
                            .apiTokens(Map.of("etl", etl, "analyst", analyst))
                            .allowInsecureHttp()
                            .build());
                });
                BufferAllocator allocator = new RootAllocator()) {
            assertTrue(configured.datasets().isEmpty(), "tables that take uploads are served by their stores");
            try (ArrowHttpClient writer = client(server, etl);
                    ArrowHttpClient reader = client(server, analyst)) {
                try (ArrowReader rows = ledger(allocator, 1, 3)) {
                    assertEquals(
                            3,
                            writer.put("ledger", rows, UploadOptions.defaults()).rows());
                }
                try (ArrowReader rows = ledger(allocator, 10, 2)) {
                    assertEquals(
                            2,
                            writer.append("ledger_inserts", rows, UploadOptions.defaults())
                                    .rows());
                }
                assertEquals(
                        List.of("1|0.50|none", "2|1.00|none", "3|1.50|none", "10|5.00|none", "11|5.50|none"),
                        postgres.psql("SELECT id, amount, note FROM ledger ORDER BY id"));
                try (ArrowReader rows = ledger(allocator, 1, 1)) {
                    ArrowHttpException refused = assertThrows(
                            ArrowHttpException.class, () -> reader.put("ledger", rows, UploadOptions.defaults()));
                    assertEquals(ErrorCode.UNAUTHORIZED, refused.code());
                }
                assertEquals(5L, count("SELECT count(*) FROM ledger"));
            }
        }
    }

    @Test
    void aTableOfADuckDbFileTakesUploadsThroughItsAppenderAndServesThem() throws Exception {
        Path database = folder.resolve("books.duckdb");
        try (Connection connection = DriverManager.getConnection("jdbc:duckdb:" + database);
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE ledger (id BIGINT NOT NULL, amount DECIMAL(10, 2), note VARCHAR DEFAULT"
                    + " 'none'); INSERT INTO ledger VALUES (99, 1.25, 'before')");
        }
        Path catalog = write("books.yaml", """
                datasets:
                  - name: ledger
                    jdbc: {url: "jdbc:duckdb:%1$s"}
                    table: ledger
                    writable: true
                  - name: ledger_notes
                    jdbc: {url: "jdbc:duckdb:%1$s"}
                    sql: SELECT note, count(*) AS n FROM ledger GROUP BY note ORDER BY note
                """.formatted(database));
        try (ConfiguredDatasets configured = ConfiguredDatasets.load(catalog, null, Map.of());
                TestServer server = TestServer.withFeature(feature -> {
                    configured.configureUploads(feature, false);
                    configured.datasets().forEach(feature::dataset);
                    return feature;
                });
                BufferAllocator allocator = new RootAllocator();
                ArrowHttpClient client = ArrowHttpClient.builder(server.uri("/"))
                        .readTimeout(Duration.ofSeconds(30))
                        .build()) {
            try (ArrowReader rows = ledger(allocator, 1, 3)) {
                assertEquals(
                        3, client.put("ledger", rows, UploadOptions.defaults()).rows());
            }
            try (ArrowReader rows = ledger(allocator, 10, 2)) {
                assertEquals(
                        2,
                        client.append("ledger", rows, UploadOptions.defaults()).rows());
            }
            assertEquals(
                    List.of("1|0.50|none", "2|1.00|none", "3|1.50|none", "10|5.00|none", "11|5.50|none"),
                    fetch(client, "ledger", allocator));
            assertEquals(List.of("none|5"), fetch(client, "ledger_notes", allocator), "other queries see the upload");
            ArrowHttpException notDeleted = assertThrows(ArrowHttpException.class, () -> client.delete("ledger"));
            assertEquals(ErrorCode.INVALID_ARGUMENT, notDeleted.code(), "405: a configured table is not dropped");
            assertTrue(
                    notDeleted.getMessage().contains("only the server's operators remove it"), notDeleted.getMessage());
            assertEquals(5, fetch(client, "ledger", allocator).size());
        }
    }

    /** A dataset's rows as text, columns joined by {@code |}. */
    private static List<String> fetch(ArrowHttpClient client, String name, BufferAllocator allocator)
            throws IOException {
        List<String> rows = new ArrayList<>();
        try (DatasetStream stream = client.get(name, GetOptions.defaults(), allocator)) {
            VectorSchemaRoot root = stream.reader().getVectorSchemaRoot();
            while (stream.reader().loadNextBatch()) {
                for (int row = 0; row < root.getRowCount(); row++) {
                    List<String> values = new ArrayList<>();
                    for (FieldVector vector : root.getFieldVectors()) {
                        values.add(String.valueOf(vector.getObject(row)));
                    }
                    rows.add(String.join("|", values));
                }
            }
        }
        return rows;
    }

    private static ArrowHttpClient client(TestServer server, String token) {
        return ArrowHttpClient.builder(server.uri("/"))
                .bearerToken(token)
                .readTimeout(Duration.ofSeconds(30))
                .build();
    }

    /** An Arrow stream of {@code rows} ids from {@code first}, each with half its id as the amount. */
    private static ArrowReader ledger(BufferAllocator allocator, long first, int rows) throws IOException {
        Schema schema = new Schema(List.of(
                Field.notNullable("id", new ArrowType.Int(64, true)),
                Field.nullable("amount", new ArrowType.Decimal(10, 2, 128))));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator);
                ArrowStreamWriter writer = new ArrowStreamWriter(root, null, out)) {
            root.allocateNew();
            for (int i = 0; i < rows; i++) {
                ((BigIntVector) root.getVector("id")).set(i, first + i);
                ((DecimalVector) root.getVector("amount")).set(i, BigDecimal.valueOf((first + i) * 50, 2));
            }
            root.setRowCount(rows);
            writer.writeBatch();
        }
        return new ArrowStreamReader(new ByteArrayInputStream(out.toByteArray()), allocator);
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

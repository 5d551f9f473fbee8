package io.arrowhttp.app.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.arrowhttp.client.ArrowHttpClient;
import io.arrowhttp.client.DatasetStream;
import io.arrowhttp.client.GetOptions;
import io.arrowhttp.testing.TestServer;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.duckdb.DuckDBDriver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DuckDB SQL datasets of the YAML catalog with named parameters, served by a real server over a
 * Parquet file: values filter as bound data (never as SQL), required ones are asked for with a
 * 400, and the catalog lists them. Expected rows come from DuckDB run directly on the file, with
 * its own bound parameters.
 */
class DuckDbQueryParametersTest {

    /** A symbol that would end a string literal and add SQL, were it spliced into the query. */
    private static final String INJECTION = "x' OR '1'='1";

    @TempDir
    static Path folder;

    private static Path parquet;
    private static ConfiguredDatasets configured;
    private static TestServer server;
    private static HttpClient http;

    @BeforeAll
    static void start() throws Exception {
        parquet = folder.resolve("trades.parquet");
        try (Connection connection = new DuckDBDriver().connect("jdbc:duckdb:", new Properties());
                Statement statement = connection.createStatement()) {
            statement.execute("COPY (SELECT i::BIGINT AS id, DATE '2024-01-01' + (i % 60)::INTEGER AS day,"
                    + " TIMESTAMP '2024-01-01 00:00:00' + to_minutes(i::BIGINT) AS placed_at,"
                    + " CASE WHEN i % 97 = 0 THEN '" + INJECTION.replace("'", "''") + "'"
                    + " ELSE ['AAA', 'BBB', 'CCC'][1 + i % 3] END AS symbol, (i * 37) % 1000 AS volume"
                    + " FROM range(1, 2001) t(i)) TO '" + parquet + "' (FORMAT parquet)");
        }
        Path catalog = Files.writeString(folder.resolve("catalog.yaml"), """
                datasets:
                  - name: trades
                    description: "Trades of a symbol, above a volume"
                    sql: >-
                      SELECT id, day, symbol, volume FROM 'trades.parquet'
                      WHERE symbol = :symbol AND volume >= :least ORDER BY id
                    parameters:
                      symbol: {type: string}
                      least: {type: long, default: "500"}
                  - name: window
                    sql: >-
                      SELECT id, :label AS label FROM 'trades.parquet'
                      WHERE day >= :from AND placed_at < :before AND (volume > :above OR :everything) ORDER BY id
                    parameters:
                      from: {type: date}
                      before: {type: timestamp, default: "2024-01-02T00:00:00"}
                      above: {type: double, default: "0.5"}
                      everything: {type: boolean, default: "false"}
                      label: {type: string, default: "w"}
                """, StandardCharsets.UTF_8);
        configured = ConfiguredDatasets.load(catalog, null, Map.of());
        server = TestServer.withFeature(feature -> {
            configured.datasets().forEach(feature::dataset);
            return feature;
        });
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        if (configured != null) {
            configured.close();
        }
    }

    @Test
    void aRequiredAndADefaultedParameterFilterTheRowsAsDuckDbDoes() throws Exception {
        assertEquals(
                expected("SELECT id FROM '%s' WHERE symbol = ? AND volume >= ? ORDER BY id", "AAA", 500L),
                ids("trades", GetOptions.defaults().parameter("symbol", "AAA")));
        assertEquals(
                expected("SELECT id FROM '%s' WHERE symbol = ? AND volume >= ? ORDER BY id", "BBB", 900L),
                ids("trades", GetOptions.defaults().parameter("symbol", "BBB").parameter("least", "900")));
        assertTrue(
                ids("trades", GetOptions.defaults().parameter("symbol", "ZZZ")).isEmpty(), "no such symbol");
    }

    @Test
    void columnsAndLimitAreBoundAfterTheQueryParameters() throws Exception {
        List<Long> all = expected("SELECT id FROM '%s' WHERE symbol = ? AND volume >= ? ORDER BY id", "CCC", 0L);
        assertEquals(
                all.subList(0, 4),
                ids(
                        "trades",
                        GetOptions.defaults()
                                .parameter("symbol", "CCC")
                                .parameter("least", "0")
                                .parameter("columns", "id")
                                .parameter("limit", "4")));
    }

    @Test
    void anInjectionAttemptIsBoundAsDataAndMatchesOnlyRowsHoldingThatText() throws Exception {
        List<Long> holding =
                expected("SELECT id FROM '%s' WHERE symbol = ? AND volume >= ? ORDER BY id", INJECTION, 0L);
        assertEquals(20, holding.size(), "every 97th of 2000 rows holds the text");
        assertEquals(
                holding,
                ids(
                        "trades",
                        GetOptions.defaults().parameter("symbol", INJECTION).parameter("least", "0")));
        assertTrue(ids(
                        "trades",
                        GetOptions.defaults()
                                .parameter("symbol", "AAA' OR 1=1 --")
                                .parameter("least", "0"))
                .isEmpty());
        assertTrue(ids(
                        "trades",
                        GetOptions.defaults().parameter("symbol", "AAA'; SELECT * FROM read_text('/etc/passwd'); --"))
                .isEmpty());
    }

    @Test
    void dateTimestampDoubleBooleanAndTextParametersAreTyped() throws Exception {
        assertEquals(
                expected(
                        "SELECT id FROM '%s' WHERE day >= ? AND placed_at < ? AND (volume > ? OR ?) ORDER BY id",
                        LocalDate.parse("2024-01-20"), LocalDateTime.parse("2024-01-02T05:00:00"), 990.5, false),
                ids(
                        "window",
                        GetOptions.defaults()
                                .parameter("from", "2024-01-20")
                                .parameter("before", "2024-01-02T05:00:00")
                                .parameter("above", "990.5")));
        assertEquals(
                expected(
                        "SELECT id FROM '%s' WHERE day >= ? AND placed_at < ? ORDER BY id",
                        LocalDate.parse("2024-01-20"), LocalDateTime.parse("2024-01-02T05:00:00")),
                ids(
                        "window",
                        GetOptions.defaults()
                                .parameter("from", "2024-01-20")
                                .parameter("before", "2024-01-02T07:00:00+02:00")
                                .parameter("everything", "true")),
                "an offset is the UTC time of that instant");
        try (BufferAllocator allocator = new RootAllocator();
                ArrowHttpClient client = client();
                DatasetStream stream = client.get(
                        "window",
                        GetOptions.defaults().parameter("from", "2024-01-01").parameter("label", "it's"),
                        allocator)) {
            VectorSchemaRoot root = stream.reader().getVectorSchemaRoot();
            assertEquals(
                    List.of(
                            Field.nullable("id", new ArrowType.Int(64, true)),
                            Field.nullable("label", ArrowType.Utf8.INSTANCE)),
                    root.getSchema().getFields());
            assertTrue(stream.reader().loadNextBatch());
            assertEquals("it's", root.getVector("label").getObject(0).toString());
        }
    }

    @Test
    void aMissingRequiredParameterIsA400NamingIt() throws Exception {
        HttpResponse<String> response = get("/datasets/trades?least=3");
        assertProblem(response, "needs query parameter 'symbol' (string)");
    }

    @Test
    void aValueOfTheWrongTypeOrWithANulIsA400NamingTheParameter() throws Exception {
        assertProblem(get("/datasets/trades?symbol=AAA&least=many"), "'least' must be a whole number");
        assertProblem(get("/datasets/trades?symbol=A%00A"), "'symbol' holds a NUL character");
        assertProblem(get("/datasets/window?from=2024-13-01"), "'from' must be a date");
        assertProblem(get("/datasets/trades?symbol=AAA&who=me"), "takes no parameter 'who'");
    }

    @Test
    void theCatalogListsTheParametersWithTypesDefaultsAndWhetherRequired() throws Exception {
        HttpResponse<String> info = get("/datasets/trades/info");
        assertEquals(200, info.statusCode(), info.body());
        String body = info.body().replace(" ", "");
        assertTrue(
                body.contains(
                        "\"parameters\":[{\"name\":\"symbol\",\"type\":\"string\",\"defaultValue\":null,\"required\":true},"
                                + "{\"name\":\"least\",\"type\":\"long\",\"defaultValue\":\"500\",\"required\":false}]"),
                body);
        HttpResponse<String> list = get("/datasets");
        assertEquals(200, list.statusCode(), list.body());
        assertTrue(
                list.body()
                        .replace(" ", "")
                        .contains("{\"name\":\"from\",\"type\":\"date\",\"defaultValue\":null,\"required\":true}"),
                list.body());
    }

    @Test
    void parametersOnAFileOrAnUndeclaredOneStopTheStartNamingIt() throws Exception {
        Path onFile = Files.writeString(folder.resolve("on-file.yaml"), """
                datasets:
                  - name: plain
                    file: trades.parquet
                    parameters: {symbol: {type: string}}
                """, StandardCharsets.UTF_8);
        ConfigurationException file =
                assertThrows(ConfigurationException.class, () -> ConfiguredDatasets.load(onFile, null, Map.of()));
        assertTrue(file.getMessage().contains("'parameters' goes with 'sql'"), file.getMessage());
        Path undeclared = Files.writeString(folder.resolve("undeclared.yaml"), """
                datasets:
                  - name: some
                    sql: "SELECT id FROM 'trades.parquet' WHERE symbol = :who"
                """, StandardCharsets.UTF_8);
        ConfigurationException missing =
                assertThrows(ConfigurationException.class, () -> ConfiguredDatasets.load(undeclared, null, Map.of()));
        assertTrue(
                missing.getMessage().contains(":who, which is not declared under 'parameters'"), missing.getMessage());
        assertFalse(missing.getMessage().contains("CAST(?"), missing.getMessage());
        Path positional = Files.writeString(folder.resolve("positional.yaml"), """
                datasets:
                  - name: some
                    sql: "SELECT id FROM 'trades.parquet' WHERE symbol = ? AND volume > :least"
                    parameters: {least: {type: long}}
                """, StandardCharsets.UTF_8);
        ConfigurationException own =
                assertThrows(ConfigurationException.class, () -> ConfiguredDatasets.load(positional, null, Map.of()));
        assertTrue(own.getMessage().contains("a parameter of DuckDB's own (? or $1)"), own.getMessage());
    }

    /** The ids DuckDB itself returns for {@code sql} on the file, with {@code values} bound. */
    private static List<Long> expected(String sql, Object... values) throws Exception {
        List<Long> ids = new ArrayList<>();
        try (Connection connection = new DuckDBDriver().connect("jdbc:duckdb:", new Properties());
                PreparedStatement statement = connection.prepareStatement(sql.formatted(parquet))) {
            for (int i = 0; i < values.length; i++) {
                statement.setObject(i + 1, values[i]);
            }
            try (ResultSet result = statement.executeQuery()) {
                while (result.next()) {
                    ids.add(result.getLong(1));
                }
            }
        }
        return ids;
    }

    /** The {@code id} column a GET of {@code dataset} returns. */
    private static List<Long> ids(String dataset, GetOptions options) throws IOException {
        List<Long> ids = new ArrayList<>();
        try (BufferAllocator allocator = new RootAllocator();
                ArrowHttpClient client = client();
                DatasetStream stream = client.get(dataset, options, allocator)) {
            VectorSchemaRoot root = stream.reader().getVectorSchemaRoot();
            while (stream.reader().loadNextBatch()) {
                BigIntVector id = (BigIntVector) root.getVector("id");
                for (int row = 0; row < root.getRowCount(); row++) {
                    ids.add(id.get(row));
                }
            }
        }
        return ids;
    }

    private static ArrowHttpClient client() {
        return ArrowHttpClient.builder(server.uri("/"))
                .readTimeout(Duration.ofSeconds(30))
                .build();
    }

    private static HttpResponse<String> get(String pathAndQuery) throws Exception {
        return http.send(
                HttpRequest.newBuilder(server.uri(pathAndQuery))
                        .header("Accept", "*/*")
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static void assertProblem(HttpResponse<String> response, String text) {
        assertEquals(400, response.statusCode(), response.body());
        assertEquals(
                "application/problem+json",
                response.headers().firstValue("Content-Type").orElse("").split(";")[0],
                response.headers() + " " + response.body());
        assertTrue(response.body().contains(text), response.body());
        assertFalse(response.body().contains("at io.arrowhttp"), "no stack trace: " + response.body());
    }
}

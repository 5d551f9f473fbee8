package io.arrowhttp.app.catalog;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.arrowhttp.protocol.ArrowMediaTypes;
import io.arrowhttp.protocol.HeaderNames;
import io.arrowhttp.testing.TestServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.duckdb.DuckDBDriver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Arrow cache for the datasets a catalog makes, over HTTP: Parquet files and globs kept until a
 * file changes or the glob gains a file, SQL for its ttl, {@code cache: false} never.
 */
class ArrowCacheOfFilesTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path folder;

    private static void writeParquet(Path file, int rows) throws SQLException {
        try (Connection duckdb = new DuckDBDriver().connect("jdbc:duckdb:", new Properties());
                Statement statement = duckdb.createStatement()) {
            statement.execute("COPY (SELECT range AS id, 'row ' || range AS label FROM range(" + rows + ")) TO '" + file
                    + "' (FORMAT parquet)");
        }
    }

    private static HttpResponse<byte[]> get(TestServer server, String path) throws IOException, InterruptedException {
        return HTTP.send(
                HttpRequest.newBuilder(server.uri(path))
                        .header("Accept", ArrowMediaTypes.ARROW_STREAM)
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    private static String cache(HttpResponse<?> response) {
        return response.headers().firstValue(HeaderNames.CACHE).orElse("none");
    }

    private static long rows(byte[] body) throws IOException {
        try (BufferAllocator allocator = new RootAllocator();
                ArrowStreamReader reader = new ArrowStreamReader(new ByteArrayInputStream(body), allocator)) {
            long rows = 0;
            while (reader.loadNextBatch()) {
                rows += reader.getVectorSchemaRoot().getRowCount();
            }
            return rows;
        }
    }

    @Test
    void filesAreKeptUntilTheyChangeQueriesForTheirTtlAndOptedOutDatasetsNever() throws Exception {
        Path data = Files.createDirectories(folder.resolve("data"));
        writeParquet(data.resolve("trades.parquet"), 5_000);
        Path daily = Files.createDirectories(data.resolve("daily"));
        writeParquet(daily.resolve("day-1.parquet"), 100);
        writeParquet(daily.resolve("day-2.parquet"), 100);
        Path catalog = folder.resolve("catalog.yaml");
        Files.writeString(catalog, """
                cache: {directory: cache, max_bytes: 64MiB}
                datasets:
                  - name: trades
                    file: data/trades.parquet
                  - name: daily
                    file: data/daily/*.parquet
                  - name: recent
                    sql: "SELECT id FROM 'data/trades.parquet' WHERE id >= 4000"
                    cache: {ttl: 1h}
                  - name: uncached
                    file: data/trades.parquet
                    cache: false
                """, StandardCharsets.UTF_8);
        try (ConfiguredDatasets configured =
                        ConfiguredDatasets.load(catalog, null, Map.of(), new CacheSettings(null, 1, 0, false));
                TestServer server = TestServer.withFeature(feature -> {
                    configured.datasets().forEach(feature::dataset);
                    return feature.cache(
                            configured.cache().directory(), configured.cache().maxBytes());
                })) {
            assertEquals(folder.resolve("cache"), configured.cache().directory());

            HttpResponse<byte[]> miss = get(server, "/datasets/trades");
            assertEquals("miss", cache(miss));
            HttpResponse<byte[]> hit = get(server, "/datasets/trades");
            assertEquals("hit", cache(hit));
            assertArrayEquals(miss.body(), hit.body());
            assertEquals(5_000, rows(hit.body()));
            HttpResponse<byte[]> projected = get(server, "/datasets/trades?columns=id&limit=10");
            assertEquals("miss", cache(projected));
            assertEquals("hit", cache(get(server, "/datasets/trades?columns=id&limit=10")));
            assertEquals(10, rows(projected.body()));

            writeParquet(data.resolve("trades.parquet"), 6_000);
            Files.setLastModifiedTime(
                    data.resolve("trades.parquet"), FileTime.from(Instant.now().plusSeconds(5)));
            HttpResponse<byte[]> changed = get(server, "/datasets/trades");
            assertEquals("miss", cache(changed), "a changed file is read again");
            assertEquals(6_000, rows(changed.body()));
            assertNotEquals(
                    hit.headers().firstValue("ETag"),
                    get(server, "/datasets/trades").headers().firstValue("ETag"));

            // Replaced by another file of the same size and time (as cp -p, tar x or touch -r do).
            Path trades = data.resolve("trades.parquet");
            assertEquals("hit", cache(get(server, "/datasets/trades")));
            Path replacement = data.resolve("trades.parquet.new");
            Files.copy(trades, replacement);
            Files.setLastModifiedTime(replacement, Files.getLastModifiedTime(trades));
            Files.move(replacement, trades, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            assertEquals("miss", cache(get(server, "/datasets/trades")), "a replaced file with the same size and time");

            assertEquals("miss", cache(get(server, "/datasets/daily")));
            assertEquals("hit", cache(get(server, "/datasets/daily")));
            writeParquet(daily.resolve("day-3.parquet"), 100);
            HttpResponse<byte[]> grown = get(server, "/datasets/daily");
            assertEquals("miss", cache(grown), "a glob that matches another file is read again");
            assertEquals(300, rows(grown.body()));

            assertEquals("miss", cache(get(server, "/datasets/recent")));
            assertEquals("hit", cache(get(server, "/datasets/recent")));

            assertEquals("none", cache(get(server, "/datasets/uncached")));
            assertEquals("none", cache(get(server, "/datasets/uncached")));
        }
    }
}

package io.arrowhttp.war;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.arrowhttp.client.ArrowHttpClient;
import io.arrowhttp.client.DatasetStream;
import io.arrowhttp.client.GetOptions;
import io.arrowhttp.protocol.DatasetInfo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.duckdb.DuckDBDriver;

/**
 * A folder of files written by DuckDB's own {@code COPY} and a YAML catalog naming them, for a
 * deployment configured with {@code arrowhttp.config}; and the checks a client makes of it.
 */
final class CatalogDeployment {

    static final int ROWS = 200_000;

    private CatalogDeployment() {}

    /** Writes the files and the catalog under {@code folder}; returns the catalog's path. */
    static Path write(Path folder) {
        try {
            Path data = Files.createDirectories(folder.resolve("data"));
            try (Connection duckdb = new DuckDBDriver().connect("jdbc:duckdb:", new Properties());
                    Statement statement = duckdb.createStatement()) {
                String rows =
                        "(SELECT range AS id, range * 0.5 AS price, 'row ' || range AS label FROM range(" + ROWS + "))";
                statement.execute("COPY " + rows + " TO '" + data.resolve("trades.parquet") + "' (FORMAT parquet)");
                statement.execute("COPY " + rows + " TO '" + data.resolve("quotes.csv") + "' (FORMAT csv, HEADER)");
            }
            return Files.writeString(folder.resolve("catalog.yaml"), """
                    default: trades
                    datasets:
                      - name: trades
                        description: Trades
                        file: data/trades.parquet
                        metadata: {source: war-test}
                      - name: quotes
                        file: data/quotes.csv
                      - name: cheap
                        sql: "SELECT id FROM 'data/trades.parquet' WHERE price < 10 ORDER BY id"
                    """, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (SQLException e) {
            throw new IllegalStateException("DuckDB could not write the test files", e);
        }
    }

    /** Checks what the deployment at {@code base} serves, value by value for the ids. */
    static void assertServed(URI base) throws IOException {
        try (ArrowHttpClient client = ArrowHttpClient.builder(base)
                .readTimeout(Duration.ofSeconds(60))
                .build()) {
            assertEquals(
                    List.of("trades", "quotes", "cheap", "tickers"),
                    client.listDatasets().stream().map(DatasetInfo::name).toList());
            assertEquals(ROWS, client.info("trades").totalRecords());
            assertEquals(ROWS, readIds(client.fetch(base, GetOptions.defaults(), new RootAllocator()), "war-test"));
            try (BufferAllocator allocator = new RootAllocator()) {
                assertEquals(ROWS, readIds(client.get("quotes", GetOptions.defaults(), allocator), null));
                assertEquals(20, readIds(client.get("cheap", GetOptions.defaults(), allocator), null));
                assertEquals(
                        7,
                        readIds(
                                client.get(
                                        "trades",
                                        GetOptions.defaults()
                                                .parameter("columns", "id")
                                                .parameter("limit", 7),
                                        allocator),
                                null));
            }
        }
    }

    /** Reads a response whose ids are 0, 1, 2...; returns the rows; closes the stream. */
    private static long readIds(DatasetStream opened, String source) throws IOException {
        try (DatasetStream stream = opened) {
            if (source != null) {
                assertEquals(source, stream.metadata().get("source").asText());
            }
            VectorSchemaRoot root = stream.reader().getVectorSchemaRoot();
            long rows = 0;
            while (stream.reader().loadNextBatch()) {
                BigIntVector ids = (BigIntVector) root.getVector("id");
                for (int i = 0; i < root.getRowCount(); i++, rows++) {
                    assertEquals(rows, ids.get(i));
                }
            }
            return rows;
        }
    }
}

package io.arrowhttp.source.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.arrowhttp.dataset.DatasetDescription;
import io.arrowhttp.testing.TestServer;
import java.io.InputStream;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code /datasets} and {@code /datasets/{name}/info} carry a dataset's metadata and its declared
 * parameters (none here; {@code PostgresDatasetTest} reads those of a query that has some), read as
 * the JSON the server sends.
 */
class CatalogParametersTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theCatalogAndInfoCarryTheDatasetsMetadataAndItsParameters() throws Exception {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl("jdbc:duckdb:");
        config.setMaximumPoolSize(1);
        try (HikariDataSource pool = new HikariDataSource(config)) {
            JdbcDataset plain = JdbcDataset.of(
                    pool,
                    new DatasetDescription("plain", "No parameters", Map.of("owner", "risk", "version", 3)),
                    "SELECT 1 AS one",
                    List.of(),
                    100);
            try (TestServer server = TestServer.withFeature(feature -> feature.dataset(plain))) {
                JsonNode info = read(server.uri("/datasets/plain/info"));
                assertEquals(JSON.readTree("{\"owner\":\"risk\",\"version\":3}"), info.get("metadata"));
                assertEquals(JSON.readTree("[]"), info.get("parameters"));
                JsonNode catalog = read(server.uri("/datasets"));
                JsonNode listed = null;
                for (JsonNode entry : catalog.isArray() ? catalog : catalog.path("datasets")) {
                    if (entry.path("name").asText().equals("plain")) {
                        listed = entry;
                    }
                }
                assertEquals(JSON.readTree("[]"), listed.get("parameters"));
                assertEquals(JSON.readTree("{\"owner\":\"risk\",\"version\":3}"), listed.get("metadata"));
            }
        }
    }

    private static JsonNode read(URI uri) throws Exception {
        try (InputStream in = uri.toURL().openStream()) {
            return JSON.readTree(in);
        }
    }
}

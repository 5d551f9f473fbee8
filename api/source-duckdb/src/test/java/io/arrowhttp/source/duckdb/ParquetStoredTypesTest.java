package io.arrowhttp.source.duckdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.arrowhttp.dataset.DatasetDescription;
import io.arrowhttp.testing.PythonWithPyarrow;
import io.arrowhttp.testing.TestServer;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Parquet files written by pyarrow with every type Parquet keeps (and the Arrow schema pyarrow
 * stores in them), served through DuckDB and compared by pyarrow with {@code
 * pyarrow.parquet.read_table} of the same files: types, child names, field and schema metadata
 * and values, for one file, a glob of two, and a file of four row groups read by partition. Batches
 * of 1000 rows, so dictionaries grow as the stream goes. Skipped, saying so, without a Python with
 * pyarrow (failed under CI).
 */
class ParquetStoredTypesTest {

    @TempDir
    static Path folder;

    private static PythonWithPyarrow python;
    private static Path data;

    @BeforeAll
    static void writeFiles() throws Exception {
        python = PythonWithPyarrow.require("parquet_types.py");
        data = Files.createDirectories(folder.resolve("data"));
        python.run("write", data.toString());
    }

    @Test
    void parquetFilesWrittenByPyarrowAreServedAsPyarrowReadsThem() throws Exception {
        try (DuckDbEngine engine = DuckDbEngine.builder()
                        .allowDirectory(data)
                        .batchRows(1000)
                        .threads(1)
                        .build();
                TestServer server = TestServer.withFeature(feature -> feature.dataset(DuckDbDataset.ofFiles(
                                engine,
                                DatasetDescription.of("types", "Every type"),
                                data.resolve("types.parquet").toString()))
                        .dataset(DuckDbDataset.ofFiles(
                                engine,
                                DatasetDescription.of("parts", "Two halves"),
                                data.resolve("part-*.parquet").toString()))
                        .dataset(DuckDbDataset.ofFiles(
                                engine,
                                DatasetDescription.of("grouped", "Four row groups"),
                                data.resolve("types-grouped.parquet").toString())))) {
            String base = server.uri("/").toString().replaceAll("/$", "");
            List<String> lines = python.run(
                    "compare",
                    base,
                    "types=" + data.resolve("types.parquet"),
                    "parts=" + data.resolve("part-1.parquet") + "," + data.resolve("part-2.parquet"),
                    "grouped=" + data.resolve("types-grouped.parquet") + ":4");
            assertEquals(
                    List.of(
                            "{\"dataset\": \"types\", \"rows\": 5000, \"columns\": 45, \"differences\": []}",
                            "{\"dataset\": \"parts\", \"rows\": 5000, \"columns\": 45, \"differences\": []}",
                            "{\"dataset\": \"grouped\", \"rows\": 5000, \"columns\": 45, \"differences\": []}"),
                    lines);
        }
    }

    @Test
    void theCatalogGivesADictionaryColumnItsValueTypeAndItsIndexType() throws Exception {
        try (DuckDbEngine engine =
                        DuckDbEngine.builder().allowDirectory(data).threads(1).build();
                TestServer server = TestServer.withFeature(feature -> feature.dataset(DuckDbDataset.ofFiles(
                        engine,
                        DatasetDescription.of("types", "Every type"),
                        data.resolve("types.parquet").toString())))) {
            HttpResponse<String> response = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(server.uri("/datasets/types/info"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode(), response.body());
            JsonNode category = null;
            for (JsonNode field : new ObjectMapper().readTree(response.body()).at("/schema/fields")) {
                if (field.get("name").asText().equals("category")) {
                    category = field;
                }
            }
            assertNotNull(category, response.body());
            // Arrow's JSON form of a dictionary-encoded field: the value type, and the index type in
            // "dictionary".
            assertEquals("{\"name\":\"utf8\"}", category.get("type").toString());
            assertEquals(
                    "{\"name\":\"int\",\"bitWidth\":32,\"isSigned\":true}",
                    category.at("/dictionary/indexType").toString());
            assertFalse(category.at("/dictionary/isOrdered").asBoolean(true));
        }
    }

    @Test
    void aParquetFileWithoutAStoredSchemaKeepsDuckDbTypes() throws Exception {
        try (DuckDbEngine engine =
                DuckDbEngine.builder().allowDirectory(data).threads(1).build()) {
            Schema plain = DuckDbDataset.ofFiles(
                            engine,
                            DatasetDescription.of("plain", "No stored schema"),
                            data.resolve("types-plain.parquet").toString())
                    .schema();
            Schema stored = DuckDbDataset.ofFiles(
                            engine,
                            DatasetDescription.of("stored", "A stored schema"),
                            data.resolve("types.parquet").toString())
                    .schema();
            Field category = plain.findField("category");
            assertEquals(ArrowType.Utf8.INSTANCE, category.getType());
            assertNull(category.getDictionary());
            assertEquals(
                    new ArrowType.Int(64, true), plain.findField("duration_us").getType());
            assertEquals(
                    new ArrowType.Int(32, true), stored.findField("category").getType());
            assertEquals(
                    new ArrowType.Duration(TimeUnit.MICROSECOND),
                    stored.findField("duration_us").getType());
        }
    }
}

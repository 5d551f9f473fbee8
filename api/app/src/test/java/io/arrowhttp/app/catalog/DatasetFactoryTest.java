package io.arrowhttp.app.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.arrowhttp.dataset.Dataset;
import io.arrowhttp.dataset.DatasetDescription;
import io.arrowhttp.dataset.DatasetRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.duckdb.DuckDBDriver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The factory the server and the upload command share: a file's name picks its reader, and the
 * factory and what it reads through need nothing of the server.
 */
class DatasetFactoryTest {

    @TempDir
    Path folder;

    @Test
    void aFilesNamePicksItsReader() throws SQLException, IOException {
        Path parquet = folder.resolve("trades.PARQUET");
        Path csv = folder.resolve("quotes.csv");
        try (Connection duckdb = new DuckDBDriver().connect("jdbc:duckdb:", new Properties());
                Statement statement = duckdb.createStatement()) {
            statement.execute("COPY (SELECT range AS id FROM range(7)) TO '" + parquet + "' (FORMAT parquet)");
            statement.execute("COPY (SELECT range AS id FROM range(5)) TO '" + csv + "' (FORMAT csv, HEADER)");
        }
        for (String name : List.of("a.arrow", "a.feather", "a.arrows", "a.parquet", "a.csv", "a.jsonl", "a.ndjson")) {
            assertTrue(DatasetFactory.readsFile(name), name);
        }
        assertFalse(DatasetFactory.readsFile("notes.txt"));
        try (SourceResources resources = SourceResources.of(engine -> engine.allowDirectory(folder));
                BufferAllocator allocator = new RootAllocator()) {
            DatasetFactory factory = new DatasetFactory(resources);
            assertEquals(7, rows(factory.file(DatasetDescription.of("trades", ""), parquet), allocator));
            assertEquals(5, rows(factory.file(DatasetDescription.of("quotes", ""), csv), allocator));
            IllegalArgumentException refused = assertThrows(
                    IllegalArgumentException.class,
                    () -> factory.file(DatasetDescription.of("notes", ""), folder.resolve("notes.txt")));
            assertEquals(
                    "the file name must end in .arrow, .feather, .arrows, .parquet, .csv, .jsonl or .ndjson",
                    refused.getMessage());
        }
    }

    @Test
    void theFactoryAndItsResourcesImportNothingOfTheServer() throws IOException {
        Path sources = Path.of("src/main/java/io/arrowhttp/app/catalog");
        for (String file : List.of("DatasetFactory.java", "SourceResources.java")) {
            for (String line : Files.readAllLines(sources.resolve(file))) {
                if (line.startsWith("import ")) {
                    for (String server : List.of(
                            "io.arrowhttp.server.",
                            "io.arrowhttp.internal.",
                            "io.arrowhttp.app.",
                            "jakarta.",
                            "org.glassfish.")) {
                        assertFalse(
                                line.contains(" " + server) || line.contains("static " + server), file + ": " + line);
                    }
                }
            }
        }
    }

    private static long rows(Dataset dataset, BufferAllocator allocator) throws IOException {
        long rows = 0;
        try (ArrowReader reader = dataset.open(DatasetRequest.of(Map.of()), allocator)) {
            while (reader.loadNextBatch()) {
                rows += reader.getVectorSchemaRoot().getRowCount();
            }
        }
        return rows;
    }
}

package io.arrowhttp.testing.web;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import org.duckdb.DuckDBDriver;

/**
 * {@code numbers.parquet}, written by DuckDB's own {@code COPY}, for the web page's tests: {@code id}
 * from 0, {@code label} {@code "row <id>"} and {@code value}, a double from 0 to 99.9 spread like a
 * bell (row 49 holds 49.8), in order.
 */
public final class NumbersFile {

    public static final String DATASET = "numbers";

    private NumbersFile() {}

    /** Writes {@code rows} rows to {@code folder/numbers.parquet}, making the folder; returns the folder. */
    public static Path write(Path folder, long rows) throws IOException {
        Files.createDirectories(folder);
        try (Connection duckdb = new DuckDBDriver().connect("jdbc:duckdb:", new Properties());
                Statement statement = duckdb.createStatement()) {
            statement.execute("COPY (SELECT range AS id, 'row ' || range AS label, round(((range * 7919) % 1000"
                    + " + (range * 104729) % 1000 + (range * 1299709) % 1000) / 30.0, 1) AS value FROM range(" + rows
                    + ")) TO '" + folder.resolve(DATASET + ".parquet") + "' (FORMAT parquet)");
        } catch (SQLException e) {
            throw new IllegalStateException("DuckDB could not write the test data", e);
        }
        return folder;
    }
}

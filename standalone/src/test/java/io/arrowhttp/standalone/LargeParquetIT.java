package io.arrowhttp.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.arrowhttp.client.ArrowHttpClient;
import io.arrowhttp.client.DatasetStream;
import io.arrowhttp.client.GetOptions;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.duckdb.DuckDBDriver;
import org.junit.jupiter.api.Test;

/**
 * A Parquet glob of more than 5 GB, written by DuckDB at test time, served whole by the jar at
 * {@code -Xmx256m} and read to the end by the decoding Java client: the server's memory stays at
 * about one batch whatever the size of the data.
 */
class LargeParquetIT {

    private static final int FILES = 5;
    private static final long ROWS_PER_FILE = 48_000_000;
    private static final long GIGABYTES = 5;
    /**
     * Heap, metaspace, DuckDB's own buffers and one batch in flight: measured at 340 MiB on
     * 2026-12-01, against more than 6 GB of data; twice that leaves room for a noisy machine.
     */
    private static final long MAX_SERVER_RSS = 768L << 20;

    @Test
    void aFiveGigabyteParquetGlobStreamsWholeWithTheServersMemoryAtAboutOneBatch() throws Exception {
        Path folder =
                Files.createDirectories(Path.of("target", "it", "large-parquet").toAbsolutePath());
        Path data = writeParquet(folder.resolve("data"));
        long onDisk;
        try (Stream<Path> files = Files.list(data)) {
            onDisk = files.filter(file -> file.toString().endsWith(".parquet"))
                    .mapToLong(file -> file.toFile().length())
                    .sum();
        }
        assertTrue(onDisk > GIGABYTES << 30, "the glob holds " + onDisk + " bytes");
        Path catalog = Files.writeString(
                folder.resolve("catalog.yaml"),
                "datasets:\n  - name: large\n    file: data/part-*.parquet\n",
                StandardCharsets.UTF_8);
        Path log = folder.resolve("server.log");
        Process server = ServerJarProcess.start(log, "--config", catalog.toString());
        try {
            URI base = ServerJarProcess.awaitListening(server, log);
            long rows = 0;
            long bytes;
            try (ArrowHttpClient client = ArrowHttpClient.builder(base)
                            .readTimeout(Duration.ofMinutes(2))
                            .build();
                    BufferAllocator allocator = new RootAllocator();
                    DatasetStream stream = client.get("large", GetOptions.defaults(), allocator)) {
                while (stream.reader().loadNextBatch()) {
                    rows += stream.reader().getVectorSchemaRoot().getRowCount();
                }
                bytes = stream.bytesReceived();
            }
            long rss = peakRss(server.pid());
            System.out.printf(
                    "LargeParquetIT: %d MB of Parquet, %d MB of Arrow sent, %d rows; server peak RSS %d MiB%n",
                    onDisk >> 20, bytes >> 20, rows, rss >> 20);
            assertEquals(FILES * ROWS_PER_FILE, rows);
            assertTrue(rss < MAX_SERVER_RSS, "the server's peak RSS was " + (rss >> 20) + " MiB");
        } finally {
            ServerJarProcess.stop(server);
        }
    }

    /** Random doubles, which Parquet cannot compress, so the files are as large as the rows; once per build folder. */
    private static Path writeParquet(Path data) throws IOException, SQLException {
        Path done = data.resolve("written-" + FILES + "x" + ROWS_PER_FILE);
        if (Files.exists(done)) {
            return data;
        }
        Files.createDirectories(data);
        try (Connection duckdb = new DuckDBDriver().connect("jdbc:duckdb:", new Properties());
                Statement statement = duckdb.createStatement()) {
            for (int file = 0; file < FILES; file++) {
                long first = file * ROWS_PER_FILE;
                statement.execute("COPY (SELECT range AS id, random() AS a, random() AS b, random() AS c FROM range("
                        + first + ", " + (first + ROWS_PER_FILE) + ")) TO '" + data.resolve("part-" + file + ".parquet")
                        + "' (FORMAT parquet)");
            }
        }
        Files.createFile(done);
        return data;
    }

    private static long peakRss(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new AssertionError("/proc does not give the server's peak RSS");
    }
}

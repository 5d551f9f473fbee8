package io.arrowhttp.standalone;

import io.arrowhttp.app.catalog.DatasetFactory;
import io.arrowhttp.app.catalog.SourceResources;
import io.arrowhttp.client.ArrowHttpClient;
import io.arrowhttp.client.Compression;
import io.arrowhttp.client.UploadListener;
import io.arrowhttp.client.UploadOptions;
import io.arrowhttp.dataset.Dataset;
import io.arrowhttp.dataset.DatasetDescription;
import io.arrowhttp.dataset.DatasetRequest;
import io.arrowhttp.protocol.ArrowHttpException;
import io.arrowhttp.protocol.ResourcePaths;
import io.arrowhttp.protocol.UploadResult;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.ipc.ArrowReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code java -jar arrowhttp-server.jar upload FILE URL}: sends a data file to a dataset the way
 * any client would, read by the same readers the server serves files with (Arrow IPC directly,
 * Parquet, CSV and JSON lines through DuckDB), with a progress line and a summary.
 */
@Command(
        name = "upload",
        mixinStandardHelpOptions = true,
        description = "Uploads an Arrow (.arrow, .feather, .arrows), Parquet, CSV or JSON-lines file to a dataset URL,"
                + " such as http://127.0.0.1:8008/datasets/trades: replacing its content, or with --append adding to"
                + " it.")
final class UploadCommand implements Callable<Integer> {

    @Parameters(index = "0", description = "The file to upload.")
    Path file;

    @Parameters(index = "1", description = "The dataset's URL: a server's /datasets/NAME.")
    URI url;

    @Option(names = "--append", description = "Adds the rows after the dataset's (POST) instead of replacing them.")
    boolean append;

    @Option(names = "--description", description = "The dataset's one-line description in the catalog.")
    String description;

    @Option(
            names = "--compression",
            description = "Compress the upload: zstd or lz4 (Arrow IPC buffers), http-zstd, br or gzip (the whole"
                    + " body).")
    String compression;

    @Option(names = "--token", description = "A bearer token (an API token of the server) to send.")
    String token;

    @Option(names = "--trust", description = "For https: trust the CA certificates in this PEM file.")
    Path trust;

    @Option(names = "--no-progress", description = "No progress line, even on a terminal.")
    boolean noProgress;

    private final PrintStream out;

    UploadCommand(PrintStream out) {
        this.out = out;
    }

    @Override
    public Integer call() {
        Optional<DatasetUrl> dataset = DatasetUrl.parse(url);
        if (dataset.isEmpty()) {
            System.err.println("upload failed: the URL must end in /" + ResourcePaths.DATASETS
                    + "/NAME, the dataset to write, such as http://127.0.0.1:8008/datasets/trades");
            return 2;
        }
        String name = dataset.get().name();
        if (!Files.isRegularFile(file)) {
            System.err.println("upload failed: " + file + " is not a file");
            return 2;
        }
        UploadOptions options = UploadOptions.defaults();
        if (description != null) {
            options.description(description);
        }
        if (compression != null) {
            try {
                options.compression(Compression.ofOption(compression));
            } catch (IllegalArgumentException unknown) {
                System.err.println("upload failed: " + unknown.getMessage());
                return 2;
            }
        }
        boolean progress = !noProgress && System.console() != null;
        long start = System.nanoTime();
        if (progress) {
            options.listener(new ProgressLine(start));
        }
        ArrowHttpClient.Builder builder =
                ArrowHttpClient.builder(dataset.get().base()).readTimeout(Duration.ofMinutes(10));
        if (token != null) {
            builder.bearerToken(token);
        }
        if (trust != null) {
            builder.trustCertificates(trust);
        }
        try (ArrowHttpClient client = builder.build();
                BufferAllocator allocator = new RootAllocator();
                FileBatches batches = FileBatches.open(file, allocator)) {
            UploadResult result = append
                    ? client.append(name, batches.reader(), options)
                    : client.put(name, batches.reader(), options);
            if (progress) {
                System.err.print("\r" + " ".repeat(72) + "\r");
            }
            out.printf(
                    Locale.ROOT,
                    "%s %d rows in %d batch(es), %d bytes, in %.3f seconds (%s); the dataset has %s rows%n",
                    append ? "Appended" : "Uploaded",
                    result.rows(),
                    result.batches(),
                    result.bytes(),
                    (System.nanoTime() - start) / 1e9,
                    rate(result.bytes(), start),
                    result.dataset().totalRecords() == null
                            ? "an unknown number of"
                            : String.valueOf(result.dataset().totalRecords()));
            return 0;
        } catch (ArrowHttpException refused) {
            System.err.println("upload failed: " + refused.code() + ": " + refused.getMessage());
            return 1;
        } catch (IOException | RuntimeException broken) {
            System.err.println("upload failed: " + broken.getMessage());
            return 1;
        }
    }

    private static String rate(long bytes, long start) {
        double seconds = Math.max(1e-9, (System.nanoTime() - start) / 1e9);
        return String.format(Locale.ROOT, "%.1f MB/s", bytes / seconds / 1e6);
    }

    /** A progress line on the terminal, four times a second at most. */
    private static final class ProgressLine implements UploadListener {
        private final long start;
        private long lastReport;

        ProgressLine(long start) {
            this.start = start;
        }

        @Override
        public void onBatch(long rows, long batches, long bytes) {
            if (System.nanoTime() - lastReport > 250_000_000L) {
                lastReport = System.nanoTime();
                System.err.printf(
                        Locale.ROOT,
                        "\r%,d rows, %,d batches, %,d bytes, %s",
                        rows,
                        batches,
                        bytes,
                        rate(bytes, start));
            }
        }
    }

    /**
     * The batches of a data file, read as the server reads its files: the reader is the one
     * {@link DatasetFactory} chooses for the file's name.
     *
     * <h2>Ownership</h2>
     * Owns the reader, the dataset and what it reads through (DuckDB's engine, for DuckDB's
     * formats); {@link #close()} closes them in that order.
     */
    private record FileBatches(ArrowReader reader, Dataset dataset, SourceResources resources)
            implements AutoCloseable {

        static FileBatches open(Path file, BufferAllocator allocator) {
            String fileName = file.getFileName().toString();
            if (!DatasetFactory.readsFile(fileName)) {
                throw new IllegalArgumentException(fileName + " is not a file this command reads; give an "
                        + DatasetFactory.FILE_EXTENSIONS + " file");
            }
            Path absolute = file.toAbsolutePath();
            SourceResources resources = SourceResources.of(engine -> engine.allowDirectory(absolute.getParent()));
            Dataset dataset = null;
            try {
                dataset = new DatasetFactory(resources).file(DatasetDescription.of("upload", ""), absolute);
                ArrowReader reader = dataset.open(DatasetRequest.of(Map.of()), allocator);
                try {
                    return new FileBatches(DecodedDictionaries.of(reader, allocator), dataset, resources);
                } catch (IOException | RuntimeException e) {
                    reader.close();
                    throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
                }
            } catch (IOException e) {
                dataset.close();
                resources.close();
                throw new UncheckedIOException(e);
            } catch (RuntimeException e) {
                if (dataset != null) {
                    dataset.close();
                }
                resources.close();
                throw e;
            }
        }

        @Override
        public void close() throws IOException {
            try {
                reader.close();
            } finally {
                try {
                    dataset.close();
                } finally {
                    resources.close();
                }
            }
        }
    }
}

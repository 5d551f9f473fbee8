package io.arrowhttp.standalone;

import com.fasterxml.jackson.databind.JsonNode;
import io.arrowhttp.client.ArrowHttpClient;
import io.arrowhttp.client.Compression;
import io.arrowhttp.client.DatasetStream;
import io.arrowhttp.client.GetOptions;
import io.arrowhttp.protocol.ArrowHttpException;
import io.arrowhttp.protocol.ResourcePaths;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import javax.net.ssl.SSLException;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code java -jar arrowhttp-server.jar fetch URL}: receives a dataset the way any client would
 * and reports what came: a preview of the JSON part, the schema, rows, batches, seconds and
 * throughput, then the footnotes.
 */
@Command(
        name = "fetch",
        mixinStandardHelpOptions = true,
        description =
                "Fetches a dataset URL, such as http://127.0.0.1:8008/?include_footnotes, and reports what arrived.")
final class FetchCommand implements Callable<Integer> {

    private static final int PREVIEW_ENTRIES = 5;

    @Parameters(
            index = "0",
            description = "The dataset's URL: a server's /, /datasets/NAME, with any query parameters.")
    URI url;

    @Option(names = "--save", description = "Also writes the record batches to FILE as an Arrow IPC stream.")
    Path save;

    @Option(names = "--timeout", description = "Deadline for the whole transfer, in seconds.")
    Double timeoutSeconds;

    @Option(names = "--no-progress", description = "No progress line, even on a terminal.")
    boolean noProgress;

    @Option(
            names = "--parallel",
            description = "Fetch the dataset's endpoints (its partitions) on N connections at once; the URL must be"
                    + " a dataset's, /datasets/NAME.")
    Integer parallel;

    @Option(
            names = "--compression",
            description = "Ask for compressed data: zstd or lz4 (Arrow IPC buffers), http-zstd, br or gzip"
                    + " (HTTP content coding).")
    String compression;

    @Option(
            names = "--trust",
            paramLabel = "PEM",
            description = "Trust the certificates in this PEM file for https, such as a private CA's.")
    Path trust;

    @Option(names = "--token", description = "A bearer token to send; or the environment variable ARROWHTTP_TOKEN.")
    String token;

    @Option(
            names = "--user",
            description = "Sign in with HTTP Basic as USER first; the password comes from the environment"
                    + " variable ARROWHTTP_PASSWORD or is asked for.")
    String user;

    private final PrintStream out;

    FetchCommand(PrintStream out) {
        this.out = out;
    }

    @Override
    public Integer call() throws IOException {
        if (isCatalog(url)) {
            String catalog = url.toString().replaceAll("[?#].*$", "").replaceAll("/+$", "");
            System.err.println("fetch failed: " + catalog + " is the catalog, a list of datasets; fetch one of them,"
                    + " such as " + catalog + "/NAME");
            return 2;
        }
        ArrowHttpClient.Builder builder;
        try {
            builder = clientBuilder(DatasetUrl.parse(url).map(DatasetUrl::base).orElse(url.resolve("/")));
        } catch (IllegalArgumentException | IllegalStateException unusable) {
            System.err.println("fetch failed: " + unusable.getMessage());
            return 2;
        }
        GetOptions options = GetOptions.defaults();
        if (timeoutSeconds != null) {
            options.timeout(Duration.ofMillis((long) (timeoutSeconds * 1000)));
        }
        if (compression != null) {
            try {
                options.compression(Compression.ofOption(compression));
            } catch (IllegalArgumentException unknown) {
                System.err.println("fetch failed: " + unknown.getMessage());
                return 2;
            }
        }
        boolean progress = !noProgress && System.console() != null;
        long start = System.nanoTime();
        if (parallel != null) {
            return fetchInParallel(builder, options, progress, start);
        }
        try (ArrowHttpClient client = builder.build();
                BufferAllocator allocator = new RootAllocator();
                DatasetStream stream = client.fetch(url, options, allocator);
                OutputStream file = save == null ? OutputStream.nullOutputStream() : Files.newOutputStream(save)) {
            // The rate counts from the response's first bytes: connecting, and this JVM loading
            // Arrow and its codecs, are reported apart.
            long responded = System.nanoTime();
            preview(stream.metadata());
            Long total = progress ? knownRows(client) : null;
            ArrowStreamReader reader = stream.reader();
            out.println("Schema:\n" + reader.getVectorSchemaRoot().getSchema() + "\n");
            // The writer keeps copies of the dictionaries it wrote, in the allocator: closed before it.
            ArrowStreamWriter writer =
                    save == null ? null : new ArrowStreamWriter(reader.getVectorSchemaRoot(), reader, file);
            long rows = 0;
            long batches = 0;
            try {
                long lastReport = System.nanoTime();
                while (reader.loadNextBatch()) {
                    rows += reader.getVectorSchemaRoot().getRowCount();
                    batches++;
                    if (writer != null) {
                        writer.writeBatch();
                    }
                    if (progress && System.nanoTime() - lastReport > 250_000_000L) {
                        lastReport = System.nanoTime();
                        System.err.printf(
                                Locale.ROOT,
                                "\r%,d batches, %,d rows%s, %s",
                                batches,
                                rows,
                                total == null || total == 0
                                        ? ""
                                        : String.format(Locale.ROOT, " (%.0f%%)", 100.0 * rows / total),
                                rate(stream.bytesReceived(), responded));
                    }
                }
                if (writer != null) {
                    writer.end();
                }
            } finally {
                if (writer != null) {
                    writer.close();
                }
            }
            if (progress) {
                System.err.print("\r" + " ".repeat(72) + "\r");
            }
            stream.footnotes()
                    .ifPresent(text -> out.print("-- Text Message:\n" + text + "-- End of Text Message --\n"));
            stream.status().ifPresent(status -> out.println("-- Status: " + status));
            out.printf(Locale.ROOT, "Parsed %d records in %d batch(es)%n", rows, batches);
            out.println("Compression: "
                    + stream.compression().map(Compression::option).orElse("none"));
            out.printf(
                    Locale.ROOT,
                    "%d bytes in %.3f seconds, %s (%.3f seconds before the response: connecting, starting up)%n",
                    stream.bytesReceived(),
                    (System.nanoTime() - responded) / 1e9,
                    rate(stream.bytesReceived(), responded),
                    (responded - start) / 1e9);
            return 0;
        } catch (ArrowHttpException refused) {
            System.err.println("fetch failed: " + refused.code() + ": " + refused.getMessage());
            return 1;
        } catch (IOException broken) {
            String code = broken.getCause() instanceof ArrowHttpException known ? known.code() + ": " : "";
            System.err.println("fetch failed: " + code + describe(broken));
            return 1;
        }
    }

    /**
     * The rows the catalog announces for the URL, for a percentage: known only for a dataset's URL
     * without parameters, whose rows the catalog's {@code totalRecords} counts.
     */
    private Long knownRows(ArrowHttpClient client) {
        Optional<DatasetUrl> dataset = DatasetUrl.parse(url);
        if (dataset.isEmpty() || url.getRawQuery() != null) {
            return null;
        }
        try {
            return client.info(dataset.get().name()).totalRecords();
        } catch (IOException | RuntimeException unknown) {
            return null;
        }
    }

    /** The client's settings: TLS trust and credentials from the options and the environment. */
    private ArrowHttpClient.Builder clientBuilder(URI base) {
        ArrowHttpClient.Builder builder = ArrowHttpClient.builder(base);
        if (trust != null) {
            builder.trustCertificates(trust);
        }
        String bearer = token != null ? token : System.getenv("ARROWHTTP_TOKEN");
        if (user != null) {
            builder.basicHandshake(user, password());
        } else if (bearer != null && !bearer.isBlank()) {
            builder.bearerToken(bearer.trim());
        }
        return builder;
    }

    private char[] password() {
        String fromEnvironment = System.getenv("ARROWHTTP_PASSWORD");
        if (fromEnvironment != null) {
            return fromEnvironment.toCharArray();
        }
        if (System.console() == null) {
            throw new IllegalArgumentException("--user needs a password: set ARROWHTTP_PASSWORD, or run on a terminal");
        }
        return System.console().readPassword("Password for %s: ", user);
    }

    /** {@code /datasets} itself, which lists datasets rather than being one. */
    private static boolean isCatalog(URI url) {
        String path = url.getPath() == null ? "" : url.getPath();
        return path.endsWith("/" + ResourcePaths.DATASETS) || path.endsWith("/" + ResourcePaths.DATASETS + "/");
    }

    /** One line a person can act on, for the usual ways a fetch fails before any data. */
    private String describe(IOException broken) {
        if (broken instanceof ConnectException) {
            return "nothing answers at " + url.getHost() + ":" + port(url) + "; is the server running there?";
        }
        if (broken instanceof UnknownHostException) {
            return "the host " + url.getHost() + " is unknown";
        }
        if (broken instanceof SSLException) {
            return "the TLS handshake failed (" + broken.getMessage() + "); for a private CA, give its certificate"
                    + " with --trust";
        }
        return broken.getMessage();
    }

    private static int port(URI url) {
        if (url.getPort() >= 0) {
            return url.getPort();
        }
        return "https".equalsIgnoreCase(url.getScheme()) ? 443 : 80;
    }

    /** The endpoints of the dataset, {@code --parallel} at a time: one progress line, then totals. */
    private int fetchInParallel(ArrowHttpClient.Builder builder, GetOptions options, boolean progress, long start) {
        Optional<DatasetUrl> dataset = DatasetUrl.parse(url);
        if (dataset.isEmpty() || parallel < 1) {
            System.err.println("fetch failed: --parallel takes a number from 1 and a dataset's URL, such as"
                    + " http://127.0.0.1:8008/datasets/trades");
            return 2;
        }
        long[] rows = {0};
        long[] lastReport = {System.nanoTime()};
        try (ArrowHttpClient client = builder.build();
                BufferAllocator allocator = new RootAllocator()) {
            ArrowHttpClient.PartitionTotals totals =
                    client.fetchPartitions(dataset.get().name(), options, parallel, allocator, (endpoint, batch) -> {
                        rows[0] += batch.getRowCount();
                        if (progress && System.nanoTime() - lastReport[0] > 250_000_000L) {
                            lastReport[0] = System.nanoTime();
                            System.err.printf(Locale.ROOT, "\r%,d rows, endpoint %d", rows[0], endpoint + 1);
                        }
                    });
            if (progress) {
                System.err.print("\r" + " ".repeat(72) + "\r");
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            out.printf(
                    Locale.ROOT,
                    "Parsed %d records in %d batch(es) from %d endpoint(s), %d at a time, in %.3f seconds"
                            + " (%.2f million rows/s)%n",
                    totals.rows(),
                    totals.batches(),
                    totals.endpoints(),
                    parallel,
                    seconds,
                    totals.rows() / seconds / 1e6);
            return 0;
        } catch (ArrowHttpException refused) {
            System.err.println("fetch failed: " + refused.code() + ": " + refused.getMessage());
            return 1;
        } catch (IOException broken) {
            System.err.println("fetch failed: " + describe(broken));
            return 1;
        }
    }

    private void preview(JsonNode metadata) {
        out.println("-- " + metadata.toString().length() + " bytes of JSON data:");
        if (metadata.isArray()) {
            out.println("[");
            for (int i = 0; i < Math.min(PREVIEW_ENTRIES, metadata.size()); i++) {
                out.println("  " + metadata.get(i));
            }
            if (metadata.size() > PREVIEW_ENTRIES) {
                out.println("  ...+" + (metadata.size() - PREVIEW_ENTRIES) + " entries...");
            }
            out.println("]");
        } else {
            String text = metadata.toPrettyString();
            out.println(text.length() > 2000 ? text.substring(0, 2000) + "\n..." : text);
        }
    }

    private static String rate(long bytes, long start) {
        double seconds = Math.max(1e-9, (System.nanoTime() - start) / 1e9);
        return String.format(Locale.ROOT, "%.1f MB/s", bytes / seconds / 1e6);
    }
}

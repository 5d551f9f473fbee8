package io.arrowhttp.internal;

import io.arrowhttp.ArrowMultipart;
import io.arrowhttp.ArrowStream;
import io.arrowhttp.StreamStatistics;
import io.arrowhttp.dataset.Dataset;
import io.arrowhttp.dataset.DatasetRequest;

import jakarta.ws.rs.core.UriInfo;

import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.glassfish.jersey.media.multipart.MultiPart;

/**
 * Turns a request for a dataset into its multipart response. Everything that can refuse the
 * request (unknown name, bad parameters, a dataset that cannot open) happens here, before the
 * status line is sent.
 */
public final class DatasetResponder {

    /** The query parameter that asks for the footnotes part; any value but false or 0 counts. */
    public static final String FOOTNOTES_PARAMETER = "include_footnotes";

    private final DatasetCatalog catalog;
    private final BufferAllocator allocator;
    private final long responseMemoryLimit;
    private final AtomicLong responses = new AtomicLong();

    public DatasetResponder(DatasetCatalog catalog, BufferAllocator allocator, long responseMemoryLimit) {
        this.catalog = catalog;
        this.allocator = allocator;
        this.responseMemoryLimit = responseMemoryLimit;
    }

    public MultiPart respond(String name, UriInfo uri) {
        Dataset dataset = catalog.get(name);
        DatasetRequest request = DatasetRequest.of(uri.getQueryParameters());
        Object metadata = dataset.metadata(request);
        ArrowStream arrow = open(dataset, request);
        try {
            ArrowMultipart.Builder builder = ArrowMultipart.builder(metadata, arrow);
            if (wantsFootnotes(request)) {
                builder.footnotes(() -> footnotes(arrow.statistics()));
            }
            return builder.build();
        } catch (RuntimeException | Error e) {
            arrow.close();
            throw e;
        }
    }

    private ArrowStream open(Dataset dataset, DatasetRequest request) {
        BufferAllocator responseAllocator = allocator.newChildAllocator(
                "response-" + responses.incrementAndGet() + "-" + dataset.name(), 0, responseMemoryLimit);
        try {
            ArrowReader reader = dataset.open(request, responseAllocator);
            return ArrowStream.of(reader, responseAllocator);
        } catch (RuntimeException | Error e) {
            responseAllocator.close();
            throw e;
        }
    }

    static boolean wantsFootnotes(DatasetRequest request) {
        if (!request.has(FOOTNOTES_PARAMETER)) {
            return false;
        }
        String value = request.parameter(FOOTNOTES_PARAMETER).orElse("").trim();
        return !value.equalsIgnoreCase("false") && !value.equals("0");
    }

    static String footnotes(StreamStatistics stats) {
        return String.format(Locale.ROOT,
                "Hello Client,%n%n"
                        + "%d Arrow record batch(es) with %d rows were sent in %.3f seconds through %d HTTP%n"
                        + "response chunks. Average size of each chunk was %.2f bytes.%n%n"
                        + "--%nSincerely,%nThe arrowhttp server%n",
                stats.batches(), stats.rows(), stats.elapsedSeconds(), stats.chunks(), stats.averageChunkBytes())
                .replace(System.lineSeparator(), "\n");
    }
}

package io.arrowhttp.internal.resource;

import io.arrowhttp.protocol.internal.Json;
import io.arrowhttp.protocol.ArrowHttpException;
import io.arrowhttp.server.ArrowMultipart;
import io.arrowhttp.server.CallContext;
import io.arrowhttp.server.ArrowStream;
import io.arrowhttp.server.StreamStatistics;
import io.arrowhttp.dataset.Dataset;
import io.arrowhttp.dataset.DatasetRequest;
import io.arrowhttp.dataset.GeneratingReader;

import com.fasterxml.jackson.core.JsonProcessingException;

import io.arrowhttp.protocol.DatasetInfo;

import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.SecurityContext;
import jakarta.ws.rs.core.UriInfo;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.Schema;
import org.glassfish.jersey.media.multipart.MultiPart;

/**
 * Turns a request for a dataset into its multipart response. Everything that can refuse the
 * request (unknown name, bad parameters, a dataset that cannot open) happens here, before the
 * status line is sent.
 */
public final class DatasetResponder {

    /** The query parameter that asks for the footnotes part; any value but false or 0 counts. */
    public static final String FOOTNOTES_PARAMETER = "include_footnotes";

    /** The query parameter that asks for the closing status part; any value but false or 0 counts. */
    public static final String STATUS_PARAMETER = "include_status";

    /** The request header in which a client gives its deadline, in seconds from now. */
    public static final String TIMEOUT_HEADER = "X-Request-Timeout";

    private final DatasetCatalog catalog;
    private final BufferAllocator allocator;
    private final long responseMemoryLimit;
    private final Duration responseTimeout;
    private final DeadlineTimer deadlines;
    private final StreamMetrics metrics;
    private final AtomicLong responses = new AtomicLong();

    public DatasetResponder(DatasetCatalog catalog, BufferAllocator allocator, long responseMemoryLimit,
            Duration responseTimeout, DeadlineTimer deadlines, StreamMetrics metrics) {
        this.catalog = catalog;
        this.allocator = allocator;
        this.responseMemoryLimit = responseMemoryLimit;
        this.responseTimeout = responseTimeout;
        this.deadlines = deadlines;
        this.metrics = metrics;
    }

    /** The multipart response: JSON metadata, the Arrow stream, footnotes and status when asked for. */
    public MultiPart respond(String name, UriInfo uri, HttpHeaders headers, SecurityContext security) {
        Dataset dataset = catalog.get(name);
        DatasetRequest request = DatasetRequest.of(uri.getQueryParameters(), newCall(headers), principal(security));
        Object metadata = dataset.metadata(request);
        ArrowStream arrow = open(dataset, request);
        try {
            ArrowMultipart.Builder builder = ArrowMultipart.builder(metadata, arrow);
            if (asks(request, FOOTNOTES_PARAMETER)) {
                builder.footnotes(() -> footnotes(arrow.statistics()));
            }
            if (asks(request, STATUS_PARAMETER)) {
                builder.statusPart();
            }
            return builder.build();
        } catch (RuntimeException | Error e) {
            arrow.close();
            throw e;
        }
    }

    /** The bare Arrow stream, for clients that asked for nothing else. */
    public ArrowStream respondArrowOnly(String name, UriInfo uri, HttpHeaders headers, SecurityContext security) {
        Dataset dataset = catalog.get(name);
        return open(dataset, DatasetRequest.of(uri.getQueryParameters(), newCall(headers), principal(security)));
    }

    private static java.security.Principal principal(SecurityContext security) {
        return security == null ? null : security.getUserPrincipal();
    }

    /** The call's deadline: the earlier of the server's limit and the client's {@value #TIMEOUT_HEADER}. */
    private CallContext newCall(HttpHeaders headers) {
        Duration limit = responseTimeout;
        String requested = headers.getHeaderString(TIMEOUT_HEADER);
        if (requested != null) {
            Duration clientLimit = parseTimeout(requested);
            limit = limit == null || clientLimit.compareTo(limit) < 0 ? clientLimit : limit;
        }
        return limit == null ? CallContext.withoutDeadline() : CallContext.withDeadline(Instant.now().plus(limit));
    }

    private static Duration parseTimeout(String value) {
        try {
            double seconds = Double.parseDouble(value.trim());
            if (seconds > 0 && seconds <= 10_000_000) {
                return Duration.ofNanos((long) (seconds * 1e9));
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        String shown = value.length() > 40 ? value.substring(0, 40) + "..." : value;
        throw ArrowHttpException.invalidArgument("Header " + TIMEOUT_HEADER
                + " must be a number of seconds greater than 0, such as 30 or 2.5; got '" + shown + "'");
    }

    /** The schema as an Arrow stream without record batches. */
    public ArrowStream schemaStream(String name) {
        Schema schema = catalog.get(name).schema();
        BufferAllocator responseAllocator = newResponseAllocator(name);
        return ArrowStream.of(new SchemaOnlyReader(responseAllocator, schema), responseAllocator);
    }

    /** The schema in Arrow's JSON form. */
    public byte[] schemaJson(String name) {
        return catalog.get(name).schema().toJson().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    public DatasetInfo info(String name, UriInfo uri) {
        return info(catalog.get(name), uri);
    }

    public List<DatasetInfo> list(UriInfo uri) {
        return catalog.all().stream().map(dataset -> info(dataset, uri)).toList();
    }

    private static DatasetInfo info(Dataset dataset, UriInfo uri) {
        URI location = uri.getBaseUriBuilder().path("datasets").path(dataset.name()).build();
        try {
            return new DatasetInfo(dataset.name(), dataset.description(),
                    Json.mapper().readTree(dataset.schema().toJson()),
                    dataset.totalRecords().isPresent() ? dataset.totalRecords().getAsLong() : null,
                    dataset.totalBytes().isPresent() ? dataset.totalBytes().getAsLong() : null,
                    List.of(new DatasetInfo.Endpoint(List.of(location))));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Arrow wrote a schema Jackson cannot read", e);
        }
    }

    private ArrowStream open(Dataset dataset, DatasetRequest request) {
        BufferAllocator responseAllocator = newResponseAllocator(dataset.name());
        ArrowStream arrow;
        try {
            ArrowReader reader = dataset.open(request, responseAllocator);
            arrow = ArrowStream.of(reader, responseAllocator, request.call());
        } catch (RuntimeException | Error e) {
            responseAllocator.close();
            throw e;
        }
        metrics.opened();
        Future<?> deadline = deadlines.schedule(request.call());
        arrow.onEnd(outcome -> {
            if (deadline != null) {
                deadline.cancel(false);
            }
            metrics.ended(outcome);
        });
        return arrow;
    }

    private BufferAllocator newResponseAllocator(String datasetName) {
        return allocator.newChildAllocator("response-" + responses.incrementAndGet() + "-" + datasetName, 0,
                responseMemoryLimit);
    }

    /** Whether the query asks for a part: the parameter is present, with no value or any but false or 0. */
    static boolean asks(DatasetRequest request, String parameter) {
        if (!request.has(parameter)) {
            return false;
        }
        String value = request.parameter(parameter).orElse("").trim();
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

    /** A reader of a schema and no batches. */
    private static final class SchemaOnlyReader extends GeneratingReader {
        SchemaOnlyReader(BufferAllocator allocator, Schema schema) {
            super(allocator, schema);
        }

        @Override
        protected boolean fill(VectorSchemaRoot root) {
            return false;
        }
    }
}

package io.arrowhttp.internal.resource;

import io.arrowhttp.call.CallContext;
import io.arrowhttp.call.RequestHeaders;
import io.arrowhttp.dataset.Dataset;
import io.arrowhttp.dataset.DatasetRequest;
import io.arrowhttp.dataset.GeneratingReader;
import io.arrowhttp.dataset.StoredStream;
import io.arrowhttp.internal.compression.ResponseCompression;
import io.arrowhttp.internal.provider.MultipartHeadersFilter;
import io.arrowhttp.internal.provider.ProblemResponses;
import io.arrowhttp.internal.wire.Footnotes;
import io.arrowhttp.internal.wire.UnsizedEmptyBody;
import io.arrowhttp.protocol.ArrowHttpException;
import io.arrowhttp.protocol.ArrowMediaTypes;
import io.arrowhttp.protocol.ClientText;
import io.arrowhttp.protocol.ErrorCode;
import io.arrowhttp.protocol.HeaderNames;
import io.arrowhttp.protocol.HttpStatus;
import io.arrowhttp.protocol.QueryParameters;
import io.arrowhttp.protocol.internal.SecureBoundary;
import io.arrowhttp.response.ArrowMultipart;
import io.arrowhttp.response.ArrowStream;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import jakarta.ws.rs.core.UriInfo;
import java.io.IOException;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.StandardOpenOption;
import java.security.Principal;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
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

    // HTTP's own headers of byte ranges (RFC 9110), which Jakarta REST does not name.
    private static final String RANGE = "Range";
    private static final String IF_RANGE = "If-Range";
    private static final String CONTENT_RANGE = "Content-Range";
    private static final String ACCEPT_RANGES = "Accept-Ranges";

    private final DatasetCatalog catalog;
    private final BufferAllocator allocator;
    private final long responseMemoryLimit;
    private final Deadlines deadlines;
    private final StreamLimits limits;
    private final URI publicBase;
    private final List<URI> group;
    private final StreamMetrics metrics;
    private final AtomicLong responses = new AtomicLong();
    private final Set<CallContext> running = ConcurrentHashMap.newKeySet();
    private volatile boolean stopping;

    public DatasetResponder(
            DatasetCatalog catalog,
            BufferAllocator allocator,
            long responseMemoryLimit,
            Deadlines deadlines,
            StreamLimits limits,
            URI publicBase,
            List<URI> group,
            StreamMetrics metrics) {
        this.catalog = catalog;
        this.allocator = allocator;
        this.responseMemoryLimit = responseMemoryLimit;
        this.deadlines = deadlines;
        this.limits = limits;
        this.publicBase = publicBase;
        this.group = List.copyOf(group);
        this.metrics = metrics;
    }

    /** The multipart response: JSON metadata, the Arrow stream, footnotes and status when asked for. */
    public MultiPart respond(String name, UriInfo uri, HttpHeaders headers, SecurityContext security) {
        Dataset dataset = catalog.get(name);
        DatasetRequest request = request(uri, headers, security);
        Object metadata = dataset.metadata(request);
        ArrowStream arrow = open(dataset, request);
        try {
            ArrowMultipart.Builder builder = ArrowMultipart.builder(metadata, arrow);
            if (QueryParameters.isSet(request.parameters().get(QueryParameters.INCLUDE_FOOTNOTES))) {
                builder.footnotes(() -> Footnotes.text(arrow.statistics()));
            }
            if (QueryParameters.isSet(request.parameters().get(QueryParameters.INCLUDE_STATUS))) {
                builder.statusPart();
            }
            return builder.build();
        } catch (RuntimeException | Error e) {
            arrow.close();
            throw e;
        }
    }

    /** Whether the server is stopping: no new streams, and not ready. */
    public boolean stopping() {
        return stopping;
    }

    /**
     * Stops taking streams (new ones get 503), lets running ones finish for up to {@code grace},
     * then ends those left: each is cancelled as {@code UNAVAILABLE}, so that its client sees the
     * failure (the failure marker, the status part when asked for), never a stream that looks
     * complete. Returns once every stream has ended, or 10 s after the grace when one will not.
     *
     * @return how many streams were cut
     */
    public int stop(Duration grace) {
        stopping = true;
        long deadline = System.nanoTime() + grace.toNanos();
        awaitNoStreams(deadline);
        List<CallContext> left = List.copyOf(running);
        left.forEach(call -> call.cancel(ErrorCode.UNAVAILABLE));
        awaitNoStreams(System.nanoTime() + TimeUnit.SECONDS.toNanos(10));
        return left.size();
    }

    private void awaitNoStreams(long deadline) {
        while (!running.isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Whether the client asked for compressed buffers or a compressed body, as negotiated for the request. */
    static boolean compressionAsked(ContainerRequestContext request) {
        return request.getProperty(ResponseCompression.PROPERTY) instanceof ResponseCompression compression
                && (compression.ipcCodec() != null || compression.contentCoding() != null);
    }

    /**
     * The bare Arrow stream, for clients that asked for nothing else. A {@link StoredStream} asked
     * for whole and uncompressed is answered as a static file: with its length, validators and
     * byte ranges.
     *
     * @param compressed whether the response's buffers or body are to be compressed
     */
    public Response respondArrowOnly(
            String name, UriInfo uri, HttpHeaders headers, SecurityContext security, boolean compressed) {
        Dataset dataset = catalog.get(name);
        DatasetRequest request = request(uri, headers, security);
        Optional<StoredStream.Bytes> stored =
                !compressed && uri.getQueryParameters().isEmpty() && dataset instanceof StoredStream storedStream
                        ? storedStream.storedBytes()
                        : Optional.empty();
        if (stored.isEmpty()) {
            return Response.ok(open(dataset, request)).build();
        }
        StoredStream.Bytes bytes = stored.get();
        ByteRange range = ByteRange.of(headers.getHeaderString(RANGE), headers.getHeaderString(IF_RANGE), bytes);
        if (range.unsatisfiable()) {
            return Response.fromResponse(ProblemResponses.of(
                            HttpStatus.RANGE_NOT_SATISFIABLE,
                            ErrorCode.INVALID_ARGUMENT,
                            "The range asked for is beyond the stream's " + bytes.length() + " bytes"))
                    .header(CONTENT_RANGE, "bytes */" + bytes.length())
                    .build();
        }
        ArrowStream arrow = stream(dataset, request, responseAllocator -> {
            try {
                FileChannel file = FileChannel.open(bytes.file(), StandardOpenOption.READ);
                return ArrowStream.ofStoredBytes(
                        file,
                        bytes.offset() + range.start(),
                        range.count(),
                        dataset.schema(),
                        responseAllocator,
                        request.call());
            } catch (IOException e) {
                throw new ArrowHttpException(
                        ErrorCode.UNAVAILABLE,
                        "The file of dataset " + ClientText.quote(dataset.name()) + " cannot be read now; tell the"
                                + " server's operators");
            }
        });
        Response.ResponseBuilder response = range.partial()
                ? Response.status(HttpStatus.PARTIAL_CONTENT)
                        .header(
                                CONTENT_RANGE,
                                "bytes " + range.start() + "-" + (range.start() + range.count() - 1) + "/"
                                        + bytes.length())
                : Response.ok();
        return response.entity(arrow)
                .type(ArrowMediaTypes.ARROW_STREAM_TYPE)
                .header(HttpHeaders.CONTENT_LENGTH, range.count())
                .header(HttpHeaders.ETAG, bytes.entityTag())
                .header(HttpHeaders.LAST_MODIFIED, Date.from(bytes.lastModified()))
                .header(ACCEPT_RANGES, "bytes")
                .build();
    }

    /**
     * What a {@code HEAD} of the dataset answers: the status and headers a {@code GET} would
     * send, without opening the dataset (which for a query would run it). The body's length is
     * not known without producing it, so no {@code Content-Length} is sent, as for a GET.
     */
    public Response head(String name, MediaType type) {
        catalog.get(name);
        Response.ResponseBuilder response =
                Response.ok(UnsizedEmptyBody.INSTANCE).header("Transfer-Encoding", "chunked");
        if (type.isCompatible(ArrowMediaTypes.MULTIPART_MIXED_TYPE)) {
            response.type(new MediaType(type.getType(), type.getSubtype(), Map.of("boundary", SecureBoundary.next())))
                    .header(MultipartHeadersFilter.MIME_VERSION, "1.0");
        } else {
            response.type(ArrowMediaTypes.ARROW_STREAM_TYPE);
        }
        return response.build();
    }

    private DatasetRequest request(UriInfo uri, HttpHeaders headers, SecurityContext security) {
        Principal principal = security == null ? null : security.getUserPrincipal();
        return DatasetRequest.of(
                uri.getQueryParameters(),
                RequestHeaders.of(headers.getRequestHeaders()),
                deadlines.newCall(headers.getHeaderString(HeaderNames.REQUEST_TIMEOUT)),
                principal);
    }

    /** A {@code partition} only for a partitioned dataset, and one it has; see {@link Dataset#partitions()}. */
    private static void checkPartition(Dataset dataset, DatasetRequest request) {
        if (!request.has(QueryParameters.PARTITION)) {
            return;
        }
        int count = dataset.partitions().size();
        if (count == 0) {
            throw ArrowHttpException.invalidArgument("Dataset " + ClientText.quote(dataset.name())
                    + " is not partitioned; fetch it without '" + QueryParameters.PARTITION + "'");
        }
        request.longParameter(QueryParameters.PARTITION, 0, 0, count - 1);
    }

    /** The schema as an Arrow stream without record batches. */
    public ArrowStream schemaStream(String name) {
        Schema schema = catalog.get(name).schema();
        BufferAllocator responseAllocator = newResponseAllocator(name);
        return ArrowStream.of(new SchemaOnlyReader(responseAllocator, schema), responseAllocator);
    }

    /** The schema in Arrow's JSON form. */
    public byte[] schemaJson(String name) {
        return catalog.get(name).schema().toJson().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The bases of the locations in catalog entries: the configured public base URL, or else the
     * one this request came to, which a client chooses with its {@code Host} header; and the
     * group's members when there is a group.
     */
    LocationBases locationBases(UriInfo uri) {
        URI own = publicBase != null ? publicBase : uri.getBaseUri();
        return group.isEmpty() ? LocationBases.alone(own) : new LocationBases(own, group);
    }

    /** The catalog, for the catalog resources. */
    public DatasetCatalog catalog() {
        return catalog;
    }

    private ArrowStream open(Dataset dataset, DatasetRequest request) {
        checkPartition(dataset, request);
        long startBatch = request.longParameter(QueryParameters.START_BATCH, 0, 0, Long.MAX_VALUE);
        return stream(dataset, request, responseAllocator -> {
            ArrowReader reader = dataset.open(request, responseAllocator);
            return ArrowStream.of(
                    startBatch > 0 ? ResumedReader.from(reader, responseAllocator, startBatch) : reader,
                    responseAllocator,
                    request.call());
        });
    }

    /**
     * The stream {@code opener} makes with a response allocator of its own, within the stream
     * limits and the call's deadline; on failure the allocator is closed.
     */
    private ArrowStream stream(Dataset dataset, DatasetRequest request, Function<BufferAllocator, ArrowStream> opener) {
        if (stopping) {
            throw new ArrowHttpException(
                    ErrorCode.UNAVAILABLE, "The server is stopping; fetch again from another server, or later");
        }
        Runnable release = limits.acquire(request.principal().orElse(null));
        // Watched from before open: a query that runs long before its first batch must hear of
        // the deadline too.
        Future<?> deadline = deadlines.watch(request.call());
        ArrowStream arrow;
        try {
            BufferAllocator responseAllocator = newResponseAllocator(dataset.name());
            try {
                arrow = opener.apply(responseAllocator);
            } catch (RuntimeException | Error e) {
                responseAllocator.close();
                throw e;
            }
        } catch (RuntimeException | Error e) {
            if (deadline != null) {
                deadline.cancel(false);
            }
            release.run();
            throw e;
        }
        metrics.opened();
        running.add(request.call());
        arrow.onEnd(outcome -> {
            running.remove(request.call());
            release.run();
            if (deadline != null) {
                deadline.cancel(false);
            }
            metrics.ended(outcome);
        });
        return arrow;
    }

    private BufferAllocator newResponseAllocator(String datasetName) {
        return allocator.newChildAllocator(
                "response-" + responses.incrementAndGet() + "-" + datasetName, 0, responseMemoryLimit);
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

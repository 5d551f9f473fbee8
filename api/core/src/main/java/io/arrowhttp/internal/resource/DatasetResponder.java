package io.arrowhttp.internal.resource;

import io.arrowhttp.call.RequestHeaders;
import io.arrowhttp.dataset.Cacheable;
import io.arrowhttp.dataset.Dataset;
import io.arrowhttp.dataset.DatasetRequest;
import io.arrowhttp.dataset.GeneratingReader;
import io.arrowhttp.dataset.StoredStream;
import io.arrowhttp.internal.compression.ResponseCompression;
import io.arrowhttp.internal.encoding.CopiedReader;
import io.arrowhttp.internal.wire.Footnotes;
import io.arrowhttp.protocol.ArrowHttpException;
import io.arrowhttp.protocol.ArrowMediaTypes;
import io.arrowhttp.protocol.ClientText;
import io.arrowhttp.protocol.HeaderNames;
import io.arrowhttp.protocol.QueryParameters;
import io.arrowhttp.protocol.internal.BufferCodecs;
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
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.security.Principal;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Answers a GET of a dataset: its multipart response, or the bare Arrow stream. Everything that
 * can refuse the request (unknown name, bad parameters, a dataset that cannot open) happens here,
 * before the status line is sent. Stored streams asked for whole are answered by
 * {@link StoredStreamRanges}, HEAD by {@link HeadResponses}; the streams run within
 * {@link RunningStreams}.
 */
public final class DatasetResponder {

    private final DatasetCatalog catalog;
    private final Deadlines deadlines;
    private final URI publicBase;
    private final List<URI> group;
    private final RunningStreams streams;
    private final DatasetCache cache;
    private final TrustedProxies proxies;

    /** @param cache the Arrow cache of bare streams, or null for none */
    public DatasetResponder(
            DatasetCatalog catalog,
            BufferAllocator allocator,
            long responseMemoryLimit,
            Deadlines deadlines,
            StreamLimits limits,
            URI publicBase,
            List<URI> group,
            StreamMetrics metrics,
            TrustedProxies proxies,
            DatasetCache cache) {
        this.catalog = catalog;
        this.cache = cache;
        this.deadlines = deadlines;
        this.publicBase = publicBase;
        this.group = List.copyOf(group);
        this.streams = new RunningStreams(allocator, responseMemoryLimit, deadlines, limits, metrics);
        this.proxies = proxies;
    }

    /** The address of {@code request}'s client, as the {@link TrustedProxies} resolve it; null when unknown. */
    String clientAddress(ContainerRequestContext request) {
        return proxies.clientAddress(request);
    }

    /**
     * The multipart response: JSON metadata, the Arrow stream, footnotes and status when asked for.
     *
     * @param clientAddress the client's address, for the stream limits per address; null when unknown
     */
    public Response respond(
            String name,
            UriInfo uri,
            HttpHeaders headers,
            SecurityContext security,
            boolean compressed,
            String clientAddress) {
        Dataset dataset = catalog.get(name);
        DatasetRequest request = request(uri, headers, security);
        Object metadata = dataset.metadata(request);
        Opened opened = openThroughCache(dataset, request, headers, compressed, clientAddress);
        ArrowStream arrow = opened.stream();
        try {
            ArrowMultipart.Builder builder = ArrowMultipart.builder(metadata, arrow);
            if (QueryParameters.isSet(request.parameters().get(QueryParameters.INCLUDE_FOOTNOTES))) {
                builder.footnotes(() -> Footnotes.text(arrow.statistics()));
            }
            if (QueryParameters.isSet(request.parameters().get(QueryParameters.INCLUDE_STATUS))) {
                builder.statusPart();
            }
            return Response.ok(builder.build())
                    .header(HeaderNames.CACHE, opened.cache())
                    .build();
        } catch (RuntimeException | Error e) {
            arrow.close();
            throw e;
        }
    }

    /** Whether the server is stopping: no new streams, and not ready. */
    public boolean stopping() {
        return streams.stopping();
    }

    /** The graceful stop of the running streams; see {@link RunningStreams#stop}. */
    public int stop(Duration grace) {
        return streams.stop(grace);
    }

    /** Whether the client asked for compressed buffers or a compressed body, as negotiated for the request. */
    static boolean compressionAsked(ContainerRequestContext request) {
        return ResponseCompression.of(request::getProperty)
                .map(ResponseCompression::compresses)
                .orElse(false);
    }

    /**
     * The bare Arrow stream, for clients that asked for nothing else. A {@link StoredStream} asked
     * for whole and uncompressed is answered as a static file: with its length, validators and
     * byte ranges.
     *
     * @param compressed whether the response's buffers or body are to be compressed
     * @param clientAddress the client's address, for the stream limits per address; null when unknown
     */
    public Response respondArrowOnly(
            String name,
            UriInfo uri,
            HttpHeaders headers,
            SecurityContext security,
            boolean compressed,
            String clientAddress) {
        Dataset dataset = catalog.get(name);
        DatasetRequest request = request(uri, headers, security);
        Optional<StoredStream.Bytes> stored = storedBytes(dataset, uri, compressed);
        if (stored.isPresent()) {
            return StoredStreamRanges.respond(dataset, stored.get(), request, headers, clientAddress, streams);
        }
        if (cache == null) {
            return Response.ok(open(dataset, request, clientAddress)).build();
        }
        if (compressed) {
            // The kept stream, decoded and compressed as asked; nothing is kept of a compressed one.
            Opened opened = openThroughCache(dataset, request, headers, true, clientAddress);
            return Response.ok(opened.stream())
                    .header(HeaderNames.CACHE, opened.cache())
                    .build();
        }
        DatasetCache.Lookup lookup = cache.lookup(dataset, request.parameters(), CacheBypass.asked(headers));
        if (lookup instanceof DatasetCache.Hit hit) {
            Response sent;
            try {
                sent = StoredStreamRanges.respond(dataset, hit.bytes(), request, headers, clientAddress, streams);
            } catch (ArrowHttpException evicted) {
                if (Files.exists(hit.bytes().file())) {
                    throw evicted;
                }
                // Evicted between the look-up and the opening of its file: read the source.
                return Response.ok(open(dataset, request, clientAddress))
                        .header(HeaderNames.CACHE, HeaderNames.CACHE_BYPASS)
                        .build();
            }
            return Response.fromResponse(sent)
                    .header(HeaderNames.CACHE, HeaderNames.CACHE_HIT)
                    .build();
        }
        if (lookup instanceof DatasetCache.Miss miss) {
            return Response.ok(open(dataset, request, clientAddress, miss.fill()))
                    .header(HeaderNames.CACHE, HeaderNames.CACHE_MISS)
                    .build();
        }
        return Response.ok(open(dataset, request, clientAddress))
                .header(HeaderNames.CACHE, dataset instanceof Cacheable ? HeaderNames.CACHE_BYPASS : null)
                .build();
    }

    /**
     * What a {@code HEAD} of the dataset answers: a stored stream asked for whole and
     * uncompressed, exactly its GET's headers (see {@link StoredStreamRanges#head}); anything
     * else, see {@link HeadResponses}.
     */
    public Response head(String name, MediaType type, UriInfo uri, HttpHeaders headers, boolean compressed) {
        Dataset dataset = catalog.get(name);
        if (type.isCompatible(ArrowMediaTypes.ARROW_STREAM_TYPE)) {
            Optional<StoredStream.Bytes> stored = storedBytes(dataset, uri, compressed);
            if (stored.isPresent()) {
                return StoredStreamRanges.head(stored.get(), headers);
            }
            Optional<StoredStream.Bytes> kept = cache == null || compressed || CacheBypass.asked(headers)
                    ? Optional.empty()
                    : cache.peek(dataset, uri.getQueryParameters());
            if (kept.isPresent()) {
                return Response.fromResponse(StoredStreamRanges.head(kept.get(), headers))
                        .header(HeaderNames.CACHE, HeaderNames.CACHE_HIT)
                        .build();
            }
        }
        return HeadResponses.of(catalog, name, type);
    }

    /** The stored bytes to send as they are: for a stored stream asked for whole, without parameters or compression. */
    private static Optional<StoredStream.Bytes> storedBytes(Dataset dataset, UriInfo uri, boolean compressed) {
        return !compressed && uri.getQueryParameters().isEmpty() && dataset instanceof StoredStream storedStream
                ? storedStream.storedBytes()
                : Optional.empty();
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
        // As a schema message carries it: a dictionary-encoded column with its value type.
        Schema schema = catalog.get(name).messageSchema();
        BufferAllocator responseAllocator = streams.newResponseAllocator(name);
        return ArrowStream.of(new SchemaOnlyReader(responseAllocator, schema), responseAllocator);
    }

    /** The schema in Arrow's JSON form. */
    public byte[] schemaJson(String name) {
        return catalog.get(name).messageSchema().toJson().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The bases of the locations in catalog entries: the configured public base URL, or else the
     * one this request came to (its {@code Host} only when allowed: see {@code TrustedHostFilter}); and the
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

    private ArrowStream open(Dataset dataset, DatasetRequest request, String clientAddress) {
        return open(dataset, request, clientAddress, null);
    }

    /** A response's stream and what the cache did for it (the value of {@link HeaderNames#CACHE}, null for none). */
    private record Opened(ArrowStream stream, String cache) {}

    /**
     * The dataset's stream for a response that re-encodes it (multipart, or compressed): a kept
     * entry read back as Arrow batches (no source opened), else the source, copied into the cache
     * when the response is sent uncompressed.
     */
    private Opened openThroughCache(
            Dataset dataset, DatasetRequest request, HttpHeaders headers, boolean compressed, String clientAddress) {
        if (cache == null) {
            return new Opened(open(dataset, request, clientAddress), null);
        }
        DatasetCache.Lookup lookup =
                cache.lookup(dataset, request.parameters(), CacheBypass.asked(headers), !compressed);
        if (lookup instanceof DatasetCache.Hit hit) {
            try {
                return new Opened(openKept(dataset, request, clientAddress, hit.bytes()), HeaderNames.CACHE_HIT);
            } catch (EvictedEntry evicted) {
                return new Opened(open(dataset, request, clientAddress), HeaderNames.CACHE_BYPASS);
            }
        }
        if (lookup instanceof DatasetCache.Miss miss) {
            return new Opened(open(dataset, request, clientAddress, miss.fill()), HeaderNames.CACHE_MISS);
        }
        return new Opened(
                open(dataset, request, clientAddress), dataset instanceof Cacheable ? HeaderNames.CACHE_BYPASS : null);
    }

    /** The entry was deleted between its look-up and the opening of its file. */
    private static final class EvictedEntry extends RuntimeException {
        EvictedEntry(IOException cause) {
            super(cause.toString(), cause, false, false);
        }
    }

    /**
     * A kept entry's batches, read from its file into the response's allocator. The
     * {@link ArrowStream} owns the reader, which owns the file channel.
     *
     * @throws EvictedEntry when the entry's file is gone
     */
    private ArrowStream openKept(
            Dataset dataset, DatasetRequest request, String clientAddress, StoredStream.Bytes kept) {
        return streams.open(dataset, request, clientAddress, responseAllocator -> {
            FileChannel file;
            try {
                file = FileChannel.open(kept.file(), StandardOpenOption.READ);
            } catch (IOException e) {
                throw new EvictedEntry(e);
            }
            ArrowStreamReader reader = new ArrowStreamReader(file, responseAllocator, BufferCodecs.INSTANCE);
            try {
                return ArrowStream.of(reader, responseAllocator, request.call());
            } catch (RuntimeException | Error e) {
                try {
                    reader.close();
                } catch (IOException | RuntimeException suppressed) {
                    e.addSuppressed(suppressed);
                }
                throw e;
            }
        });
    }

    /**
     * The dataset's stream for {@code request}; with a {@code fill}, its bytes are copied to the
     * cache while they are sent (the fill is abandoned when opening fails).
     */
    private ArrowStream open(Dataset dataset, DatasetRequest request, String clientAddress, DatasetCache.Fill fill) {
        if (fill == null) {
            return openSource(dataset, request, clientAddress, null);
        }
        try {
            return openSource(dataset, request, clientAddress, fill);
        } catch (RuntimeException | Error e) {
            fill.abandon();
            throw e;
        }
    }

    private ArrowStream openSource(
            Dataset dataset, DatasetRequest request, String clientAddress, DatasetCache.Fill fill) {
        checkPartition(dataset, request);
        long startBatch = request.longParameter(QueryParameters.START_BATCH, 0, 0, Long.MAX_VALUE);
        return streams.open(dataset, request, clientAddress, responseAllocator -> {
            ArrowReader reader = dataset.open(request, responseAllocator);
            if (fill != null) {
                reader = CopiedReader.of(reader, responseAllocator, fill);
            }
            return ArrowStream.of(
                    startBatch > 0 ? ResumedReader.from(reader, responseAllocator, startBatch) : reader,
                    responseAllocator,
                    request.call());
        });
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

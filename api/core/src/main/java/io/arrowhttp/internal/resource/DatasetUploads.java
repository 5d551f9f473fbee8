package io.arrowhttp.internal.resource;

import io.arrowhttp.dataset.Dataset;
import io.arrowhttp.dataset.DatasetStore;
import io.arrowhttp.dataset.Upload;
import io.arrowhttp.internal.provider.ProblemResponses;
import io.arrowhttp.protocol.ArrowHttpException;
import io.arrowhttp.protocol.ArrowMediaTypes;
import io.arrowhttp.protocol.ClientText;
import io.arrowhttp.protocol.ErrorCode;
import io.arrowhttp.protocol.HttpStatus;
import io.arrowhttp.protocol.ResourcePaths;
import io.arrowhttp.protocol.UploadMetadata;
import io.arrowhttp.protocol.UploadResult;
import io.arrowhttp.protocol.internal.ContentDecoding;
import io.arrowhttp.server.auth.WritePermission;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * {@code PUT} and {@code POST} of an Arrow stream to {@code /datasets/{name}}: Flight's DoPut in
 * HTTP terms. Checks that the dataset takes uploads, serializes uploads to the same dataset, reads
 * the body batch by batch into the {@link DatasetStore} of the dataset, and serves what it wrote
 * from then on. And {@code DELETE /datasets/{name}} of a dataset its store made, by the same
 * writers, serialized with the uploads to that dataset.
 *
 * <p>Datasets the store did not make (the example, configured ones) are read-only: 405 with
 * {@code Allow}. An append to a dataset that does not exist is 404, and so is a deletion.
 */
public final class DatasetUploads {

    /** How often an upload waiting for its dataset's lock checks that its client is still there. */
    private static final Duration GONE_CHECK = Duration.ofMillis(100);

    private final DatasetCatalog catalog;
    private final BufferAllocator allocator;
    private final UploadLimits limits;
    private final UploadPace pace;
    private final Semaphore running;
    /** Upload places held per client address: at most {@link #perAddress} each. */
    private final ConcurrentMap<String, Integer> byAddress = new ConcurrentHashMap<>();

    private final int perAddress;
    private final List<Writable> stores;
    /** The store of each dataset a store serves, by name: its datasets at start, then those uploads made. */
    private final ConcurrentHashMap<String, Writable> owners = new ConcurrentHashMap<>();

    /** Each dataset's write lock: one upload or deletion of a dataset at a time. */
    private final ConcurrentHashMap<String, ReentrantLock> locks = new ConcurrentHashMap<>();

    /**
     * @param store where uploads go, or null when no dataset takes them; its datasets are added to
     *     {@code catalog} here
     * @param allocator the application's allocator; each upload reads into a child of it, limited
     *     to the limits' memory, which the upload closes when it ends, after everything read into
     *     it has been freed, whether it succeeded or failed
     * @param stores where uploads go, each with who may write there; empty when no dataset takes
     *     uploads. Their datasets are added to {@code catalog} here.
     */
    public DatasetUploads(
            DatasetCatalog catalog,
            BufferAllocator allocator,
            UploadLimits limits,
            UploadPace pace,
            List<Writable> stores) {
        this.catalog = catalog;
        this.pace = pace;
        this.allocator = allocator;
        this.limits = limits;
        this.running = new Semaphore(limits.concurrent());
        this.perAddress = Math.max(1, limits.concurrent() / 2);
        this.stores = List.copyOf(stores);
        for (Writable writable : this.stores) {
            for (Dataset dataset : writable.store().datasets()) {
                catalog.add(dataset);
                owners.put(dataset.name(), writable);
            }
        }
    }

    /** A store, and who may write to it. */
    public record Writable(DatasetStore store, WritePermission writers) {}

    /**
     * A request body as it arrived, read only after the upload has passed every check.
     *
     * @param contentEncoding null for none
     * @param length the body's {@code Content-Length}, or -1 when it has none
     * @param sendContinue sends {@code 100 Continue} (see {@code ContinueAfterChecks}), or null when
     *     the container sends it on its own
     * @param drop drops the client's connection from another thread, for a body slower than the
     *     {@link UploadPace}; false when the server cannot
     * @param gone whether the client has closed its connection (or the server has dropped it);
     *     always false where the server does not say
     */
    public record Body(
            MediaType type,
            String contentEncoding,
            long length,
            InputStream content,
            Runnable sendContinue,
            BooleanSupplier drop,
            BooleanSupplier gone) {}

    /** What an upload did: the answer's body, and whether it made the dataset. */
    public record Outcome(UploadResult result, boolean created) {}

    /**
     * Writes the Arrow stream in {@code body} to dataset {@code name}, all or nothing.
     *
     * @param caller the authenticated identity, or null when authentication is off
     * @param base the server's base URI, for the catalog entry of the answer
     */
    Outcome upload(String name, Upload.Mode mode, Body body, String caller, String clientAddress, LocationBases base) {
        boolean exists = catalog.contains(name);
        Writable target = exists ? owners.get(name) : acceptingStore(name);
        boolean writable = target != null;
        if (!exists && mode == Upload.Mode.APPEND) {
            if (!writable) {
                catalog.get(name);
            }
            throw ArrowHttpException.notFound(
                    "No dataset named " + ClientText.quote(name) + " to append to; PUT creates it");
        }
        if (!writable) {
            throw readOnly(name, exists);
        }
        if (!target.writers().allows(caller, name)) {
            throw new ArrowHttpException(
                    ErrorCode.UNAUTHORIZED,
                    (caller == null
                                    ? "Uploads"
                                    : "Caller " + ClientText.quote(caller) + " may read but not write; uploads")
                            + " to " + ClientText.quote(name) + " need an identity the server lists as a writer");
        }
        if (!exists && name.endsWith(ResourcePaths.ARROW_STREAM_SUFFIX)) {
            // {name}.arrows is the URL of dataset {name}'s bare stream; an upload by that name would
            // take it over (an exact name wins), so clients that read the URL would get the upload.
            throw new ArrowHttpException(
                    ErrorCode.INVALID_ARGUMENT,
                    "An upload cannot be named " + ClientText.quote(name) + ": names ending in "
                            + ResourcePaths.ARROW_STREAM_SUFFIX + " are the bare-stream URLs of datasets;"
                            + " choose a name without it. Nothing was written.");
        }
        if (body.type() == null) {
            throw new WebApplicationException(ProblemResponses.of(
                    HttpStatus.UNSUPPORTED_MEDIA_TYPE,
                    ErrorCode.forStatus(HttpStatus.UNSUPPORTED_MEDIA_TYPE),
                    "An upload needs a Content-Type: " + ArrowMediaTypes.ARROW_STREAM
                            + ", or multipart/mixed with a JSON part and an Arrow part. Nothing was written."));
        }
        if (!ContentDecoding.accepts(body.contentEncoding())) {
            Response problem = ProblemResponses.of(
                    HttpStatus.UNSUPPORTED_MEDIA_TYPE,
                    ErrorCode.forStatus(HttpStatus.UNSUPPORTED_MEDIA_TYPE),
                    "This server does not decode Content-Encoding " + ClientText.quote(body.contentEncoding())
                            + "; send the body as one of: " + ContentDecoding.decodable());
            throw new WebApplicationException(Response.fromResponse(problem)
                    .header(HttpHeaders.ACCEPT_ENCODING, ContentDecoding.decodable())
                    .build());
        }
        if (body.length() > limits.maxBodyBytes()) {
            throw new ArrowHttpException(
                    ErrorCode.TOO_LARGE,
                    "The body's Content-Length, " + body.length() + " bytes, is more than the " + limits.maxBodyBytes()
                            + " bytes this server receives in one upload; send it in parts. Nothing was written.");
        }
        // One address (as the trusted proxies resolve it) holds at most half of the places, so
        // that bodies trickled or cut from one client cannot keep every other writer out.
        if (clientAddress != null && byAddress.merge(clientAddress, 1, Integer::sum) > perAddress) {
            releaseAddress(clientAddress);
            throw new ArrowHttpException(
                    ErrorCode.RESOURCE_EXHAUSTED,
                    "Your address is sending as many uploads at once as one address may (" + perAddress
                            + "); send the next when one has ended",
                    StreamLimits.RETRY_AFTER);
        }
        try {
            // The dataset's write lock first, then a place: an upload waiting behind another one to
            // the same dataset (for as long as that one's body takes) holds no place meanwhile, so
            // uploads queued on one dataset, cut short by clients that have gone, cannot keep
            // writers of other datasets out; the address bound above counts them still.
            long start = System.nanoTime();
            ReentrantLock lock = locks.computeIfAbsent(name, n -> new ReentrantLock());
            lockWhileConnected(lock, body.gone());
            try {
                if (!running.tryAcquire()) {
                    throw new ArrowHttpException(
                            ErrorCode.RESOURCE_EXHAUSTED,
                            "The server takes " + limits.concurrent()
                                    + " uploads at once, and has them; try again shortly",
                            StreamLimits.RETRY_AFTER);
                }
                try {
                    if (body.sendContinue() != null) {
                        body.sendContinue().run();
                    }
                    return write(target, name, mode, body, caller, base, start);
                } finally {
                    running.release();
                }
            } finally {
                lock.unlock();
            }
        } finally {
            if (clientAddress != null) {
                releaseAddress(clientAddress);
            }
        }
    }

    private void releaseAddress(String clientAddress) {
        byAddress.computeIfPresent(clientAddress, (address, held) -> held == 1 ? null : held - 1);
    }

    private Writable acceptingStore(String name) {
        for (Writable writable : stores) {
            if (writable.store().accepts(name)) {
                return writable;
            }
        }
        return null;
    }

    /** Under the dataset's write lock, with an upload place. */
    private Outcome write(
            Writable target, String name, Upload.Mode mode, Body body, String writer, LocationBases base, long start) {
        Dataset current = catalog.contains(name) ? catalog.get(name) : null;
        if (current == null && mode == Upload.Mode.APPEND) {
            throw ArrowHttpException.notFound("No dataset named " + ClientText.quote(name)
                    + " to append to; it was deleted while this request waited");
        }
        StreamUpload upload;
        Dataset written;
        UploadPace.Paced paced = pace.watch(body.content(), body.drop());
        try (BufferAllocator uploadAllocator = allocator.newChildAllocator("upload to " + name, 0, limits.memory());
                StreamUpload reading = new StreamUpload(
                        name,
                        mode,
                        UploadBody.open(body.type(), body.contentEncoding(), paced, limits.maxBodyBytes()),
                        uploadAllocator,
                        limits)) {
            upload = reading;
            written = target.store().write(new Sent(reading, writer), current);
        } catch (IOException e) {
            throw new UncheckedIOException("Closing an upload failed", e);
        } finally {
            paced.stop();
        }
        if (written == null || !written.name().equals(name)) {
            throw new IllegalStateException("The dataset store returned no dataset named '" + name + "'");
        }
        catalog.put(written);
        owners.put(name, target);
        UploadResult result = new UploadResult(
                upload.rows(),
                upload.batches(),
                upload.bytes(),
                (System.nanoTime() - start) / 1e9,
                catalog.entry(name, base));
        return new Outcome(result, current == null);
    }

    /**
     * Takes {@code lock}, which another upload to the same dataset may hold for as long as its body
     * takes, unless the client is seen to go away meanwhile (where the server notices a closed
     * connection without reading it): an upload nobody waits for ends there, and one whose client
     * has gone by the time it has the lock ends before it reads anything or takes a place.
     *
     * @throws ArrowHttpException {@code INVALID_ARGUMENT} when the client has gone, before the lock
     *     or once it is taken; the lock is not held then
     */
    private static void lockWhileConnected(ReentrantLock lock, BooleanSupplier gone) {
        try {
            while (!lock.tryLock(GONE_CHECK.toMillis(), TimeUnit.MILLISECONDS)) {
                if (gone.getAsBoolean()) {
                    throw clientGone();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ArrowHttpException(
                    ErrorCode.UNAVAILABLE,
                    "The server is stopping; send the upload again once it is back. Nothing was written.",
                    StreamLimits.RETRY_AFTER);
        }
        if (gone.getAsBoolean()) {
            lock.unlock();
            throw clientGone();
        }
    }

    private static ArrowHttpException clientGone() {
        return ArrowHttpException.invalidArgument(
                "The client closed its connection before the upload's body was read. Nothing was written.");
    }

    /** How many upload places are taken now: uploads reading their bodies into their datasets. */
    public int placesTaken() {
        return limits.concurrent() - running.availablePermits();
    }

    /**
     * Deletes dataset {@code name}, one its store made, with everything the store keeps of it.
     *
     * @param caller the authenticated identity, or null when authentication is off
     * @throws ArrowHttpException {@code NOT_FOUND} for a dataset the server does not serve,
     *     {@code UNAUTHORIZED} for a caller who is not one of the store's writers
     * @throws WebApplicationException {@code 405} for a dataset that cannot be deleted
     */
    void delete(String name, String caller) {
        Writable owner = owners.get(name);
        if (owner == null) {
            catalog.get(name);
            throw readOnly(name, true);
        }
        if (!owner.store().deletes(name)) {
            Response problem = ProblemResponses.of(
                    HttpStatus.METHOD_NOT_ALLOWED,
                    ErrorCode.forStatus(HttpStatus.METHOD_NOT_ALLOWED),
                    "Dataset " + ClientText.quote(name) + " is configured on the server, not uploaded: its content"
                            + " can be replaced or extended, but only the server's operators remove it");
            throw new WebApplicationException(Response.fromResponse(problem)
                    .header(
                            HttpHeaders.ALLOW,
                            String.join(", ", HttpMethod.GET, HttpMethod.HEAD, HttpMethod.PUT, HttpMethod.POST))
                    .build());
        }
        if (!owner.writers().allows(caller, name)) {
            throw new ArrowHttpException(
                    ErrorCode.UNAUTHORIZED,
                    (caller == null
                                    ? "Deleting"
                                    : "Caller " + ClientText.quote(caller) + " may read but not write; deleting")
                            + " " + ClientText.quote(name) + " needs an identity the server lists as a writer");
        }
        ReentrantLock lock = locks.computeIfAbsent(name, n -> new ReentrantLock());
        lock.lock();
        try {
            if (owners.get(name) != owner) {
                throw ArrowHttpException.notFound(
                        "No dataset named " + ClientText.quote(name) + "; it was deleted while this request waited");
            }
            owner.store().delete(name);
            catalog.remove(name);
            owners.remove(name);
        } finally {
            lock.unlock();
        }
    }

    /** An upload as the store sees it: the body's batches, and who sent them. */
    private record Sent(StreamUpload upload, String writer) implements Upload {

        @Override
        public String datasetName() {
            return upload.datasetName();
        }

        @Override
        public Mode mode() {
            return upload.mode();
        }

        @Override
        public UploadMetadata metadata() {
            return upload.metadata();
        }

        @Override
        public Schema schema() {
            return upload.schema();
        }

        @Override
        public boolean loadNextBatch() {
            return upload.loadNextBatch();
        }

        @Override
        public VectorSchemaRoot root() {
            return upload.root();
        }

        @Override
        public BufferAllocator allocator() {
            return upload.allocator();
        }
    }

    private static WebApplicationException readOnly(String name, boolean exists) {
        String detail = exists
                ? "Dataset " + ClientText.quote(name) + " is read-only: it answers GET and HEAD"
                : "This server takes no uploads of a dataset named " + ClientText.quote(name);
        Response problem = ProblemResponses.of(
                HttpStatus.METHOD_NOT_ALLOWED, ErrorCode.forStatus(HttpStatus.METHOD_NOT_ALLOWED), detail);
        return new WebApplicationException(Response.fromResponse(problem)
                .header(HttpHeaders.ALLOW, String.join(", ", HttpMethod.GET, HttpMethod.HEAD))
                .build());
    }
}

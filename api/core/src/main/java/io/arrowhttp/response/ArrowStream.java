package io.arrowhttp.response;

import io.arrowhttp.call.CallContext;
import io.arrowhttp.call.ErrorIds;
import io.arrowhttp.call.StreamOutcome;
import io.arrowhttp.call.StreamStatistics;
import io.arrowhttp.internal.encoding.BatchEncoder;
import io.arrowhttp.internal.encoding.BatchEncoders;
import io.arrowhttp.internal.encoding.BatchStagingChannel;
import io.arrowhttp.internal.encoding.StoredRangeReader;
import io.arrowhttp.protocol.ArrowHttpException;
import io.arrowhttp.protocol.ArrowMediaTypes;
import io.arrowhttp.protocol.ErrorCode;
import io.arrowhttp.protocol.FailureMarker;
import io.arrowhttp.protocol.IpcCodec;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.GatheringByteChannel;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * An Arrow IPC stream to send: the entity of the Arrow part of a multipart response, or of a bare
 * {@code application/vnd.apache.arrow.stream} response. Its record batches come from an
 * {@link ArrowReader} that is read lazily, one batch at a time, while the response is written, so
 * the server holds one batch of a response at a time however long it is.
 *
 * <h2>Ownership</h2>
 * An {@code ArrowStream} takes ownership of its reader and, when given one, of the allocator the
 * reader allocates from. It closes the reader first (which frees the reader's
 * {@link VectorSchemaRoot}) and then the allocator, exactly once, at the first of:
 * <ul>
 *   <li>{@link #writeTo(OutputStream)} returning, normally or by an exception;</li>
 *   <li>{@link #close()};</li>
 *   <li>the end of the request, for a stream returned from a resource method of an application
 *       that registers {@code ArrowHttpFeature}, even when the body is never written (the client
 *       went away first, a filter failed).</li>
 * </ul>
 * The allocator is typically a child of the application's root allocator made for this response:
 * closing it when the response ends makes a leak in a reader fail loudly instead of growing the
 * root allocator.
 *
 * <h2>On the wire</h2>
 * The schema message is sent together with the first record batch, each record batch is handed to
 * the HTTP layer in one write followed by a flush (one HTTP/1.1 chunk per batch), and the
 * end-of-stream marker is written last without a flush of its own so it travels with whatever
 * follows. If reading fails after bytes have gone out, the stream ends with
 * {@link FailureMarker} instead of the end-of-stream marker, and the response is aborted: no
 * reader takes it for a complete stream, on any transport, even one that ends the body cleanly
 * (HTTP/1.0, a proxy). In a multipart response whose client asked for a status part, the status
 * part follows the marker and says what failed; see {@link ArrowMultipart.Builder#statusPart()}.
 *
 * <p>When the stream given to {@link #writeTo(OutputStream)} is also a
 * {@link GatheringByteChannel}, an uncompressed batch is handed to it as one gathering write of
 * buffers, the large ones views of the batch's Arrow memory, not copies. Such a stream must have
 * sent the bytes, or copied them, when {@code write} returns, and keep no reference to the buffers:
 * the next batch reuses or frees that memory. {@code ArrowHttpFeature} gives it such a stream where
 * the server can send direct buffers without copying them (Grizzly with blocking writes, as the
 * standalone server runs it).
 *
 * <h2>Cancellation</h2>
 * Before each batch the stream checks its {@link CallContext}: past the deadline it fails with
 * {@link ErrorCode#TIMED_OUT}, cancelled it stops. A failed write to the client cancels the call,
 * which runs the producer's cancel callbacks.
 */
public final class ArrowStream implements Closeable {

    private final ArrowReader reader;
    private final BufferAllocator allocator;
    private final CallContext call;
    private final AtomicBoolean written = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile StreamStatistics statistics = new StreamStatistics(0, 0, 0, 0, 0);
    private volatile StreamOutcome outcome;
    private volatile boolean failuresInBand;
    private boolean bodyStarted;
    private volatile RuntimeException deferredFailure;
    private volatile Consumer<StreamOutcome> endListener = outcome -> {};
    private volatile IpcCodec bufferCodec;

    private ArrowStream(ArrowReader reader, BufferAllocator allocator, CallContext call) {
        this.reader = Objects.requireNonNull(reader, "reader");
        this.allocator = allocator;
        this.call = Objects.requireNonNull(call, "call");
    }

    /**
     * A stream of the reader's batches; takes ownership of the reader only. Use it when the
     * reader's allocator outlives this response.
     */
    public static ArrowStream of(ArrowReader reader) {
        return new ArrowStream(reader, null, CallContext.withoutDeadline());
    }

    /**
     * A stream of the reader's batches; takes ownership of the reader and of {@code allocator},
     * which is closed after the reader.
     */
    public static ArrowStream of(ArrowReader reader, BufferAllocator allocator) {
        return of(reader, allocator, CallContext.withoutDeadline());
    }

    /**
     * As {@link #of(ArrowReader, BufferAllocator)}, for the call {@code call}: the same context the
     * producer was given, so that its deadline and cancellation apply to the stream.
     */
    public static ArrowStream of(ArrowReader reader, BufferAllocator allocator, CallContext call) {
        return new ArrowStream(reader, Objects.requireNonNull(allocator, "allocator"), call);
    }

    /**
     * A stream of bytes stored already as they are to be sent: {@code count} bytes of {@code file}
     * from {@code start}, a whole Arrow IPC stream or a byte range of one, sent in pieces with
     * nothing added (no end-of-stream marker, no failure marker: the response's
     * {@code Content-Length} tells a client that got less). Takes ownership of the file channel
     * and of {@code allocator}.
     *
     * @param schema the stream's schema, for logs and the catalog
     */
    public static ArrowStream ofStoredBytes(
            FileChannel file, long start, long count, Schema schema, BufferAllocator allocator, CallContext call) {
        return of(new StoredRangeReader(file, start, count, schema, allocator), allocator, call);
    }

    /** The call this stream belongs to. */
    public CallContext call() {
        return call;
    }

    /**
     * Runs {@code listener} once, when the stream has been closed, with how it ended. For access
     * logs and metrics; it must be quick and must not throw. Replaces any listener set before.
     */
    public ArrowStream onEnd(Consumer<StreamOutcome> listener) {
        this.endListener = Objects.requireNonNull(listener, "listener");
        return this;
    }

    /**
     * Compresses the record batches' buffers with {@code codec}, as the Arrow format allows. Call
     * it before the stream is written, and label the response with the codec
     * ({@link ArrowMediaTypes#arrowStream(IpcCodec)}): a reader cannot tell otherwise, and the
     * Arrow JavaScript library cannot decode it. {@code ArrowHttpFeature} does both for its
     * datasets when the client asks; a resource of your own that returns an {@code ArrowStream}
     * gets the same through the feature when it declares {@code @Produces} of the Arrow stream or
     * multipart type.
     */
    public ArrowStream compressBuffers(IpcCodec codec) {
        if (written.get()) {
            throw new IllegalStateException("The stream is being written; choose its compression before");
        }
        this.bufferCodec = Objects.requireNonNull(codec, "codec");
        return this;
    }

    /**
     * As {@link #compressBuffers(IpcCodec)}, choosing from the codecs a client accepts (in the
     * order to prefer): the codec the source's batches are stored with when it is one of them, so
     * that they are sent as stored, else the first.
     */
    public ArrowStream compressBuffers(List<IpcCodec> accepted) {
        if (accepted.isEmpty()) {
            throw new IllegalArgumentException("No codec to choose from");
        }
        IpcCodec stored = BatchEncoders.storedCodec(reader).orElse(null);
        return compressBuffers(stored != null && accepted.contains(stored) ? stored : accepted.get(0));
    }

    /** The codec of the buffers, or empty when they are sent uncompressed. */
    public Optional<IpcCodec> bufferCodec() {
        return Optional.ofNullable(bufferCodec);
    }

    /** How the stream ended; empty until it has been closed. */
    public Optional<StreamOutcome> outcome() {
        return Optional.ofNullable(outcome);
    }

    /**
     * Instead of failing, a producer failure ends the stream with the end-of-stream marker and is
     * kept for the status part that follows; see {@link ArrowMultipart.Builder#statusPart()}.
     */
    void reportFailuresInBand() {
        this.failuresInBand = true;
    }

    /**
     * The producer failure kept for the status part, when {@link #reportFailuresInBand()} applies.
     * The status part throws it once it has been sent, so that the response is still aborted.
     */
    Optional<RuntimeException> deferredFailure() {
        return Optional.ofNullable(deferredFailure);
    }

    /**
     * Writes the whole IPC stream to {@code out}, flushing after each record batch, then closes
     * this stream (see the class comment). {@code out} itself is never closed: inside a multipart
     * body more parts follow.
     *
     * @throws IOException when {@code out} fails, usually because the client went away; failures
     *     of the reader are unchecked
     * @throws IllegalStateException when called a second time: open a new stream per response
     */
    public void writeTo(OutputStream out) throws IOException {
        if (!written.compareAndSet(false, true)) {
            throw new IllegalStateException("This ArrowStream was written already; create a new one for each response");
        }
        if (closed.get()) {
            throw new IllegalStateException(
                    "This ArrowStream was closed before it was written; create it in the request that sends it");
        }
        Throwable failure = null;
        try {
            writeBatches(out);
        } catch (IOException clientGone) {
            failure = clientGone;
            call.cancel(ErrorCode.CANCELLED);
            outcome = new StreamOutcome(ErrorCode.CANCELLED, "The client went away", null, statistics);
            throw clientGone;
        } catch (RuntimeException | Error e) {
            failure = e;
            // Bytes of a stored stream travel with their length: cut short, they are short.
            if (bodyStarted && !BatchEncoders.verbatim(reader)) {
                writeFailureMarker(out);
            }
            throw e;
        } finally {
            closeAfter(failure);
        }
    }

    /**
     * The failure to report for a producer's: a source stopped by the call's cancellation (a
     * statement cancelled at the deadline) fails with an exception of its own, and the cause to
     * report is then the cancellation.
     */
    private RuntimeException reportable(RuntimeException failure) {
        if (!(failure instanceof ArrowHttpException) && call.isCancelled()) {
            try {
                call.checkNotCancelled();
            } catch (ArrowHttpException cancelled) {
                cancelled.addSuppressed(failure);
                return cancelled;
            }
        }
        return failure;
    }

    /** Records a producer failure; returns true when it is to be reported in band instead of thrown. */
    private boolean producerFailed(RuntimeException failure) {
        String id = ErrorIds.next();
        if (failure instanceof ArrowHttpException known) {
            String errorId = known.code().serverFault() ? known.errorId().orElse(id) : null;
            outcome = new StreamOutcome(known.code(), known.getMessage(), errorId, statistics);
        } else {
            outcome = new StreamOutcome(
                    ErrorCode.INTERNAL,
                    "The data source failed after " + statistics.batches() + " batches; quote error id " + id
                            + " to the server's operators",
                    id,
                    statistics);
        }
        if (failuresInBand) {
            deferredFailure = failure;
        }
        return failuresInBand;
    }

    /**
     * Ends a stream that failed after bytes went out with {@link FailureMarker}, so no reader can
     * take what arrived for a complete stream, whatever the transport does with the abort that
     * follows. Best effort: when the client has gone, there is no one to tell.
     */
    private static void writeFailureMarker(OutputStream out) {
        try {
            out.write(FailureMarker.bytes());
            out.flush();
        } catch (IOException | RuntimeException clientGone) {
            // The abort that follows ends the response anyway.
        }
    }

    private void writeBatches(OutputStream out) throws IOException {
        long start = System.nanoTime();
        long batches = 0;
        long rows = 0;
        long bytes = 0;
        long chunks = 0;
        try (BatchEncoder encoder = BatchEncoders.open(reader, bufferCodec, out instanceof GatheringByteChannel)) {
            BatchStagingChannel staging = encoder.staging();
            try {
                encoder.start();
                boolean failedInBand = false;
                while (true) {
                    long batchRows;
                    try {
                        call.checkNotCancelled();
                        batchRows = encoder.next();
                        if (batchRows < 0) {
                            break;
                        }
                    } catch (RuntimeException producerFailure) {
                        RuntimeException failure = reportable(producerFailure);
                        if (!producerFailed(failure)) {
                            throw failure;
                        }
                        failedInBand = true;
                        break;
                    }
                    bytes += staging.size();
                    bodyStarted = true;
                    staging.drainTo(out);
                    out.flush();
                    batches++;
                    chunks++;
                    rows += batchRows;
                    statistics = new StreamStatistics(batches, rows, bytes, chunks, System.nanoTime() - start);
                }
                if (failedInBand) {
                    // The status part follows and says what failed; the marker keeps a reader of
                    // this part alone from taking it for complete.
                    staging.write(ByteBuffer.wrap(FailureMarker.bytes()));
                } else {
                    encoder.end();
                }
                bytes += staging.size();
                bodyStarted = true;
                staging.drainTo(out);
                chunks++;
                statistics = new StreamStatistics(batches, rows, bytes, chunks, System.nanoTime() - start);
            } finally {
                // Whatever the encoder writes while closing (Arrow's writer writes the end-of-stream
                // marker after a failure) goes into the staging channel, which is never sent again.
                staging.discard();
            }
        }
    }

    /** What has been written so far; final once {@link #writeTo(OutputStream)} has returned. */
    public StreamStatistics statistics() {
        return statistics;
    }

    /** Releases the reader and then the allocator, if this stream owns one. Idempotent. */
    @Override
    public void close() {
        closeAfter(null);
    }

    private void closeAfter(Throwable failure) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (outcome == null) {
            outcome = written.get()
                    ? new StreamOutcome(null, null, null, statistics)
                    : new StreamOutcome(ErrorCode.CANCELLED, "The response was never written", null, statistics);
        } else {
            outcome = new StreamOutcome(outcome.error(), outcome.message(), outcome.errorId(), statistics);
        }
        call.end();
        RuntimeException closeFailure = null;
        try {
            reader.close();
        } catch (IOException e) {
            closeFailure = new UncheckedIOException("Closing the Arrow reader failed", e);
        } catch (RuntimeException e) {
            closeFailure = e;
        }
        if (allocator != null) {
            try {
                allocator.close();
            } catch (RuntimeException e) {
                if (closeFailure == null) {
                    closeFailure = e;
                } else {
                    closeFailure.addSuppressed(e);
                }
            }
        }
        try {
            endListener.accept(outcome);
        } catch (RuntimeException listenerFailure) {
            if (closeFailure == null) {
                closeFailure = listenerFailure;
            } else {
                closeFailure.addSuppressed(listenerFailure);
            }
        }
        if (closeFailure != null) {
            if (failure != null) {
                failure.addSuppressed(closeFailure);
            } else if (deferredFailure != null) {
                // A source that failed in band often fails to close as well (a database connection
                // that went away): the status part still has to go out and report the first failure.
                deferredFailure.addSuppressed(closeFailure);
            } else {
                throw closeFailure;
            }
        }
    }
}

package io.arrowhttp.internal.resource;

import io.arrowhttp.dataset.Upload;
import io.arrowhttp.protocol.ArrowHttpException;
import io.arrowhttp.protocol.EndOfStreamMarker;
import io.arrowhttp.protocol.ErrorCode;
import io.arrowhttp.protocol.UploadMetadata;
import io.arrowhttp.protocol.internal.BoundedReadChannel;
import java.io.Closeable;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.OutOfMemoryException;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An upload read from a request body holding an Arrow IPC stream, buffers compressed or not; see
 * {@link UploadBody} for the body's forms.
 *
 * <p>Message metadata is bounded by {@link BoundedReadChannel}; record batch bodies come from the
 * upload's allocator, which is bounded; {@link UploadReader} checks each batch whole, and counts
 * the Arrow bytes it decodes against the upload's {@code maxBytes}.
 *
 * <p>Arrow's reader takes a body that stops between two messages for a complete stream. An
 * upload is complete only when its body ends with the end-of-stream marker, so a client that
 * breaks off between batches cannot leave part of its data as if it were all of it.
 *
 * <h2>Ownership</h2>
 * Reads into a root of its own, allocated from the allocator it is given; {@link #close()} frees
 * it and everything else the reader allocated, whether the upload succeeded or failed, so that the
 * caller can then close the allocator. The caller owns the allocator and the body.
 */
final class StreamUpload implements Upload, Closeable {

    private static final Logger LOG = LoggerFactory.getLogger(StreamUpload.class);

    private final String name;
    private final Mode mode;
    private final Body body;
    private final UploadBody upload;
    private final UploadReader reader;
    private final BufferAllocator allocator;
    private long rows;
    private long batches;

    private final UploadLimits limits;

    StreamUpload(String name, Mode mode, UploadBody body, BufferAllocator allocator, UploadLimits limits) {
        this.name = name;
        this.mode = mode;
        this.limits = limits;
        this.upload = body;
        this.body = new Body(body.arrow());
        this.reader =
                new UploadReader(new BoundedReadChannel(Channels.newChannel(this.body)), allocator, limits.maxBytes());
        this.allocator = allocator;
    }

    @Override
    public BufferAllocator allocator() {
        return allocator;
    }

    @Override
    public String datasetName() {
        return name;
    }

    @Override
    public Mode mode() {
        return mode;
    }

    @Override
    public UploadMetadata metadata() {
        return upload.metadata();
    }

    @Override
    public Schema schema() {
        return root().getSchema();
    }

    @Override
    public VectorSchemaRoot root() {
        try {
            return reader.getVectorSchemaRoot();
        } catch (IOException | RuntimeException e) {
            throw unreadable(e);
        }
    }

    @Override
    public boolean loadNextBatch() {
        boolean loaded;
        try {
            loaded = reader.loadNextBatch();
        } catch (IOException | RuntimeException e) {
            throw unreadable(e);
        }
        if (loaded) {
            batches++;
            rows += root().getRowCount();
            if (rows > limits.maxRows()) {
                throw new ArrowHttpException(
                        ErrorCode.TOO_LARGE,
                        "The upload has more than the " + limits.maxRows()
                                + " rows this server takes in one request; send it in parts. Nothing was written.");
            }
            return true;
        }
        if (!body.endsWithEndOfStream()) {
            throw ArrowHttpException.invalidArgument("The upload broke off after " + batches
                    + " record batches: its Arrow stream has no end-of-stream marker. Nothing was written.");
        }
        upload.finish();
        return false;
    }

    /** The body's failure as the client's: the stream was not Arrow, or it broke off. */
    private ArrowHttpException unreadable(Exception e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof ArrowHttpException known) {
                return known;
            }
        }
        if (causedBy(e, OutOfMemoryException.class)) {
            return new ArrowHttpException(
                    ErrorCode.TOO_LARGE,
                    "A record batch of the upload needs more than the " + allocator.getLimit()
                            + " bytes of memory this server gives an upload; send smaller batches. Nothing was written.");
        }
        LOG.debug("Upload to {} unreadable after {} batches: {}", name, batches, e.toString());
        return ArrowHttpException.invalidArgument("The upload is not an Arrow IPC stream, or it broke off, after "
                + batches + " record batches. Nothing was written.");
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (type.isInstance(cause)) {
                return true;
            }
        }
        return false;
    }

    long rows() {
        return rows;
    }

    long batches() {
        return batches;
    }

    long bytes() {
        return body.count;
    }

    @Override
    public void close() throws IOException {
        reader.close(false);
    }

    /** Counts the Arrow stream's bytes and keeps the last eight. */
    private static final class Body extends FilterInputStream {

        private final byte[] last = new byte[EndOfStreamMarker.length()];
        private long count;

        Body(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                keep(new byte[] {(byte) b}, 0, 1);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = in.read(buffer, offset, length);
            if (n > 0) {
                keep(buffer, offset, n);
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            // Through read, so that skipped bytes are counted and kept too.
            byte[] skipped = new byte[(int) Math.min(n, 8192)];
            int read = read(skipped, 0, skipped.length);
            return Math.max(read, 0);
        }

        private void keep(byte[] buffer, int offset, int n) {
            count += n;
            int fresh = Math.min(n, last.length);
            System.arraycopy(last, fresh, last, 0, last.length - fresh);
            System.arraycopy(buffer, offset + n - fresh, last, last.length - fresh, fresh);
        }

        boolean endsWithEndOfStream() {
            return count >= last.length && EndOfStreamMarker.is(last);
        }
    }
}

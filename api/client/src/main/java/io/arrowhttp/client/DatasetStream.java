package io.arrowhttp.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.arrowhttp.client.internal.ContentType;
import io.arrowhttp.client.internal.InputStreamChannel;
import io.arrowhttp.protocol.ArrowHttpException;
import io.arrowhttp.protocol.ArrowMediaTypes;
import io.arrowhttp.protocol.ContentCoding;
import io.arrowhttp.protocol.ErrorCode;
import io.arrowhttp.protocol.IpcCodec;
import io.arrowhttp.protocol.ProtocolJson;
import io.arrowhttp.protocol.StreamStatus;
import io.arrowhttp.protocol.internal.BoundedReadChannel;
import io.arrowhttp.protocol.internal.BufferCodecs;
import io.arrowhttp.protocol.internal.MultipartReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.apache.arrow.vector.ipc.message.MessageChannelReader;

/**
 * One dataset response being received: the JSON metadata, read first, then the record batches
 * through {@link #reader()} while the server still sends them, then the footnotes and status.
 *
 * <p>The Arrow part goes from the socket into Arrow's reader as it arrives; nothing is kept
 * whole in memory or written to disk. When the reader reaches the end of the stream, the rest of
 * the response is read and checked: if the server reported a failure, or the response was cut
 * short, {@code loadNextBatch()} throws an {@link IOException} whose cause is an
 * {@link ArrowHttpException} with the code, never a quiet end of data.
 *
 * <p>Owns the reader's buffers (allocated from the allocator given to
 * {@link ArrowHttpClient#get}) and the connection: {@link #close()} frees both, at once.
 */
public final class DatasetStream implements Closeable {

    private static final int SMALL_PART_LIMIT = 64 * 1024 * 1024;

    private final InputStream body;
    private final MultipartReader parts;
    private final Runnable disconnect;
    private final BooleanSupplier timedOutHere;
    private final LongSupplier bytesReceived;
    private final JsonNode metadata;
    private final Compression compression;
    private final Reader reader;
    private final AtomicBoolean closed = new AtomicBoolean();
    private String footnotes;
    private StreamStatus status;

    DatasetStream(
            InputStream body,
            String boundary,
            BufferAllocator allocator,
            Runnable disconnect,
            BooleanSupplier timedOutHere,
            LongSupplier bytesReceived,
            String contentEncoding)
            throws IOException {
        this.body = body;
        this.disconnect = disconnect;
        this.timedOutHere = timedOutHere;
        this.bytesReceived = bytesReceived;
        this.parts = new MultipartReader(body, boundary);
        Map<String, String> headers = parts.firstPart();
        expect(headers, "application/json");
        this.metadata = ProtocolJson.mapper().readTree(parts.readPart(SMALL_PART_LIMIT));
        if (parts.finished()) {
            throw new IOException("The response has no Arrow part");
        }
        Map<String, String> arrowHeaders = parts.nextPartHeaders();
        expect(arrowHeaders, "application/vnd.apache.arrow.stream");
        this.compression = compressionOf(contentEncoding, arrowHeaders.get("content-type"));
        this.reader = new Reader(body, allocator);
    }

    /**
     * The compression the server chose, from the response's {@code Content-Encoding} and the
     * Arrow part's {@code codecs}; empty when the data came uncompressed.
     */
    public Optional<Compression> compression() {
        return Optional.ofNullable(compression);
    }

    private static Compression compressionOf(String contentEncoding, String arrowType) {
        if (contentEncoding != null) {
            for (Compression each : Compression.values()) {
                if (each.contentCoding() != null
                        && ContentCoding.of(contentEncoding).orElse(null) == each.contentCoding()) {
                    return each;
                }
            }
        }
        ContentType type = ContentType.parse(arrowType);
        String codec = type == null ? null : type.parameters().get(ArrowMediaTypes.CODECS);
        if (codec != null) {
            for (Compression each : Compression.values()) {
                if (each.ipcCodec() != null && IpcCodec.of(codec).orElse(null) == each.ipcCodec()) {
                    return each;
                }
            }
        }
        return null;
    }

    /** The JSON metadata part. */
    public JsonNode metadata() {
        return metadata;
    }

    /**
     * Arrow's reader over the Arrow part. Read it to its end ({@code loadNextBatch()} false)
     * before asking for {@link #footnotes()} or {@link #status()}.
     */
    public ArrowStreamReader reader() {
        return reader;
    }

    /** Bytes of the response body received so far, all parts included. */
    public long bytesReceived() {
        return bytesReceived.getAsLong();
    }

    /** The footnotes part, once the reader has reached its end, if the server sent one. */
    public Optional<String> footnotes() {
        return Optional.ofNullable(footnotes);
    }

    /** The status part, once the reader has reached its end, if the server sent one. */
    public Optional<StreamStatus> status() {
        return Optional.ofNullable(status);
    }

    /**
     * Ends the transfer at once, from any thread: the connection is dropped, so a read in progress
     * fails. Call {@link #close()} as well, from the reading thread, to free the buffers.
     */
    public void cancel() {
        disconnect.run();
    }

    /** Drops the connection if the response is not complete, and frees the reader's buffers. */
    @Override
    public void close() throws IOException {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            if (!parts.finished()) {
                disconnect.run();
            }
        } finally {
            try {
                reader.close();
            } finally {
                body.close();
            }
        }
    }

    private void readTrailingParts() throws IOException {
        parts.afterSelfDelimitedPart();
        while (!parts.finished()) {
            Map<String, String> headers = parts.nextPartHeaders();
            String type = headers.getOrDefault("content-type", "").toLowerCase(Locale.ROOT);
            byte[] content;
            try {
                content = parts.readPart(SMALL_PART_LIMIT);
            } catch (MultipartReader.CutShort cutShort) {
                // After a failure the server sends the status part and then drops the connection:
                // what arrived says why, which is better than "cut short".
                if (type.startsWith("application/json")) {
                    readStatus(cutShort.partial());
                }
                throw cutShort;
            }
            if (type.startsWith("text/plain")) {
                footnotes = new String(content, StandardCharsets.UTF_8);
            } else if (type.startsWith("application/json")) {
                readStatus(content);
            }
        }
    }

    /** Keeps the status part and throws the failure it reports; a partial one is ignored. */
    private void readStatus(byte[] content) {
        try {
            status = ProtocolJson.mapper().readValue(content, StreamStatus.class);
        } catch (IOException incomplete) {
            return;
        }
        checkStatus();
    }

    private void checkStatus() {
        if (!status.isOk()) {
            ErrorCode code = ErrorCode.parse(status.code()).orElse(ErrorCode.UNKNOWN);
            String message = status.message() != null ? status.message() : "The server reported " + status.code();
            throw new ArrowHttpException(code, message);
        }
    }

    private static void expect(Map<String, String> headers, String type) throws IOException {
        String actual = headers.getOrDefault("content-type", "");
        if (!actual.toLowerCase(Locale.ROOT).startsWith(type)) {
            throw new IOException("Expected a part of type " + type + ", got '" + actual + "'");
        }
    }

    /** Arrow's stream reader, which checks the rest of the response when the Arrow part ends. */
    private final class Reader extends ArrowStreamReader {

        private boolean ended;

        Reader(InputStream in, BufferAllocator allocator) {
            // Arrow's codecs decode batches whose buffers the server compressed; others pass as they
            // are. Metadata is bounded, so that a body that is not what it says cannot take the heap.
            super(
                    new MessageChannelReader(new BoundedReadChannel(new InputStreamChannel(in)), allocator),
                    allocator,
                    BufferCodecs.INSTANCE);
        }

        @Override
        public boolean loadNextBatch() throws IOException {
            if (ended) {
                return false;
            }
            boolean more;
            try {
                more = super.loadNextBatch();
            } catch (IOException | RuntimeException broken) {
                // The server's failure marker stops Arrow's reader with an error right after it;
                // the status part, when asked for, follows and says what failed.
                ended = true;
                throw failureAfter(broken);
            }
            if (!more) {
                ended = true;
                try {
                    readTrailingParts();
                } catch (ArrowHttpException failed) {
                    throw reported(failed);
                } catch (IOException cutShort) {
                    throw cutShort(cutShort);
                }
            }
            return more;
        }

        /** Why the Arrow part broke: what the status part says, when it says something; else cut short. */
        private IOException failureAfter(Exception broken) {
            try {
                readTrailingParts();
            } catch (ArrowHttpException failed) {
                failed.addSuppressed(broken);
                return reported(failed);
            } catch (IOException | RuntimeException noStatus) {
                broken.addSuppressed(noStatus);
            }
            return cutShort(broken);
        }

        private IOException reported(ArrowHttpException failed) {
            return new IOException("The server reported " + failed.code() + ": " + failed.getMessage(), failed);
        }

        private IOException cutShort(Exception cause) {
            if (timedOutHere.getAsBoolean()) {
                return new IOException(
                        "The call passed its deadline",
                        new ArrowHttpException(ErrorCode.TIMED_OUT, "The call passed its deadline", cause));
            }
            return new IOException(
                    "The response was cut short: the server failed or the connection broke",
                    new ArrowHttpException(
                            ErrorCode.UNAVAILABLE, "The response was cut short: " + cause.getMessage(), cause));
        }

        @Override
        protected void closeReadSource() throws IOException {
            // The body belongs to the DatasetStream, which closes it after deciding whether to
            // drop the connection: closing it here first would read the rest of a large response.
        }
    }
}

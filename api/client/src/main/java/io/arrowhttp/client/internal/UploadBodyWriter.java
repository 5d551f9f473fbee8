package io.arrowhttp.client.internal;

import com.aayushatharva.brotli4j.Brotli4jLoader;
import com.aayushatharva.brotli4j.encoder.BrotliOutputStream;
import com.github.luben.zstd.ZstdOutputStream;
import io.arrowhttp.protocol.ArrowMediaTypes;
import io.arrowhttp.protocol.ContentCoding;
import io.arrowhttp.protocol.IpcCodec;
import io.arrowhttp.protocol.ProtocolJson;
import io.arrowhttp.protocol.UploadMetadata;
import io.arrowhttp.protocol.internal.BufferCodecs;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;
import java.util.zip.GZIPOutputStream;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.apache.arrow.vector.ipc.message.IpcOption;

/**
 * Writes an upload's body as it reads the batches: a bare Arrow stream, or a multipart body with
 * the JSON part first, each optionally compressed (Arrow buffers with an IPC codec, or the whole
 * body with a content coding). One batch is held at a time, in the reader's root.
 *
 * <h2>Ownership</h2>
 * Reads from the caller's reader, which the caller closes; never closes the connection's stream,
 * which the exchange owns.
 */
public final class UploadBodyWriter {

    /** Hears of each batch: rows, batches and Arrow bytes so far. */
    @FunctionalInterface
    public interface Progress {
        void onBatch(long rows, long batches, long bytes);
    }

    /** The upload was cancelled: the body breaks off unfinished. */
    public static final class Cancelled extends HttpExchange.Abandoned {
        Cancelled(long batches) {
            super("The upload was cancelled after " + batches + " record batches", null);
        }
    }

    private final ArrowReader batches;
    private final UploadMetadata metadata;
    private final String boundary;
    private final IpcCodec ipcCodec;
    private final ContentCoding contentCoding;
    private final Progress progress;
    private final BooleanSupplier cancelled;
    private long rows;
    private long batchCount;

    /**
     * @param metadata the JSON part, or null for a bare stream
     * @param boundary the multipart boundary, with {@code metadata}
     * @param ipcCodec the codec of the Arrow buffers, or null
     * @param contentCoding the coding of the whole body, or null
     */
    public UploadBodyWriter(
            ArrowReader batches,
            UploadMetadata metadata,
            String boundary,
            IpcCodec ipcCodec,
            ContentCoding contentCoding,
            Progress progress,
            BooleanSupplier cancelled) {
        this.batches = batches;
        this.metadata = metadata;
        this.boundary = boundary;
        this.ipcCodec = ipcCodec;
        this.contentCoding = contentCoding;
        this.progress = progress;
        this.cancelled = cancelled;
    }

    /** @throws HttpExchange.Abandoned when cancelled or when reading a batch fails */
    public void writeTo(OutputStream connection) throws IOException {
        // Not closed on failure: a coder's close would end the coded body as if it were whole.
        OutputStream body = coded(new KeptOpen(connection));
        if (metadata != null) {
            body.write(("--" + boundary + "\r\nContent-Type: application/json\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            body.write(ProtocolJson.toBytes(metadata));
            body.write(("\r\n--" + boundary + "\r\nContent-Type: " + ArrowMediaTypes.ARROW_STREAM + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
        }
        writeArrow(new KeptOpen(body));
        if (metadata != null) {
            body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        }
        body.close();
    }

    /**
     * The Arrow stream. Arrow's writer writes the end-of-stream marker when it is closed, so it is
     * closed only after the last batch: a failure leaves the stream without its end.
     */
    private void writeArrow(KeptOpen out) throws IOException {
        ArrowStreamWriter writer = ipcCodec == null
                ? new ArrowStreamWriter(batches.getVectorSchemaRoot(), batches, Channels.newChannel(out))
                : new ArrowStreamWriter(
                        batches.getVectorSchemaRoot(),
                        batches,
                        Channels.newChannel(out),
                        IpcOption.DEFAULT,
                        BufferCodecs.INSTANCE,
                        ipcCodec.codecType());
        writer.start();
        while (true) {
            if (cancelled.getAsBoolean()) {
                throw new Cancelled(batchCount);
            }
            if (!nextBatch()) {
                break;
            }
            writer.writeBatch();
            batchCount++;
            rows += batches.getVectorSchemaRoot().getRowCount();
            progress.onBatch(rows, batchCount, out.count);
        }
        writer.end();
        writer.close();
    }

    private boolean nextBatch() throws HttpExchange.Abandoned {
        try {
            return batches.loadNextBatch();
        } catch (IOException | RuntimeException e) {
            throw new HttpExchange.Abandoned(
                    "Reading record batch " + (batchCount + 1) + " to upload failed: " + e.getMessage(), e);
        }
    }

    private OutputStream coded(OutputStream out) throws IOException {
        if (contentCoding == null) {
            return out;
        }
        return switch (contentCoding) {
            case ZSTD -> new ZstdOutputStream(out);
            case GZIP -> new GZIPOutputStream(out, 64 * 1024);
            case BR -> brotli(out);
        };
    }

    private static OutputStream brotli(OutputStream out) throws IOException {
        if (!Brotli4jLoader.isAvailable()) {
            throw new IOException("Brotli is not available on this platform; upload with zstd or gzip");
        }
        return new BrotliOutputStream(out);
    }

    /** Passes bytes on and counts them; closing it leaves the stream under it open. */
    private static final class KeptOpen extends FilterOutputStream {

        private long count;

        KeptOpen(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            out.write(bytes, offset, length);
            count += length;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}

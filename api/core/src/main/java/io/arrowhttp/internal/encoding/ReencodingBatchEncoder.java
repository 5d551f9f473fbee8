package io.arrowhttp.internal.encoding;

import static io.arrowhttp.internal.encoding.ReaderSteps.read;

import io.arrowhttp.protocol.IpcCodec;
import io.arrowhttp.protocol.internal.BufferCodecs;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.apache.arrow.vector.ipc.message.IpcOption;

/**
 * Decodes each batch with the reader and encodes it again with Arrow's stream writer, its buffers
 * compressed when a codec is given.
 */
final class ReencodingBatchEncoder implements BatchEncoder {

    private final ArrowReader reader;
    private final BatchStagingChannel staging;
    private final VectorSchemaRoot root;
    private final ArrowStreamWriter writer;

    ReencodingBatchEncoder(ArrowReader reader, BatchStagingChannel staging, IpcCodec codec) {
        this.reader = reader;
        this.staging = staging;
        this.root = read(reader::getVectorSchemaRoot);
        this.writer = codec == null
                ? new ArrowStreamWriter(root, reader, staging)
                : new ArrowStreamWriter(
                        root, reader, staging, IpcOption.DEFAULT, BufferCodecs.INSTANCE, codec.codecType());
    }

    @Override
    public BatchStagingChannel staging() {
        return staging;
    }

    @Override
    public void start() throws IOException {
        writer.start();
    }

    @Override
    public long next() {
        if (!read(reader::loadNextBatch)) {
            return -1;
        }
        try {
            writer.writeBatch();
        } catch (IOException stagingNeverFails) {
            throw new UncheckedIOException(stagingNeverFails);
        }
        return root.getRowCount();
    }

    @Override
    public void end() throws IOException {
        writer.end();
    }

    /**
     * Closes the writer, which keeps copies of the dictionaries it sent, without letting its
     * failure hide the stream's own: anything it fails to free is reported when the response's
     * allocator closes.
     */
    @Override
    public void close() {
        try {
            writer.close();
        } catch (RuntimeException freedLater) {
            // See above: the allocator's close names any leak.
        }
    }
}

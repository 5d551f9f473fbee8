package io.arrowhttp.dataset;

import io.arrowhttp.protocol.IpcCodec;
import java.io.IOException;
import java.nio.channels.WritableByteChannel;
import java.util.Optional;

/**
 * An {@link org.apache.arrow.vector.ipc.ArrowReader} whose record batches are stored already
 * encoded as Arrow IPC stream messages, as in an Arrow IPC file: the server copies those messages
 * to the response as they are, one record batch per HTTP chunk, instead of decoding each batch with
 * {@code loadNextBatch} and encoding it again. A dataset returns such a reader from
 * {@link Dataset#open} when a request asks for data exactly as stored (every column, every row).
 *
 * <p>The server asks {@link #bufferCodec()} first: the stored messages are copied only when their
 * buffers are compressed as the client asked (usually: not at all); otherwise the reader is read
 * with {@code loadNextBatch} and encoded again. When copying, it calls {@link #writeOpening} once,
 * then {@link #writeNextBatch} until it returns -1, and writes the end-of-stream marker itself; it
 * never mixes these calls with {@code loadNextBatch} on the same reader. Closing the reader
 * releases what these methods use.
 */
public interface EncodedBatches {

    /**
     * The codec the stored record batches' buffers are compressed with, or empty when they are not
     * compressed. Every batch {@link #writeNextBatch} writes must use it.
     *
     * @throws IOException when the stored data cannot be read
     */
    default Optional<IpcCodec> bufferCodec() throws IOException {
        return Optional.empty();
    }

    /**
     * Writes the messages that open the stream to {@code target}: the schema message, then every
     * dictionary batch, each with its continuation marker and padding.
     *
     * @throws IOException when the stored data cannot be read, or is not what it was when the
     *     dataset was made
     */
    void writeOpening(WritableByteChannel target) throws IOException;

    /**
     * Writes the next record batch message, metadata and body, to {@code target}.
     *
     * @return the batch's rows, or -1 when no batch is left (nothing is written then)
     * @throws IOException when the stored data cannot be read, or is not what it was when the
     *     dataset was made
     */
    long writeNextBatch(WritableByteChannel target) throws IOException;

    /**
     * Leaves out the first {@code count} record batches, for a response that resumes at a batch:
     * {@link #writeNextBatch} and {@code loadNextBatch} then begin with batch {@code count}. The
     * server calls it at most once, before any other method.
     *
     * @throws IOException when the stored data cannot be read
     */
    void skipBatches(long count) throws IOException;
}

package io.arrowhttp.internal.encoding;

import java.io.IOException;

/**
 * Puts an Arrow stream's messages into its {@link BatchStagingChannel}: the opening, each batch,
 * the end. Made by {@link BatchEncoders#open}; used by one response on one thread.
 *
 * <h2>Ownership</h2>
 * An encoder frees what it allocated itself (the writer's copies of dictionaries) in
 * {@link #close()}; the reader it encodes, and that reader's allocator, stay the caller's.
 */
public interface BatchEncoder extends AutoCloseable {

    /** Where the messages are staged; drained by the caller after each step. */
    BatchStagingChannel staging();

    /** Stages the schema message and any dictionaries; sent with the first batch. */
    void start() throws IOException;

    /**
     * Stages the next record batch; returns its rows, or -1 after the last. Failures of the source
     * are unchecked (see {@link ReaderSteps}), so an {@link IOException} always means the client.
     */
    long next();

    /** Stages the end-of-stream marker. */
    void end() throws IOException;

    /**
     * Whether the bytes are the source's own, sent as they are: no end-of-stream or failure marker
     * is ever added, and a cut response is told by its {@code Content-Length}.
     */
    default boolean verbatim() {
        return false;
    }

    /** Frees what the encoder holds; never throws. */
    @Override
    void close();
}

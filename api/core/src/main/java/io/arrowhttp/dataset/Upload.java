package io.arrowhttp.dataset;

import io.arrowhttp.protocol.UploadMetadata;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The record batches of one upload, read from the request body one at a time, as a
 * {@link DatasetStore} writes them.
 *
 * <h2>Ownership</h2>
 * The server owns the upload, its {@link #root()} and the allocator behind it, and closes them
 * after {@link DatasetStore#write} returns; a store must not keep the root or its buffers.
 */
public interface Upload {

    /** The dataset the upload is for. */
    String datasetName();

    /** Whether the upload replaces the dataset's content ({@code PUT}) or adds to it ({@code POST}). */
    Mode mode();

    /**
     * Who sent the upload: the identity authentication established, or null when the server does
     * not authenticate (every caller is then the same writer). A store that limits the datasets of
     * each writer counts them by it.
     */
    default String writer() {
        return null;
    }

    /**
     * What the upload's JSON part says of the dataset: {@link UploadMetadata#NONE} for a bare Arrow
     * stream. A store that keeps descriptions keeps the dataset's where this gives none.
     */
    UploadMetadata metadata();

    /** The schema of the stream, from its first message. */
    Schema schema();

    /**
     * Reads the next record batch into {@link #root()}.
     *
     * @return false after the last batch of a complete stream, one that ended with Arrow's
     *     end-of-stream marker
     * @throws io.arrowhttp.protocol.ArrowHttpException {@code INVALID_ARGUMENT} when the body is not
     *     a valid Arrow stream or breaks off: the store must then leave the dataset as it was
     */
    boolean loadNextBatch();

    /** The root each batch is read into, the same for every batch. */
    VectorSchemaRoot root();

    /**
     * The allocator of {@link #root()}, for anything the store allocates while it writes: buffers
     * move between vectors only within one allocator's tree. The store closes what it allocates
     * before {@link DatasetStore#write} returns.
     */
    BufferAllocator allocator();

    /** What an upload does to the dataset. */
    enum Mode {
        /** {@code PUT}: creates the dataset, or replaces its content. */
        REPLACE,
        /** {@code POST}: adds the rows after the dataset's; the schemas must be equal. */
        APPEND
    }
}

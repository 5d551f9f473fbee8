package io.arrowhttp.client;

/**
 * Hears of an upload's progress as its batches are sent, and may cancel it, like Arrow Flight's
 * {@code OutboundStreamListener.isCancelled}. Called on the uploading thread.
 */
public interface UploadListener {

    /** Hears nothing and never cancels. */
    UploadListener NONE = (rows, batches, bytes) -> {};

    /**
     * After each record batch has been handed to the connection.
     *
     * @param bytes bytes of the Arrow stream so far, before any content coding
     */
    void onBatch(long rows, long batches, long bytes);

    /**
     * Asked before each batch: true breaks the upload off, and the server then writes nothing of
     * it; {@code put} and {@code append} throw {@code ArrowHttpException} with code
     * {@code CANCELLED}.
     */
    default boolean isCancelled() {
        return false;
    }
}

package io.arrowhttp.internal.encoding;

import io.arrowhttp.dataset.EncodedBatches;
import io.arrowhttp.protocol.IpcCodec;
import java.io.IOException;
import java.util.Optional;
import org.apache.arrow.vector.ipc.ArrowReader;

/**
 * The one place that chooses how a stream's bytes are made, from what its source is and the codec
 * the response uses:
 * <ul>
 *   <li>bytes of a stored stream ({@link StoredRangeReader}): sent as they are;</li>
 *   <li>batches stored already encoded with the response's codec ({@link EncodedBatches}): their
 *       messages copied as stored;</li>
 *   <li>batches whose stream is copied while sent ({@link CopiedReader}, uncompressed only): encoded
 *       again, each batch's bytes written to the copy before they are sent;</li>
 *   <li>anything else: decoded and encoded again, compressed with the codec if there is one.</li>
 * </ul>
 */
public final class BatchEncoders {

    private static final int INITIAL_STAGING_BYTES = 64 * 1024;

    private BatchEncoders() {}

    /**
     * The encoder for {@code reader}'s stream with buffers compressed by {@code codec} (null for
     * none).
     *
     * @param gatheringOutput whether the response takes buffers by reference (a
     *     {@code GatheringByteChannel}): uncompressed batches that are encoded again are then
     *     staged by reference, their Arrow memory sent without a copy
     */
    public static BatchEncoder open(ArrowReader reader, IpcCodec codec, boolean gatheringOutput) {
        if (reader instanceof StoredRangeReader range) {
            return new VerbatimEncoder(range, new BatchStagingChannel(INITIAL_STAGING_BYTES, false));
        }
        if (reader instanceof EncodedBatches stored
                && ReaderSteps.read(stored::bufferCodec).orElse(null) == codec) {
            // Stored messages may be read into a reused buffer: copied, never referenced.
            return new StoredBatchEncoder(stored, new BatchStagingChannel(INITIAL_STAGING_BYTES, false));
        }
        if (reader instanceof CopiedReader copied) {
            if (codec != null) {
                // The copy is of the uncompressed stream only: nothing is kept of this response.
                copied.copy().abandon();
            } else {
                return new CopyingEncoder(
                        new ReencodingBatchEncoder(
                                reader, new BatchStagingChannel(INITIAL_STAGING_BYTES, gatheringOutput), null),
                        copied.copy());
            }
        }
        // Only the vectors of an uncompressed batch stay valid until the batch is sent; compressed
        // buffers are freed by Arrow's writer as soon as it has written them.
        boolean referencing = gatheringOutput && codec == null;
        return new ReencodingBatchEncoder(reader, new BatchStagingChannel(INITIAL_STAGING_BYTES, referencing), codec);
    }

    /** Whether {@code reader}'s bytes are sent as stored, with no marker ever added. */
    public static boolean verbatim(ArrowReader reader) {
        return reader instanceof StoredRangeReader;
    }

    /**
     * The codec {@code reader}'s batches are stored with, when they are stored encoded: sending
     * with that codec copies them instead of encoding them again. Empty when unknown or unreadable
     * (writing then reports what is wrong with the source).
     */
    public static Optional<IpcCodec> storedCodec(ArrowReader reader) {
        if (reader instanceof EncodedBatches batches) {
            try {
                return batches.bufferCodec();
            } catch (IOException unreadable) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }
}

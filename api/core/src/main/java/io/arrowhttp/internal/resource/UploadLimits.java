package io.arrowhttp.internal.resource;

/**
 * What one upload may be (beyond each, 413 and nothing written), and how many the server takes at
 * once (beyond it, 429 with {@code Retry-After}).
 *
 * @param maxBytes the Arrow data of the upload, counted decompressed as its batches are decoded:
 *     what a store is given to write
 * @param maxBodyBytes the request body as received, before any content decoding; a
 *     {@code Content-Length} above it is refused before the body is read
 * @param maxRows the rows of the upload
 * @param memory the Arrow memory of one upload, about one record batch
 */
public record UploadLimits(long maxBytes, long maxBodyBytes, long maxRows, long memory, int concurrent) {

    public UploadLimits {
        if (maxBytes <= 0 || maxBodyBytes <= 0 || maxRows <= 0 || memory <= 0 || concurrent <= 0) {
            throw new IllegalArgumentException("Upload limits must be positive: " + maxBytes + " bytes, "
                    + maxBodyBytes + " bytes of body, " + maxRows + " rows, " + memory + " bytes of memory, "
                    + concurrent + " at once");
        }
    }
}

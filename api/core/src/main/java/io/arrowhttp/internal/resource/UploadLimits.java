package io.arrowhttp.internal.resource;

/**
 * What one upload may be: body bytes and rows (beyond them, 413), the Arrow memory of one batch,
 * and how many uploads the server takes at once (beyond it, 429 with {@code Retry-After}).
 */
public record UploadLimits(long maxBytes, long maxRows, long memory, int concurrent) {

    public UploadLimits {
        if (maxBytes <= 0 || maxRows <= 0 || memory <= 0 || concurrent <= 0) {
            throw new IllegalArgumentException("Upload limits must be positive: " + maxBytes + " bytes, " + maxRows
                    + " rows, " + memory + " bytes of memory, " + concurrent + " at once");
        }
    }
}

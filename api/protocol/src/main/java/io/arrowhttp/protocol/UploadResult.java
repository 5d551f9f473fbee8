package io.arrowhttp.protocol;

import java.util.Objects;

/**
 * The answer to an upload ({@code PUT} or {@code POST} of an Arrow stream to
 * {@code /datasets/{name}}), in the spirit of Arrow Flight's {@code PutResult}: what arrived, and
 * the dataset as the catalog now describes it.
 *
 * @param rows rows of the upload
 * @param batches record batches of the upload
 * @param bytes bytes of the request body
 * @param seconds from the first byte read to the dataset being served
 * @param dataset the dataset's catalog entry after the upload
 */
public record UploadResult(long rows, long batches, long bytes, double seconds, DatasetInfo dataset) {

    public UploadResult {
        Objects.requireNonNull(dataset, "dataset");
    }
}

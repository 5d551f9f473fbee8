package io.arrowhttp.protocol;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code application/json} part of a multipart upload, before its Arrow stream part: what
 * the dataset's catalog entry and JSON part say about it from then on.
 *
 * @param description one line for the catalog; null to keep the dataset's (or the default, for a
 *     new one)
 * @param metadata extra entries for the dataset's JSON part; null to keep the dataset's
 */
public record UploadMetadata(String description, Map<String, Object> metadata) {

    /** The most bytes of a JSON part the server reads. */
    public static final int MAX_BYTES = 1 << 20;

    /** The JSON part's keys, for messages. */
    public static final String KEYS = "description, metadata";

    public UploadMetadata {
        metadata = metadata == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }

    /** What a bare Arrow stream says: nothing, so the dataset keeps what it had. */
    public static final UploadMetadata NONE = new UploadMetadata(null, null);
}

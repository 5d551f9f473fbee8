package io.arrowhttp.client;

import io.arrowhttp.protocol.UploadMetadata;
import java.util.Map;
import java.util.Objects;

/**
 * How to send an upload: what to say of the dataset (sent as the JSON part of a multipart body),
 * how to compress it, and who hears of its progress.
 */
public final class UploadOptions {

    private String description;
    private Map<String, Object> metadata;
    private Compression compression;
    private UploadListener listener = UploadListener.NONE;

    /** No description or metadata, no compression, no listener, as {@link #defaults()}. */
    public UploadOptions() {}

    public static UploadOptions defaults() {
        return new UploadOptions();
    }

    /** The dataset's one-line description in the catalog from now on. */
    public UploadOptions description(String description) {
        this.description = Objects.requireNonNull(description, "description");
        return this;
    }

    /** Entries of the dataset's JSON part from now on, replacing those it had. */
    public UploadOptions metadata(Map<String, Object> metadata) {
        this.metadata = Map.copyOf(metadata);
        return this;
    }

    /**
     * Compresses the upload: the Arrow buffers with an IPC codec, or the whole body with a
     * content coding ({@link Compression#HTTP_ZSTD}, {@link Compression#HTTP_GZIP},
     * {@link Compression#HTTP_BR}). None by default.
     */
    public UploadOptions compression(Compression compression) {
        this.compression = Objects.requireNonNull(compression, "compression");
        return this;
    }

    /** Hears of every batch sent, and may cancel the upload. */
    public UploadOptions listener(UploadListener listener) {
        this.listener = Objects.requireNonNull(listener, "listener");
        return this;
    }

    /** The JSON part, or null when the body is a bare Arrow stream. */
    UploadMetadata metadataOrNull() {
        return description == null && metadata == null ? null : new UploadMetadata(description, metadata);
    }

    Compression compressionOrNull() {
        return compression;
    }

    UploadListener listener() {
        return listener;
    }
}

package io.arrowhttp.dataset;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A dataset whose bare Arrow stream, for a request without parameters and without compression, is
 * a run of bytes of a file: the same bytes for every such request until the file changes. The
 * server then answers those requests as a static file server does, with {@code Content-Length},
 * {@code ETag}, {@code Last-Modified} and {@code Accept-Ranges: bytes}, and serves byte ranges of
 * the stream ({@code Range}, {@code If-Range}), so that a download that broke off resumes where it
 * stopped ({@code curl -C -}) and parts of the stream can be fetched at once.
 */
public interface StoredStream {

    /**
     * Where the stream's bytes are now, or empty when the dataset cannot serve them as they are
     * (its file changed since the server started, or it is gone). Called for each request.
     */
    Optional<Bytes> storedBytes();

    /**
     * A run of bytes of a file that is a whole Arrow IPC stream, end-of-stream marker included.
     *
     * @param file the file
     * @param offset where the stream starts in the file
     * @param length the stream's length in bytes
     * @param lastModified when the file was last changed
     * @param entityTag a strong entity tag of these bytes, quoted as HTTP writes it
     * @param batchOffsets where each record batch's message starts, from the stream's start
     */
    record Bytes(Path file, long offset, long length, Instant lastModified, String entityTag, List<Long> batchOffsets) {

        public Bytes {
            batchOffsets = List.copyOf(batchOffsets);
            Objects.requireNonNull(file, "file");
            Objects.requireNonNull(lastModified, "lastModified");
            Objects.requireNonNull(entityTag, "entityTag");
            if (offset < 0 || length < 8) {
                throw new IllegalArgumentException("A stored stream is at least its end-of-stream marker");
            }
        }
    }
}

package io.arrowhttp.protocol;

import jakarta.ws.rs.core.MediaType;
import java.util.Map;

/** The media types of the arrowhttp protocol. */
public final class ArrowMediaTypes {

    /** An Arrow IPC stream: a schema message, record batches, an end-of-stream marker. */
    public static final String ARROW_STREAM = "application/vnd.apache.arrow.stream";

    /** {@link #ARROW_STREAM} as a {@link MediaType}. */
    public static final MediaType ARROW_STREAM_TYPE = MediaType.valueOf(ARROW_STREAM);

    /**
     * The media type parameter that lists {@link IpcCodec}s: in {@code Accept}, those the client
     * decodes, comma-separated (quoted or not; {@code ""} for none); in {@code Content-Type}, the
     * one the stream's buffers are compressed with.
     */
    public static final String CODECS = "codecs";

    /** The envelope of a dataset response: JSON metadata, the Arrow stream, optional text. */
    public static final String MULTIPART_MIXED = "multipart/mixed";

    /** {@link #MULTIPART_MIXED} as a {@link MediaType}. */
    public static final MediaType MULTIPART_MIXED_TYPE = MediaType.valueOf(MULTIPART_MIXED);

    /** Error bodies, RFC 9457 problem details. */
    public static final String PROBLEM_JSON = "application/problem+json";

    /** {@link #PROBLEM_JSON} as a {@link MediaType}. */
    public static final MediaType PROBLEM_JSON_TYPE = MediaType.valueOf(PROBLEM_JSON);

    private ArrowMediaTypes() {}

    /** {@link #ARROW_STREAM} labelled with the codec of its buffers, or plain when there is none. */
    public static MediaType arrowStream(IpcCodec codec) {
        return codec == null
                ? ARROW_STREAM_TYPE
                : new MediaType("application", "vnd.apache.arrow.stream", Map.of(CODECS, codec.token()));
    }
}

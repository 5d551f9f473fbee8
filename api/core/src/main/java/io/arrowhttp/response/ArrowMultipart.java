package io.arrowhttp.response;

import io.arrowhttp.protocol.ArrowMediaTypes;
import io.arrowhttp.protocol.ProtocolJson;
import jakarta.ws.rs.core.MediaType;
import java.util.Objects;
import java.util.function.Supplier;
import org.glassfish.jersey.media.multipart.BodyPart;
import org.glassfish.jersey.media.multipart.MultiPart;

/**
 * Builds the {@code multipart/mixed} entity of the arrowhttp protocol: an {@code application/json}
 * metadata part, an {@code application/vnd.apache.arrow.stream} part, and optionally a
 * {@code text/plain} part computed after the Arrow part has been sent.
 *
 * <pre>{@code
 * @GET
 * @Produces("multipart/mixed")
 * public MultiPart trades(@QueryParam("include_footnotes") String footnotes) {
 *     BufferAllocator allocator = root.newChildAllocator("trades", 0, Long.MAX_VALUE);
 *     ArrowStream arrow = ArrowStream.of(openTradesReader(allocator), allocator);
 *     return ArrowMultipart.builder(Map.of("source", "trades"), arrow).build();
 * }
 * }</pre>
 *
 * With {@code ArrowHttpFeature} registered, the response gets a fresh boundary of 224 random bits,
 * whatever the resource method's {@code @Produces} or the client's {@code Accept} say. Returning
 * the entity from a resource method hands the {@link ArrowStream} to arrowhttp, which closes it.
 */
public final class ArrowMultipart {

    private ArrowMultipart() {}

    /**
     * Starts a response with its two required parts.
     *
     * @param metadata the JSON part: anything Jackson serializes (a record, a bean, a {@code Map},
     *     a {@code JsonNode}; a {@code com.fasterxml.jackson.databind.util.RawValue} for JSON
     *     text you already have). It is serialized by {@link Builder#build()}, before the response
     *     starts, so a failure there is still an ordinary error response.
     * @param arrow the Arrow part
     */
    public static Builder builder(Object metadata, ArrowStream arrow) {
        return new Builder(Objects.requireNonNull(metadata, "metadata"), Objects.requireNonNull(arrow, "arrow"));
    }

    /** Accumulates the optional parts; {@link #build()} makes the entity. */
    public static final class Builder {

        private final Object metadata;
        private final ArrowStream arrow;
        private Supplier<String> footnotes;
        private boolean statusPart;

        private Builder(Object metadata, ArrowStream arrow) {
            this.metadata = metadata;
            this.arrow = arrow;
        }

        /**
         * Adds a final {@code text/plain} part whose text is asked of {@code text} only after the
         * Arrow part has been written, so it can report {@link ArrowStream#statistics()}. Keep it
         * ASCII: {@code text/plain} without a charset means US-ASCII to strict readers.
         */
        public Builder footnotes(Supplier<String> text) {
            this.footnotes = Objects.requireNonNull(text, "text");
            return this;
        }

        /**
         * Adds a closing {@code application/json} part with the outcome of the Arrow part:
         * {@code {"code":"OK"|error code, "message", "errorId", "rows", "batches", "bytes", "seconds"}}.
         *
         * <p>With it, a producer failure no longer cuts the response at once: the Arrow part ends
         * with {@link io.arrowhttp.protocol.FailureMarker}, which stops any reader with an error,
         * and the status part after it says what failed. The response is still aborted after the
         * status part (no close delimiter, no last chunk), so a client that ignores it sees a
         * failure too. It comes last, after any footnotes.
         */
        public Builder statusPart() {
            this.statusPart = true;
            return this;
        }

        /** The entity to return from a resource method. */
        public MultiPart build() {
            byte[] json = ProtocolJson.toBytes(metadata);
            MultiPart multiPart = new MultiPart(ArrowMediaTypes.MULTIPART_MIXED_TYPE);
            multiPart.bodyPart(new BodyPart(json, MediaType.APPLICATION_JSON_TYPE));
            multiPart.bodyPart(new BodyPart(arrow, ArrowMediaTypes.ARROW_STREAM_TYPE));
            if (footnotes != null) {
                multiPart.bodyPart(new BodyPart(new LazyText(footnotes), MediaType.TEXT_PLAIN_TYPE));
            }
            if (statusPart) {
                arrow.reportFailuresInBand();
                multiPart.bodyPart(new BodyPart(new StatusPart(arrow), MediaType.APPLICATION_JSON_TYPE));
            }
            return multiPart;
        }
    }
}

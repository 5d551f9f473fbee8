package io.arrowhttp.internal.compression;

import io.arrowhttp.protocol.ArrowMediaTypes;
import io.arrowhttp.protocol.ContentCoding;
import io.arrowhttp.protocol.IpcCodec;
import io.arrowhttp.response.ArrowStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * How one Arrow response is compressed: its IPC buffers with a codec, or its whole body with a
 * content coding, never both (decompressing twice costs the client more than it saves), or not at
 * all. A request that names neither gets no compression: browsers' Arrow library and older
 * clients cannot decode IPC codecs, and uncompressed data costs the server the least CPU.
 *
 * <p>Negotiated once per request, by {@code CompressionFilter} before the resource runs (so a
 * refusal costs nothing), and kept under {@link #PROPERTY}; the resource, the entity's codec
 * ({@link #applyTo}) and the body's coding ({@link #encode}) all read that one value.
 *
 * @param ipcCodecs the codecs the client accepts for the Arrow stream's buffers, in the server's
 *     order of preference; empty for uncompressed buffers
 * @param contentCoding the coding of the whole body, or null for identity
 */
public record ResponseCompression(List<IpcCodec> ipcCodecs, ContentCoding contentCoding) {

    /** The request property that carries a request's compression from the filter to the writers. */
    public static final String PROPERTY = ResponseCompression.class.getName();

    /** What this server offers, for the 406 answers. */
    public static final String OFFERED = "this server offers the content codings "
            + String.join(", ", OfferedCompression.INFO.contentCodings()) + " and identity (Accept-Encoding),"
            + " and the Arrow IPC codecs " + String.join(", ", OfferedCompression.INFO.ipcCodecs())
            + " (the codecs parameter of application/vnd.apache.arrow.stream in Accept, or the codecs query"
            + " parameter)";

    public ResponseCompression {
        ipcCodecs = List.copyOf(ipcCodecs);
        if (!ipcCodecs.isEmpty() && contentCoding != null) {
            throw new IllegalArgumentException("An IPC codec and a content coding are never used together");
        }
    }

    /**
     * The compression a request asks for. An IPC codec the client lists wins over a content coding,
     * unless the client refuses identity, which only a content coding satisfies.
     *
     * @param accept the values of {@code Accept}, or null
     * @param acceptEncoding the values of {@code Accept-Encoding}, or null
     * @param codecsQuery the values of the {@code codecs} query parameter, or null
     * @throws NotAcceptableException when {@code Accept-Encoding} is malformed or accepts nothing offered
     */
    public static ResponseCompression negotiate(
            List<String> accept, List<String> acceptEncoding, List<String> codecsQuery) {
        return negotiate(accept, acceptEncoding, codecsQuery, EnumSet.allOf(ContentCoding.class), false);
    }

    /**
     * The compression a request asks for, under a server's policy: a content coding the client
     * offers but does not insist on (it accepts identity) is applied only if it is among
     * {@code unasked}; one the client insists on is applied unless {@code never}, which refuses it.
     *
     * @param unasked the codings to apply when the client offers them and accepts identity too
     * @param never whether no content coding is ever applied (a client refusing identity gets a 406)
     * @throws NotAcceptableException when {@code Accept-Encoding} is malformed or accepts nothing offered
     */
    public static ResponseCompression negotiate(
            List<String> accept,
            List<String> acceptEncoding,
            List<String> codecsQuery,
            Set<ContentCoding> unasked,
            boolean never) {
        AcceptEncoding encoding;
        try {
            encoding = AcceptEncoding.parse(acceptEncoding == null ? List.of() : acceptEncoding);
        } catch (IllegalArgumentException malformed) {
            throw new NotAcceptableException(
                    "The Accept-Encoding header is malformed: " + malformed.getMessage() + "; " + OFFERED);
        }
        if (!encoding.acceptsAny()) {
            throw new NotAcceptableException(
                    "The Accept-Encoding header accepts none of the content codings offered, not even identity; "
                            + OFFERED);
        }
        List<IpcCodec> codecs = ArrowCodecs.accepted(accept, codecsQuery);
        if (!codecs.isEmpty() && !encoding.refusesIdentity()) {
            return new ResponseCompression(codecs, null);
        }
        if (encoding.refusesIdentity()) {
            if (never) {
                throw new NotAcceptableException("The Accept-Encoding header refuses an uncompressed body, and this"
                        + " server sends no content coding; accept identity, or ask for IPC codecs (the codecs"
                        + " parameter of application/vnd.apache.arrow.stream in Accept)");
            }
            return new ResponseCompression(List.of(), encoding.choose().orElse(null));
        }
        ContentCoding chosen = never ? null : encoding.choose().orElse(null);
        return new ResponseCompression(List.of(), chosen != null && unasked.contains(chosen) ? chosen : null);
    }

    /**
     * The {@code Accept} value that asks for the bare Arrow stream with the IPC codecs that
     * {@code accept} lists for it, if any: what a bare-stream URL ({@code .arrows}) answers
     * whatever else the client's {@code Accept} says.
     */
    public static String bareStreamAccept(List<String> accept) {
        List<String> codecs = ArrowCodecs.fromAccept(accept == null ? List.of() : accept);
        if (codecs.isEmpty()) {
            return ArrowMediaTypes.ARROW_STREAM;
        }
        return ArrowMediaTypes.ARROW_STREAM + "; " + ArrowMediaTypes.CODECS + "=\""
                + codecs.get(0).replace("\\", "").replace("\"", "") + "\"";
    }

    /**
     * The compression negotiated for the request whose properties {@code properties} reads (a
     * request filter's, an interceptor's or a resource's context), if its resource produces Arrow
     * data: the one value every later step reads.
     */
    public static Optional<ResponseCompression> of(Function<String, Object> properties) {
        return properties.apply(PROPERTY) instanceof ResponseCompression compression
                ? Optional.of(compression)
                : Optional.empty();
    }

    /** Whether the buffers or the body are compressed at all. */
    public boolean compresses() {
        return !ipcCodecs.isEmpty() || contentCoding != null;
    }

    /**
     * Applies the IPC codec to {@code arrow}: the stream's stored codec when the client accepts it,
     * else the one the server prefers. Returns the codec used, or null for uncompressed buffers.
     */
    public IpcCodec applyTo(ArrowStream arrow) {
        if (ipcCodecs.isEmpty()) {
            return null;
        }
        return arrow.compressBuffers(ipcCodecs).bufferCodec().orElse(null);
    }

    /** The body's stream with the content coding applied, or {@code out} itself for identity. */
    public OutputStream encode(OutputStream out) throws IOException {
        return contentCoding == null ? out : ContentEncodingStream.wrap(contentCoding, out);
    }

    /** The codec the server prefers of those accepted, or null for uncompressed buffers. */
    public IpcCodec ipcCodec() {
        return ipcCodecs.isEmpty() ? null : ipcCodecs.get(0);
    }

    /** Refused compression: answered 406 with the message, which names what the server offers. */
    public static final class NotAcceptableException extends RuntimeException {
        NotAcceptableException(String message) {
            super(message);
        }
    }
}

package io.arrowhttp.internal.provider;

import io.arrowhttp.internal.compression.ResponseCompression;
import io.arrowhttp.internal.wire.UnsizedEmptyBody;
import io.arrowhttp.protocol.ArrowMediaTypes;
import io.arrowhttp.protocol.ErrorCode;
import io.arrowhttp.protocol.HttpStatus;
import io.arrowhttp.protocol.IpcCodec;
import io.arrowhttp.protocol.QueryParameters;
import io.arrowhttp.protocol.internal.HeaderSyntax;
import io.arrowhttp.response.ArrowStream;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import java.lang.reflect.Method;
import java.util.Arrays;
import org.glassfish.jersey.media.multipart.BodyPart;
import org.glassfish.jersey.media.multipart.MultiPart;

/**
 * Negotiates the compression of Arrow responses: for a resource method that produces an Arrow
 * stream or a multipart response, reads what the request accepts (refusing with {@code 406} what it
 * cannot serve, before the data source is opened), then labels the response and hands the IPC
 * codec to its {@link ArrowStream}. The content coding itself is applied by
 * {@link StreamingResponseInterceptor} as the body is written.
 *
 * <p>The Arrow stream's {@code Content-Type} is always set here, so that the parameters of the
 * client's {@code Accept} range, which content negotiation would copy, never label the response.
 */
@Priority(Priorities.HEADER_DECORATOR)
public final class CompressionFilter implements ContainerRequestFilter, ContainerResponseFilter {

    static final String VARY = "Vary";

    @Context
    private ResourceInfo resource;

    @Override
    public void filter(ContainerRequestContext request) {
        if (!producesArrow()) {
            return;
        }
        try {
            request.setProperty(
                    ResponseCompression.PROPERTY,
                    ResponseCompression.negotiate(
                            request.getHeaders().get(HttpHeaders.ACCEPT),
                            request.getHeaders().get(HttpHeaders.ACCEPT_ENCODING),
                            request.getUriInfo().getQueryParameters().get(QueryParameters.CODECS)));
        } catch (ResponseCompression.NotAcceptableException refused) {
            request.abortWith(
                    ProblemResponses.of(HttpStatus.NOT_ACCEPTABLE, ErrorCode.INVALID_ARGUMENT, refused.getMessage()));
        }
    }

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        if (!(request.getProperty(ResponseCompression.PROPERTY) instanceof ResponseCompression compression)) {
            return;
        }
        response.getHeaders().add(VARY, HttpHeaders.ACCEPT + ", " + HttpHeaders.ACCEPT_ENCODING);
        if (response.getStatus() != HttpStatus.OK) {
            return;
        }
        Object entity = response.getEntity();
        MediaType type = response.getMediaType();
        boolean bareArrow = type != null && type.isCompatible(ArrowMediaTypes.ARROW_STREAM_TYPE);
        IpcCodec codec = compression.ipcCodec();
        if (entity instanceof ArrowStream arrow) {
            if (codec != null) {
                codec = arrow.compressBuffers(compression.ipcCodecs())
                        .bufferCodec()
                        .orElse(null);
            }
        } else if (entity instanceof MultiPart multiPart) {
            for (BodyPart part : multiPart.getBodyParts()) {
                if (codec != null && part.getEntity() instanceof ArrowStream arrow) {
                    IpcCodec used = arrow.compressBuffers(compression.ipcCodecs())
                            .bufferCodec()
                            .orElse(null);
                    part.setMediaType(ArrowMediaTypes.arrowStream(used));
                }
            }
        } else if (!(entity instanceof UnsizedEmptyBody)) {
            return;
        }
        if (bareArrow) {
            response.getHeaders().putSingle(HttpHeaders.CONTENT_TYPE, ArrowMediaTypes.arrowStream(codec));
        }
        if (compression.contentCoding() != null) {
            response.getHeaders()
                    .putSingle(
                            HttpHeaders.CONTENT_ENCODING,
                            compression.contentCoding().token());
        }
    }

    /** Whether the matched method says it produces an Arrow stream or a multipart response. */
    private boolean producesArrow() {
        Method method = resource == null ? null : resource.getResourceMethod();
        if (method == null) {
            return false;
        }
        Produces produces = method.getAnnotation(Produces.class);
        if (produces == null && resource.getResourceClass() != null) {
            produces = resource.getResourceClass().getAnnotation(Produces.class);
        }
        return produces != null
                && Arrays.stream(produces.value())
                        .flatMap(value -> HeaderSyntax.splitOutsideQuotes(value, ',').stream())
                        .map(value -> MediaType.valueOf(value.trim()))
                        .anyMatch(produced -> produced.isCompatible(ArrowMediaTypes.ARROW_STREAM_TYPE)
                                || produced.isCompatible(ArrowMediaTypes.MULTIPART_MIXED_TYPE));
    }
}

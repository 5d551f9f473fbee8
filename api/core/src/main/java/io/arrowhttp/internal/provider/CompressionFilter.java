package io.arrowhttp.internal.provider;

import io.arrowhttp.internal.compression.ResponseCompression;
import io.arrowhttp.internal.container.ServerConnection;
import io.arrowhttp.internal.wire.UnsizedEmptyBody;
import io.arrowhttp.protocol.ArrowMediaTypes;
import io.arrowhttp.protocol.ContentCoding;
import io.arrowhttp.protocol.ErrorCode;
import io.arrowhttp.protocol.HttpStatus;
import io.arrowhttp.protocol.IpcCodec;
import io.arrowhttp.protocol.QueryParameters;
import io.arrowhttp.protocol.internal.HeaderSyntax;
import io.arrowhttp.response.ArrowStream;
import io.arrowhttp.response.CompressionPolicy;
import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Configuration;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import org.glassfish.jersey.internal.inject.InjectionManager;
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

    /** The configuration property holding the application's {@link CompressionPolicy}. */
    public static final String POLICY = "io.arrowhttp.compressionPolicy";

    @Context
    private ResourceInfo resource;

    @Context
    private Configuration configuration;

    private final InjectionManager injectionManager;

    @Inject
    public CompressionFilter(InjectionManager injectionManager) {
        this.injectionManager = injectionManager;
    }

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
                            request.getUriInfo().getQueryParameters().get(QueryParameters.CODECS),
                            unasked(policy()),
                            policy() == CompressionPolicy.NEVER));
        } catch (ResponseCompression.NotAcceptableException refused) {
            request.abortWith(
                    ProblemResponses.of(HttpStatus.NOT_ACCEPTABLE, ErrorCode.INVALID_ARGUMENT, refused.getMessage()));
        }
    }

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        ResponseCompression compression =
                ResponseCompression.of(request::getProperty).orElse(null);
        if (compression == null) {
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
            codec = compression.applyTo(arrow);
        } else if (entity instanceof MultiPart multiPart) {
            for (BodyPart part : multiPart.getBodyParts()) {
                if (part.getEntity() instanceof ArrowStream arrow && compression.ipcCodec() != null) {
                    part.setMediaType(ArrowMediaTypes.arrowStream(compression.applyTo(arrow)));
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

    private CompressionPolicy policy() {
        Object policy = configuration == null ? null : configuration.getProperty(POLICY);
        return policy instanceof CompressionPolicy configured ? configured : CompressionPolicy.AUTO;
    }

    /** The content codings applied when the client offers them but accepts an uncompressed body too. */
    private Set<ContentCoding> unasked(CompressionPolicy policy) {
        return switch (policy) {
            case ASKED -> EnumSet.allOf(ContentCoding.class);
            case NEVER -> EnumSet.noneOf(ContentCoding.class);
            default -> sameHost() ? EnumSet.noneOf(ContentCoding.class) : EnumSet.of(ContentCoding.ZSTD);
        };
    }

    /** Whether the client connects from a loopback address, where no coding is faster than none. */
    private boolean sameHost() {
        String address = ServerConnection.current(injectionManager).remoteAddress();
        if (address == null) {
            return false;
        }
        String bare =
                address.startsWith("[") && address.endsWith("]") ? address.substring(1, address.length() - 1) : address;
        return bare.startsWith("127.")
                || bare.equals("::1")
                || bare.equals("0:0:0:0:0:0:0:1")
                || bare.startsWith("::ffff:127.");
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

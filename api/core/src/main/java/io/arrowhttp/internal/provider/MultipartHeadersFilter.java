package io.arrowhttp.internal.provider;

import io.arrowhttp.protocol.internal.SecureBoundary;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.Map;
import org.glassfish.jersey.media.multipart.MultiPart;

/**
 * Gives every multipart response the server's own unguessable boundary, and the MIME-Version
 * header Jersey's multipart writer would add. Setting the header here rather than in the writer
 * keeps it when the headers have to be committed before the body (HTTP/1.0 on Grizzly).
 *
 * <p>The boundary is always a fresh {@link SecureBoundary}: never one a client put in its
 * {@code Accept} (which content negotiation would otherwise copy into the response: an empty
 * boundary, a quoted one, 5,000 characters), and never Jersey's own, made from a counter and the
 * clock. Other parameters a client sent with the media range are dropped too.
 */
public final class MultipartHeadersFilter implements ContainerResponseFilter {

    /** The header multipart bodies carry (RFC 2045). */
    public static final String MIME_VERSION = "MIME-Version";

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        if (!(response.getEntity() instanceof MultiPart)) {
            return;
        }
        MediaType type = response.getMediaType();
        if (type == null || !type.getType().equalsIgnoreCase("multipart")) {
            return;
        }
        response.getHeaders().putIfAbsent(MIME_VERSION, List.of("1.0"));
        response.getHeaders()
                .putSingle(
                        HttpHeaders.CONTENT_TYPE,
                        new MediaType(type.getType(), type.getSubtype(), Map.of("boundary", SecureBoundary.next())));
    }
}

package io.arrowhttp.internal.provider;

import io.arrowhttp.internal.wire.SecureBoundary;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.glassfish.jersey.media.multipart.MultiPart;

/**
 * Puts an unguessable boundary, and the MIME-Version header Jersey's multipart writer would add, on
 * every multipart response. Setting the header here rather than in the writer keeps it when the
 * headers have to be committed before the body (HTTP/1.0 on Grizzly).
 *
 * <p>The boundary: Without one in the response's
 * Content-Type, Jersey's writer makes its own from a counter and the clock, which a client could
 * predict. The entity's own boundary is used when it has one, so the entity and the header agree.
 */
public final class MultipartHeadersFilter implements ContainerResponseFilter {

    /** The header multipart bodies carry (RFC 2045). */
    public static final String MIME_VERSION = "MIME-Version";

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        if (!(response.getEntity() instanceof MultiPart multiPart)) {
            return;
        }
        MediaType type = response.getMediaType();
        if (type == null || !type.getType().equalsIgnoreCase("multipart")) {
            return;
        }
        response.getHeaders().putIfAbsent(MIME_VERSION, List.of("1.0"));
        if (type.getParameters().containsKey("boundary")) {
            return;
        }
        MediaType entityType = multiPart.getMediaType();
        String boundary = entityType == null ? null : entityType.getParameters().get("boundary");
        if (boundary == null) {
            boundary = SecureBoundary.next();
        }
        Map<String, String> parameters = new HashMap<>(type.getParameters());
        parameters.put("boundary", boundary);
        response.getHeaders()
                .putSingle(HttpHeaders.CONTENT_TYPE, new MediaType(type.getType(), type.getSubtype(), parameters));
    }
}

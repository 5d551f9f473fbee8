package io.arrowhttp.internal.resource;

import io.arrowhttp.internal.compression.ResponseCompression;
import io.arrowhttp.protocol.ResourcePaths;
import jakarta.annotation.Priority;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.UriBuilder;
import java.util.Optional;

/**
 * The bare-stream URL of a dataset, {@code GET} or {@code HEAD /datasets/{name}.arrows}: before
 * routing, the request becomes that of {@code /datasets/{name}} with the same query asking for
 * {@code application/vnd.apache.arrow.stream} (keeping the IPC codecs the client's {@code Accept}
 * lists), so that it is answered exactly as the bare stream by negotiation is, with the same
 * parameters, errors, compression and byte ranges, whatever {@code Accept} the client sent (none,
 * curl's {@code *}{@code /*}, a browser's). A dataset whose own name ends in {@code .arrows} keeps
 * its URL: an exact name wins (see {@link ResourcePaths#ARROW_STREAM_SUFFIX}).
 *
 * <p>Runs after the middleware (which sees the URL the client sent) and before the {@code Accept}
 * checks, which then read the rewritten header.
 */
@PreMatching
@Priority(Priorities.HEADER_DECORATOR - 10)
public final class BareStreamPathFilter implements ContainerRequestFilter {

    private static final String PREFIX = ResourcePaths.DATASETS + "/";

    private final DatasetCatalog catalog;

    public BareStreamPathFilter(DatasetCatalog catalog) {
        this.catalog = catalog;
    }

    @Override
    public void filter(ContainerRequestContext request) {
        String method = request.getMethod();
        if (!HttpMethod.GET.equals(method) && !HttpMethod.HEAD.equals(method)) {
            return;
        }
        String path = request.getUriInfo().getPath(true);
        if (!path.startsWith(PREFIX) || !path.endsWith(ResourcePaths.ARROW_STREAM_SUFFIX)) {
            return;
        }
        String segment = path.substring(PREFIX.length());
        if (segment.indexOf('/') >= 0) {
            return;
        }
        Optional<String> dataset = catalog.bareStreamOf(segment);
        if (dataset.isEmpty()) {
            return;
        }
        request.getHeaders()
                .putSingle(
                        HttpHeaders.ACCEPT,
                        ResponseCompression.bareStreamAccept(
                                request.getHeaders().get(HttpHeaders.ACCEPT)));
        request.setRequestUri(
                request.getUriInfo().getBaseUri(),
                UriBuilder.fromUri(request.getUriInfo().getRequestUri())
                        .replacePath(request.getUriInfo().getBaseUri().getRawPath())
                        .path(ResourcePaths.DATASETS)
                        .path(dataset.get())
                        .build());
    }
}

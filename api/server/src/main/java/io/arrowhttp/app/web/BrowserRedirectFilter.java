package io.arrowhttp.app.web;

import io.arrowhttp.protocol.ResourcePaths;
import jakarta.annotation.Priority;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;

/**
 * Sends a browser that opens the server's base URL to the web page: a {@code GET /} whose
 * {@code Accept} names {@code text/html} as its first choice answers {@code 303} to {@code ui/}.
 * Every other client of {@code /} (no {@code Accept}, {@code *}{@code /*}, {@code multipart/mixed},
 * the Arrow stream) gets the dataset as before. Runs before authentication, since the page signs
 * the user in.
 */
@PreMatching
@Priority(Priorities.AUTHENTICATION - 100)
public final class BrowserRedirectFilter implements ContainerRequestFilter {

    @Override
    public void filter(ContainerRequestContext request) {
        String path = request.getUriInfo().getPath();
        if (HttpMethod.GET.equals(request.getMethod())
                && (path.isEmpty() || path.equals("/"))
                && request.getHeaderString(HttpHeaders.ACCEPT) != null
                && prefersHtml(request)) {
            request.abortWith(Response.seeOther(request.getUriInfo()
                            .getBaseUriBuilder()
                            .path(ResourcePaths.UI + "/")
                            .build())
                    .header(HttpHeaders.VARY, HttpHeaders.ACCEPT)
                    .build());
        }
    }

    private static boolean prefersHtml(ContainerRequestContext request) {
        List<MediaType> acceptable;
        try {
            acceptable = request.getAcceptableMediaTypes();
        } catch (RuntimeException malformed) {
            // The dataset resource answers a malformed Accept with its own 400.
            return false;
        }
        return !acceptable.isEmpty()
                && acceptable.get(0).isCompatible(MediaType.TEXT_HTML_TYPE)
                && !acceptable.get(0).isWildcardType()
                && !acceptable.get(0).isWildcardSubtype();
    }
}

package io.arrowhttp.app.web;

import io.arrowhttp.protocol.ResourcePaths;
import io.arrowhttp.protocol.internal.HeaderSyntax;
import jakarta.annotation.Priority;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.List;

/**
 * Sends a browser that opens the server's base URL to the web page: a {@code GET /} whose
 * {@code Accept} is a browser's (see {@link #prefersHtml}) answers {@code 303} to {@code ui/}.
 * Every other client of {@code /} (no {@code Accept}, {@code *}{@code /*}, {@code multipart/mixed},
 * the Arrow stream) gets the dataset as before. Runs before authentication, since the page signs
 * the user in.
 *
 * <p>The {@code Location} never comes from the request's {@code Host}, which any client chooses:
 * it is the configured public base URL's {@code ui/} when there is one, else {@code /ui/} (or
 * under the application's context path) on the request's base, whose host {@code TrustedHostFilter}
 * has checked: an allowed {@code Host}, else the listener's own address.
 */
@PreMatching
@Priority(Priorities.AUTHENTICATION - 100)
public final class BrowserRedirectFilter implements ContainerRequestFilter {

    private final URI publicBase;

    /** @param publicBase the address clients reach the application at, or null when not configured */
    public BrowserRedirectFilter(URI publicBase) {
        this.publicBase = publicBase;
    }

    @Override
    public void filter(ContainerRequestContext request) {
        String path = request.getUriInfo().getPath();
        if (HttpMethod.GET.equals(request.getMethod())
                && (path.isEmpty() || path.equals("/"))
                && prefersHtml(request)) {
            request.abortWith(
                    Response.seeOther(page(publicBase, request.getUriInfo().getBaseUri()))
                            .header(HttpHeaders.VARY, HttpHeaders.ACCEPT)
                            .build());
        }
    }

    /**
     * Where the page is: under the public base when there is one, else a path that Jersey completes
     * with the request's base (its scheme and authority checked by {@code TrustedHostFilter}).
     */
    static URI page(URI publicBase, URI requestBase) {
        String ui = ResourcePaths.UI + "/";
        if (publicBase != null) {
            String base = publicBase.toString();
            return URI.create(base.endsWith("/") ? base : base + "/").resolve(ui);
        }
        String path =
                requestBase.getRawPath() == null || requestBase.getRawPath().isEmpty() ? "/" : requestBase.getRawPath();
        return URI.create((path.endsWith("/") ? path : path + "/") + ui);
    }

    /**
     * A browser's navigation: {@code text/html} first, and {@code application/xhtml+xml} accepted
     * too, as every browser sends it. Java's own {@code HttpURLConnection} also puts
     * {@code text/html} first, but without XHTML, and keeps getting the data. Read from the header
     * as it is: Java's default also holds a bare {@code *}, which Jersey's parser refuses.
     */
    private static boolean prefersHtml(ContainerRequestContext request) {
        String accept = request.getHeaderString(HttpHeaders.ACCEPT);
        if (accept == null) {
            return false;
        }
        List<String> ranges = HeaderSyntax.elements(List.of(accept)).stream()
                .map(HeaderSyntax.Element::value)
                .toList();
        return !ranges.isEmpty()
                && ranges.get(0).equals(MediaType.TEXT_HTML)
                && ranges.contains(MediaType.APPLICATION_XHTML_XML);
    }
}

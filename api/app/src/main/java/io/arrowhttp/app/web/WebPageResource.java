package io.arrowhttp.app.web;

import io.arrowhttp.protocol.ResourcePaths;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.io.InputStream;
import java.net.URI;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code GET /ui/} and its files: the page, its script, style and source maps, read from the
 * classpath ({@code io/arrowhttp/web/ui/} in {@code arrowhttp-web}). Only plain file names of known
 * kinds are looked up, so no request reaches any other resource. The page talks to this server
 * only ({@code Content-Security-Policy}) and may not be framed.
 */
@Path(ResourcePaths.UI)
public final class WebPageResource {

    private final URI publicBase;

    /** @param publicBase the address clients reach the application at, or null when not configured */
    public WebPageResource(URI publicBase) {
        this.publicBase = publicBase;
    }

    static final String RESOURCE_FOLDER = "io/arrowhttp/web/ui/";

    private static final Pattern FILE_NAME = Pattern.compile("[A-Za-z0-9_-]+(\\.[A-Za-z0-9]+)+");

    private static final Map<String, String> MEDIA_TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "map", "application/json; charset=utf-8");

    private static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; "
            + "style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; frame-ancestors 'none'";

    /** {@code /ui/}; {@code /ui}, without the slash the page's relative links need, is sent there. */
    @GET
    public Response page(@Context UriInfo uri) {
        if (!uri.getPath().endsWith("/")) {
            return Response.seeOther(BrowserRedirectFilter.page(publicBase, uri.getBaseUri()))
                    .build();
        }
        return file("index.html");
    }

    @GET
    @Path("{file}")
    public Response file(@PathParam("file") String file) {
        String extension = file.substring(file.lastIndexOf('.') + 1);
        String mediaType = MEDIA_TYPES.get(extension);
        if (!FILE_NAME.matcher(file).matches() || mediaType == null) {
            throw new NotFoundException("The web page has no file by that name");
        }
        InputStream content = WebPageResource.class.getClassLoader().getResourceAsStream(RESOURCE_FOLDER + file);
        if (content == null) {
            throw new NotFoundException("The web page has no file by that name");
        }
        return Response.ok(content, mediaType)
                // The names do not change with the content: browsers check before they reuse one.
                .header("Cache-Control", "no-cache")
                .header("X-Content-Type-Options", "nosniff")
                .header("Content-Security-Policy", CONTENT_SECURITY_POLICY)
                .header("Referrer-Policy", "no-referrer")
                .build();
    }
}

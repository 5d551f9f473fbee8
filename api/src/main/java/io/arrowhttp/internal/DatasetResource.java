package io.arrowhttp.internal;

import io.arrowhttp.ArrowMediaTypes;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.UriInfo;

import org.glassfish.jersey.media.multipart.MultiPart;

/** {@code GET /datasets/{name}}: a dataset as JSON metadata, Arrow stream and optional footnotes. */
@Path("datasets")
public final class DatasetResource {

    private final DatasetResponder responder;

    public DatasetResource(DatasetResponder responder) {
        this.responder = responder;
    }

    @GET
    @Path("{name}")
    @Produces(ArrowMediaTypes.MULTIPART_MIXED)
    public MultiPart get(@PathParam("name") String name, @Context UriInfo uri) {
        return responder.respond(name, uri);
    }
}

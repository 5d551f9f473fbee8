package io.arrowhttp.internal.resource;

import io.arrowhttp.protocol.ArrowMediaTypes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HEAD;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import jakarta.ws.rs.core.UriInfo;

/**
 * {@code GET /}: the application's default dataset, for clients that know only the server's
 * address, negotiated like {@code GET /datasets/{name}}.
 */
@Path("/")
public final class RootDatasetResource {

    private final DatasetResponder responder;
    private final String datasetName;

    public RootDatasetResource(DatasetResponder responder, String datasetName) {
        this.responder = responder;
        this.datasetName = datasetName;
    }

    @GET
    @Produces(DatasetResource.MULTIPART_PREFERRED)
    public Response get(
            @Context UriInfo uri,
            @Context HttpHeaders headers,
            @Context SecurityContext security,
            @Context ContainerRequestContext request) {
        return responder.respond(
                datasetName,
                uri,
                headers,
                security,
                DatasetResponder.compressionAsked(request),
                responder.clientAddress(request));
    }

    @HEAD
    @Produces(DatasetResource.MULTIPART_PREFERRED)
    public Response headMultipart(@Context UriInfo uri, @Context HttpHeaders headers) {
        return responder.head(datasetName, ArrowMediaTypes.MULTIPART_MIXED_TYPE, uri, headers, false);
    }

    @HEAD
    @Produces(DatasetResource.ARROW_SECOND)
    public Response headArrowOnly(
            @Context UriInfo uri, @Context HttpHeaders headers, @Context ContainerRequestContext request) {
        return responder.head(
                datasetName,
                ArrowMediaTypes.ARROW_STREAM_TYPE,
                uri,
                headers,
                DatasetResponder.compressionAsked(request));
    }

    @GET
    @Produces(DatasetResource.ARROW_SECOND)
    public Response getArrowOnly(
            @Context UriInfo uri,
            @Context HttpHeaders headers,
            @Context SecurityContext security,
            @Context ContainerRequestContext request) {
        return responder.respondArrowOnly(
                datasetName,
                uri,
                headers,
                security,
                DatasetResponder.compressionAsked(request),
                responder.clientAddress(request));
    }
}

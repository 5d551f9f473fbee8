package io.arrowhttp.internal.resource;

import io.arrowhttp.call.ContinueAfterChecks;
import io.arrowhttp.dataset.Upload;
import io.arrowhttp.internal.provider.ClientAddressFilter;
import io.arrowhttp.protocol.ArrowHttpException;
import io.arrowhttp.protocol.ArrowMediaTypes;
import io.arrowhttp.protocol.Catalog;
import io.arrowhttp.protocol.ClientText;
import io.arrowhttp.protocol.DatasetInfo;
import io.arrowhttp.protocol.ProtocolJson;
import io.arrowhttp.protocol.ResourcePaths;
import io.arrowhttp.response.ArrowStream;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HEAD;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import jakarta.ws.rs.core.UriInfo;
import java.io.InputStream;
import java.security.Principal;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The dataset catalog and the datasets, Arrow Flight's ListFlights, GetFlightInfo, GetSchema and
 * DoGet in HTTP terms:
 * <ul>
 *   <li>{@code GET /datasets}: every dataset's {@link DatasetInfo};</li>
 *   <li>{@code GET /datasets/{name}/info}: one of them;</li>
 *   <li>{@code GET /datasets/{name}/schema}: the schema as an Arrow stream without batches, or as
 *       JSON when asked for;</li>
 *   <li>{@code GET /datasets/{name}}: the dataset, as multipart (the default) or, for
 *       {@code Accept: application/vnd.apache.arrow.stream}, as the bare Arrow stream;</li>
 *   <li>{@code PUT} and {@code POST /datasets/{name}} with an Arrow stream: Flight's DoPut, an
 *       upload that replaces or extends the dataset (see {@link DatasetUploads});</li>
 *   <li>{@code DELETE /datasets/{name}}: removes an uploaded dataset, {@code 204} without a
 *       body.</li>
 * </ul>
 */
@Path(ResourcePaths.DATASETS)
public final class DatasetResource {

    /** Multipart unless the client prefers the bare stream: {@code qs} ranks the two for {@code *}{@code /*}. */
    public static final String MULTIPART_PREFERRED = ArrowMediaTypes.MULTIPART_MIXED + ";qs=1";

    public static final String ARROW_SECOND = ArrowMediaTypes.ARROW_STREAM + ";qs=0.5";

    private final DatasetResponder responder;
    private final DatasetUploads uploads;

    public DatasetResource(DatasetResponder responder, DatasetUploads uploads) {
        this.responder = responder;
        this.uploads = uploads;
    }

    @PUT
    @Path("{name}")
    @Consumes({ArrowMediaTypes.ARROW_STREAM, ArrowMediaTypes.MULTIPART_MIXED, MediaType.MULTIPART_FORM_DATA})
    @Produces(MediaType.APPLICATION_JSON)
    public Response put(
            @PathParam("name") String name,
            InputStream body,
            @Context UriInfo uri,
            @Context HttpHeaders headers,
            @Context SecurityContext security,
            @Context ContainerRequestContext request) {
        return uploaded(name, Upload.Mode.REPLACE, body, uri, headers, security, request);
    }

    @POST
    @Path("{name}")
    @Consumes({ArrowMediaTypes.ARROW_STREAM, ArrowMediaTypes.MULTIPART_MIXED, MediaType.MULTIPART_FORM_DATA})
    @Produces(MediaType.APPLICATION_JSON)
    public Response post(
            @PathParam("name") String name,
            InputStream body,
            @Context UriInfo uri,
            @Context HttpHeaders headers,
            @Context SecurityContext security,
            @Context ContainerRequestContext request) {
        return uploaded(name, Upload.Mode.APPEND, body, uri, headers, security, request);
    }

    @DELETE
    @Path("{name}")
    public Response delete(@PathParam("name") String name, @Context SecurityContext security) {
        Principal caller = security == null ? null : security.getUserPrincipal();
        uploads.delete(name, caller == null ? null : caller.getName());
        return Response.noContent().build();
    }

    private Response uploaded(
            String name,
            Upload.Mode mode,
            InputStream content,
            UriInfo uri,
            HttpHeaders headers,
            SecurityContext security,
            ContainerRequestContext request) {
        LocationBases base = responder.locationBases(uri);
        Principal caller = security == null ? null : security.getUserPrincipal();
        AtomicBoolean gone = new AtomicBoolean();
        Runnable stopWatching = ClientAddressFilter.onClientGone(request, () -> gone.set(true));
        DatasetUploads.Outcome outcome;
        try {
            DatasetUploads.Body body = new DatasetUploads.Body(
                    headers.getMediaType(),
                    headers.getHeaderString(HttpHeaders.CONTENT_ENCODING),
                    declaredLength(headers),
                    content,
                    request.getProperty(ContinueAfterChecks.PROPERTY) instanceof Runnable send ? send : null,
                    () -> ClientAddressFilter.abortFromAnotherThread(request),
                    gone::get);
            outcome = uploads.upload(
                    name, mode, body, caller == null ? null : caller.getName(), responder.clientAddress(request), base);
        } finally {
            stopWatching.run();
        }
        Response.ResponseBuilder answer =
                outcome.created() ? Response.created(outcome.result().dataset().location()) : Response.ok();
        return answer.entity(ProtocolJson.toBytes(outcome.result()))
                .type(MediaType.APPLICATION_JSON_TYPE)
                .build();
    }

    /**
     * The body's {@code Content-Length}, -1 when it has none: read as a {@code long}, since
     * {@link HttpHeaders#getLength()} fails on lengths of 2 GiB and more, which the upload limits
     * then answer. The container has already refused a length that is not a number.
     */
    private static long declaredLength(HttpHeaders headers) {
        String length = headers.getHeaderString(HttpHeaders.CONTENT_LENGTH);
        if (length == null || length.isBlank()) {
            return -1;
        }
        try {
            return Long.parseLong(length.strip());
        } catch (NumberFormatException e) {
            throw ArrowHttpException.invalidArgument(
                    "Content-Length must be a number of bytes; got " + ClientText.quote(length));
        }
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Response list(@Context UriInfo uri) {
        return json(new Catalog(responder.catalog().entries(responder.locationBases(uri))));
    }

    @GET
    @Path("{name}/" + ResourcePaths.INFO)
    @Produces(MediaType.APPLICATION_JSON)
    public Response info(@PathParam("name") String name, @Context UriInfo uri) {
        return json(responder.catalog().entry(name, responder.locationBases(uri)));
    }

    @GET
    @Path("{name}/" + ResourcePaths.SCHEMA)
    @Produces(ARROW_SECOND)
    public ArrowStream schema(@PathParam("name") String name) {
        return responder.schemaStream(name);
    }

    @GET
    @Path("{name}/" + ResourcePaths.SCHEMA)
    @Produces(MediaType.APPLICATION_JSON + ";qs=0.4")
    public Response schemaJson(@PathParam("name") String name) {
        return Response.ok(responder.schemaJson(name), MediaType.APPLICATION_JSON_TYPE)
                .build();
    }

    @GET
    @Path("{name}")
    @Produces(MULTIPART_PREFERRED)
    public Response get(
            @PathParam("name") String name,
            @Context UriInfo uri,
            @Context HttpHeaders headers,
            @Context SecurityContext security,
            @Context ContainerRequestContext request) {
        return responder.respond(
                name,
                uri,
                headers,
                security,
                DatasetResponder.compressionAsked(request),
                responder.clientAddress(request));
    }

    @GET
    @Path("{name}")
    @Produces(ARROW_SECOND)
    public Response getArrowOnly(
            @PathParam("name") String name,
            @Context UriInfo uri,
            @Context HttpHeaders headers,
            @Context SecurityContext security,
            @Context ContainerRequestContext request) {
        return responder.respondArrowOnly(
                name,
                uri,
                headers,
                security,
                DatasetResponder.compressionAsked(request),
                responder.clientAddress(request));
    }

    @HEAD
    @Path("{name}")
    @Produces(MULTIPART_PREFERRED)
    public Response headMultipart(@PathParam("name") String name, @Context UriInfo uri, @Context HttpHeaders headers) {
        return responder.head(name, ArrowMediaTypes.MULTIPART_MIXED_TYPE, uri, headers, false);
    }

    @HEAD
    @Path("{name}")
    @Produces(ARROW_SECOND)
    public Response headArrowOnly(
            @PathParam("name") String name,
            @Context UriInfo uri,
            @Context HttpHeaders headers,
            @Context ContainerRequestContext request) {
        return responder.head(
                name, ArrowMediaTypes.ARROW_STREAM_TYPE, uri, headers, DatasetResponder.compressionAsked(request));
    }

    private static Response json(Object body) {
        return Response.ok(ProtocolJson.toBytes(body), MediaType.APPLICATION_JSON_TYPE)
                .build();
    }
}

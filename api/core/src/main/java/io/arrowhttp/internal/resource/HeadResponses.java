package io.arrowhttp.internal.resource;

import io.arrowhttp.internal.provider.MultipartHeadersFilter;
import io.arrowhttp.internal.wire.UnsizedEmptyBody;
import io.arrowhttp.protocol.ArrowMediaTypes;
import io.arrowhttp.protocol.internal.SecureBoundary;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;

/**
 * What a {@code HEAD} of a dataset answers: the status and headers a {@code GET} would send,
 * without opening the dataset (which for a query would run it). The body's length is not known
 * without producing it, so no {@code Content-Length} is sent, as for a GET.
 */
final class HeadResponses {

    private HeadResponses() {}

    /**
     * @param type multipart or the Arrow stream, as the GET would answer
     * @throws io.arrowhttp.protocol.ArrowHttpException {@code NOT_FOUND} for an unknown dataset
     */
    static Response of(DatasetCatalog catalog, String name, MediaType type) {
        catalog.get(name);
        Response.ResponseBuilder response =
                Response.ok(UnsizedEmptyBody.INSTANCE).header("Transfer-Encoding", "chunked");
        if (type.isCompatible(ArrowMediaTypes.MULTIPART_MIXED_TYPE)) {
            response.type(new MediaType(type.getType(), type.getSubtype(), Map.of("boundary", SecureBoundary.next())))
                    .header(MultipartHeadersFilter.MIME_VERSION, "1.0");
        } else {
            response.type(ArrowMediaTypes.ARROW_STREAM_TYPE);
        }
        return response.build();
    }
}

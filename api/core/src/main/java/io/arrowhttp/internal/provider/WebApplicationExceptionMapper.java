package io.arrowhttp.internal.provider;

import io.arrowhttp.protocol.ErrorCode;
import io.arrowhttp.protocol.HttpStatus;
import io.arrowhttp.protocol.Problem;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;

/**
 * Gives Jersey's own refusals (unknown path, wrong method, unacceptable media type) the same
 * problem body as the library's errors. Responses that already carry an entity are left as they
 * are: their author chose that body.
 */
public final class WebApplicationExceptionMapper implements ExceptionMapper<WebApplicationException> {

    @Override
    public Response toResponse(WebApplicationException exception) {
        Response original = exception.getResponse();
        if (original.hasEntity()) {
            return original;
        }
        int status = original.getStatus();
        String detail = detailFor(status, original.getStatusInfo().getReasonPhrase());
        Response problem = ProblemResponses.of(Problem.of(status, ErrorCode.forStatus(status), detail));
        Response.ResponseBuilder builder = Response.fromResponse(problem);
        // Keep what tells the client how to retry, such as Allow on a 405.
        original.getHeaders().forEach((name, values) -> {
            if (!name.equalsIgnoreCase("Content-Type") && !name.equalsIgnoreCase("Content-Length")) {
                values.forEach(value -> builder.header(name, value));
            }
        });
        return builder.build();
    }

    private static String detailFor(int status, String reason) {
        switch (status) {
            case HttpStatus.NOT_FOUND:
                return "No resource at this path";
            case HttpStatus.METHOD_NOT_ALLOWED:
                return "This resource does not answer that method; the Allow header lists those it does";
            case HttpStatus.NOT_ACCEPTABLE:
                return "The Accept header allows none of the media types this resource produces (a dataset:"
                        + " multipart/mixed or application/vnd.apache.arrow.stream; the catalog: application/json)";
            case HttpStatus.UNSUPPORTED_MEDIA_TYPE:
                return "This resource does not read that Content-Type (an upload is an Arrow IPC stream:"
                        + " application/vnd.apache.arrow.stream, or multipart/mixed with it)";
            default:
                return reason;
        }
    }
}

package io.arrowhttp.protocol;

import io.arrowhttp.protocol.internal.Json;
import com.fasterxml.jackson.annotation.JsonInclude;


import jakarta.ws.rs.core.Response;

/**
 * An RFC 9457 problem details body, with the arrowhttp error code and, for server faults, the id
 * under which the fault was logged.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, String code, String errorId) {

    public static Problem of(int status, ErrorCode code, String detail) {
        return new Problem("about:blank", reasonPhrase(status), status, detail, code.name(), null);
    }

    public Problem withErrorId(String id) {
        return new Problem(type, title, status, detail, code, id);
    }

    public Response toResponse() {
        return Response.status(status)
                .type(ArrowMediaTypes.PROBLEM_JSON_TYPE)
                .entity(Json.toBytes(this))
                .build();
    }

    /** The error code a bare HTTP status stands for, when no {@link ErrorCode} was given. */
    public static ErrorCode codeFor(int status) {
        switch (status) {
            case 400: case 405: case 406: case 411: case 413: case 414: case 415: case 422:
                return ErrorCode.INVALID_ARGUMENT;
            case 401: return ErrorCode.UNAUTHENTICATED;
            case 403: return ErrorCode.UNAUTHORIZED;
            case 404: return ErrorCode.NOT_FOUND;
            case 409: return ErrorCode.ALREADY_EXISTS;
            case 429: return ErrorCode.RESOURCE_EXHAUSTED;
            case 501: return ErrorCode.UNIMPLEMENTED;
            case 503: return ErrorCode.UNAVAILABLE;
            case 504: case 408: return ErrorCode.TIMED_OUT;
            default: return status >= 500 ? ErrorCode.INTERNAL : ErrorCode.INVALID_ARGUMENT;
        }
    }

    private static String reasonPhrase(int status) {
        Response.Status known = Response.Status.fromStatusCode(status);
        if (known != null) {
            return known.getReasonPhrase();
        }
        return status == 499 ? "Client Closed Request" : "HTTP " + status;
    }
}

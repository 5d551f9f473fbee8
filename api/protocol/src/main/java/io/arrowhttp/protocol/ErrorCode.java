package io.arrowhttp.protocol;

import jakarta.ws.rs.core.Response;
import java.util.Optional;

/**
 * Why a call failed, with the status codes of Arrow Flight and the HTTP status each one is
 * answered with. The code name travels to the client in the {@code code} member of the
 * {@code application/problem+json} body, so clients can branch on it without parsing messages.
 */
public enum ErrorCode {
    /** The client asked for something malformed or out of range: fix the request. */
    INVALID_ARGUMENT(400),
    /** The dataset or resource does not exist. */
    NOT_FOUND(404),
    /** The resource to create exists already. */
    ALREADY_EXISTS(409),
    /** No credentials, or credentials that could not be verified. */
    UNAUTHENTICATED(401),
    /** The caller is known but may not do this. */
    UNAUTHORIZED(403),
    /** The server does not offer this operation. */
    UNIMPLEMENTED(501),
    /** The server cannot serve now; the same call may succeed later. */
    UNAVAILABLE(503),
    /** A deadline passed before the call completed. */
    TIMED_OUT(504),
    /** The call was cancelled, usually because the client went away. Answered as nginx does. */
    CANCELLED(499),
    /** The request is larger than the server takes: send fewer rows or bytes, or smaller batches. */
    TOO_LARGE(413),
    /** A limit was reached: memory, concurrent streams, rate. */
    RESOURCE_EXHAUSTED(429),
    /** A bug or broken invariant in the server. */
    INTERNAL(500),
    /** An error that carried no code. */
    UNKNOWN(500);

    private final int httpStatus;

    ErrorCode(int httpStatus) {
        this.httpStatus = httpStatus;
    }

    /** The HTTP status a response failing with this code carries. */
    public int httpStatus() {
        return httpStatus;
    }

    /** The code named {@code name}, if it is one. */
    public static Optional<ErrorCode> parse(String name) {
        if (name == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(valueOf(name));
        } catch (IllegalArgumentException unknown) {
            return Optional.empty();
        }
    }

    /**
     * The code an HTTP error status stands for when a response names none (a proxy's, or a
     * container's own error page): the one mapping, used by servers and clients alike.
     */
    public static ErrorCode forStatus(int status) {
        switch (status) {
            case 401:
                return UNAUTHENTICATED;
            case 403:
                return UNAUTHORIZED;
            case 404:
                return NOT_FOUND;
            case 409:
                return ALREADY_EXISTS;
            case 413:
                return TOO_LARGE;
            case 429:
                return RESOURCE_EXHAUSTED;
            case 499:
                return CANCELLED;
            case 501:
            case 505:
                return UNIMPLEMENTED;
            case 502:
            case 503:
                return UNAVAILABLE;
            case 408:
            case 504:
                return TIMED_OUT;
            default:
                return status >= 500 ? INTERNAL : INVALID_ARGUMENT;
        }
    }

    /** The reason phrase of an HTTP status, for the {@code title} of a {@link Problem}. */
    static String reasonPhrase(int status) {
        if (status == 499) {
            return "Client Closed Request";
        }
        Response.Status known = Response.Status.fromStatusCode(status);
        return known != null ? known.getReasonPhrase() : "HTTP " + status;
    }
}

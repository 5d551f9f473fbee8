package io.arrowhttp.protocol;

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
}

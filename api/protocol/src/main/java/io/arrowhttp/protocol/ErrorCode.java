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
    INVALID_ARGUMENT(HttpStatus.BAD_REQUEST, Fault.CLIENT),
    /** The dataset or resource does not exist. */
    NOT_FOUND(HttpStatus.NOT_FOUND, Fault.CLIENT),
    /** The resource to create exists already. */
    ALREADY_EXISTS(HttpStatus.CONFLICT, Fault.CLIENT),
    /** No credentials, or credentials that could not be verified. */
    UNAUTHENTICATED(HttpStatus.UNAUTHORIZED, Fault.CLIENT),
    /** The caller is known but may not do this. */
    UNAUTHORIZED(HttpStatus.FORBIDDEN, Fault.CLIENT),
    /** The server does not offer this operation. */
    UNIMPLEMENTED(HttpStatus.NOT_IMPLEMENTED, Fault.CLIENT),
    /** The server cannot serve now; the same call may succeed later. */
    UNAVAILABLE(HttpStatus.SERVICE_UNAVAILABLE, Fault.OUTAGE),
    /** A deadline passed before the call completed. */
    TIMED_OUT(HttpStatus.GATEWAY_TIMEOUT, Fault.LIMIT),
    /** The call was cancelled, usually because the client went away. Answered as nginx does. */
    CANCELLED(HttpStatus.CLIENT_CLOSED_REQUEST, Fault.CLIENT),
    /** The request is larger than the server takes: send fewer rows or bytes, or smaller batches. */
    TOO_LARGE(HttpStatus.CONTENT_TOO_LARGE, Fault.CLIENT),
    /**
     * A limit was reached: memory, concurrent streams, rate, a quota. Answered {@code 429}, or
     * {@code 507 Insufficient Storage} when an upload finds no room left in the server's storage.
     */
    RESOURCE_EXHAUSTED(HttpStatus.TOO_MANY_REQUESTS, Fault.LIMIT),
    /** A bug or broken invariant in the server. */
    INTERNAL(HttpStatus.INTERNAL_SERVER_ERROR, Fault.BUG),
    /** An error that carried no code. */
    UNKNOWN(HttpStatus.INTERNAL_SERVER_ERROR, Fault.BUG);

    /**
     * Whose failure a code reports: the one policy for what a server logs, how loudly, and
     * whether the client gets an error id to quote.
     */
    public enum Fault {
        /** The request: fix it and send it again. Logged at debug level, no error id. */
        CLIENT,
        /** A limit the call ran into (its deadline, the server's capacity): retry later or ask for less. Logged in one line at info level, no error id. */
        LIMIT,
        /** Something the server depends on is down, an expected outage: logged in one line with an error id, no stack trace. */
        OUTAGE,
        /** A bug or broken invariant in the server: logged with its stack trace and an error id. */
        BUG
    }

    private final int httpStatus;
    private final Fault fault;

    ErrorCode(int httpStatus, Fault fault) {
        this.httpStatus = httpStatus;
        this.fault = fault;
    }

    /** Whose failure this code reports. */
    public Fault fault() {
        return fault;
    }

    /**
     * Whether the server's side failed (a bug, or a source it depends on): such an error is logged
     * under an error id, which the problem body carries for the client to quote.
     */
    public boolean serverFault() {
        return fault == Fault.OUTAGE || fault == Fault.BUG;
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
            case HttpStatus.UNAUTHORIZED:
                return UNAUTHENTICATED;
            case HttpStatus.FORBIDDEN:
                return UNAUTHORIZED;
            case HttpStatus.NOT_FOUND:
                return NOT_FOUND;
            case HttpStatus.CONFLICT:
                return ALREADY_EXISTS;
            case HttpStatus.CONTENT_TOO_LARGE:
                return TOO_LARGE;
            case HttpStatus.TOO_MANY_REQUESTS:
            case HttpStatus.INSUFFICIENT_STORAGE:
                return RESOURCE_EXHAUSTED;
            case HttpStatus.CLIENT_CLOSED_REQUEST:
                return CANCELLED;
            case HttpStatus.NOT_IMPLEMENTED:
            case HttpStatus.HTTP_VERSION_NOT_SUPPORTED:
                return UNIMPLEMENTED;
            case HttpStatus.BAD_GATEWAY:
            case HttpStatus.SERVICE_UNAVAILABLE:
                return UNAVAILABLE;
            case HttpStatus.REQUEST_TIMEOUT:
            case HttpStatus.GATEWAY_TIMEOUT:
                return TIMED_OUT;
            default:
                return status >= HttpStatus.INTERNAL_SERVER_ERROR ? INTERNAL : INVALID_ARGUMENT;
        }
    }

    /** The reason phrase of an HTTP status, for the {@code title} of a {@link Problem}. */
    static String reasonPhrase(int status) {
        if (status == HttpStatus.CLIENT_CLOSED_REQUEST) {
            return "Client Closed Request";
        }
        if (status == HttpStatus.INSUFFICIENT_STORAGE) {
            return "Insufficient Storage";
        }
        Response.Status known = Response.Status.fromStatusCode(status);
        return known != null ? known.getReasonPhrase() : "HTTP " + status;
    }
}

package io.arrowhttp.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The body of every error response: RFC 9457 problem details ({@code application/problem+json})
 * with the arrowhttp {@link ErrorCode} name in {@code code} and, for server faults, the
 * {@code errorId} under which the server logged the details.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, String code, String errorId) {

    /** A problem answered with the code's own status. */
    public static Problem of(ErrorCode code, String detail) {
        return of(code.httpStatus(), code, detail);
    }

    /** A problem answered with {@code status}, which may differ from the code's (405 is {@code INVALID_ARGUMENT}). */
    public static Problem of(int status, ErrorCode code, String detail) {
        return new Problem("about:blank", ErrorCode.reasonPhrase(status), status, detail, code.name(), null);
    }

    public Problem withErrorId(String id) {
        return new Problem(type, title, status, detail, code, id);
    }

    /** The code this problem names, or the one its status stands for when the code is missing or unknown. */
    public ErrorCode errorCode() {
        return ErrorCode.parse(code).orElseGet(() -> ErrorCode.forStatus(status));
    }
}

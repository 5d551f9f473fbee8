package io.arrowhttp.internal.provider;

import io.arrowhttp.protocol.ArrowMediaTypes;
import io.arrowhttp.protocol.ErrorCode;
import io.arrowhttp.protocol.Problem;
import io.arrowhttp.protocol.ProtocolJson;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

/** Error responses: a {@link Problem} as an {@code application/problem+json} body with its status. */
public final class ProblemResponses {

    private ProblemResponses() {}

    public static Response of(Problem problem) {
        return Response.status(problem.status())
                .type(ArrowMediaTypes.PROBLEM_JSON_TYPE)
                .entity(ProtocolJson.toBytes(problem))
                .build();
    }

    public static Response of(ErrorCode code, String detail) {
        return of(Problem.of(code, detail));
    }

    /** A problem answered with {@code status}, for statuses that share a code (406 is {@code INVALID_ARGUMENT}). */
    public static Response of(int status, ErrorCode code, String detail) {
        return of(Problem.of(status, code, detail));
    }

    /** A {@code 401} that tells the client which credentials to bring. */
    public static Response unauthenticated(String detail, String challenge) {
        return Response.fromResponse(of(ErrorCode.UNAUTHENTICATED, detail))
                .header(HttpHeaders.WWW_AUTHENTICATE, challenge)
                .build();
    }
}

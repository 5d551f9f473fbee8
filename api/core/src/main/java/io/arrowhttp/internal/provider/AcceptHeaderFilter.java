package io.arrowhttp.internal.provider;

import io.arrowhttp.protocol.ClientText;
import io.arrowhttp.protocol.ErrorCode;
import io.arrowhttp.protocol.HttpStatus;
import io.arrowhttp.protocol.internal.HeaderSyntax;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.HttpHeaders;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads {@code Accept} as RFC 9110 says before content negotiation sees it: a media range with
 * {@code q=0} is one the client refuses, so it is dropped (Jersey would otherwise answer it), and a
 * quality that is not a number from 0 to 1 with at most three decimals is a malformed header,
 * answered {@code 400}. A header whose every range is refused is answered {@code 406}.
 */
@PreMatching
@Priority(Priorities.HEADER_DECORATOR)
public final class AcceptHeaderFilter implements ContainerRequestFilter {

    @Override
    public void filter(ContainerRequestContext request) {
        List<String> values = request.getHeaders().get(HttpHeaders.ACCEPT);
        if (values == null || values.isEmpty()) {
            return;
        }
        List<String> accepted = new ArrayList<>();
        boolean any = false;
        for (String value : values) {
            for (String range : HeaderSyntax.splitOutsideQuotes(value, ',')) {
                if (range.isBlank()) {
                    continue;
                }
                any = true;
                String quality = HeaderSyntax.element(range).parameter("q").orElse(null);
                if (quality != null && !HeaderSyntax.isQuality(quality)) {
                    request.abortWith(ProblemResponses.of(
                            ErrorCode.INVALID_ARGUMENT,
                            "The Accept header is malformed: a quality (q) is a number from 0 to 1 with at most"
                                    + " three decimals; got " + ClientText.quote(quality)));
                    return;
                }
                if (quality == null || Double.parseDouble(quality) > 0) {
                    accepted.add(range.trim());
                }
            }
        }
        if (any && accepted.isEmpty()) {
            request.abortWith(ProblemResponses.of(
                    HttpStatus.NOT_ACCEPTABLE,
                    ErrorCode.INVALID_ARGUMENT,
                    "Every media type in the Accept header is refused (q=0); this server answers"
                            + " multipart/mixed and application/vnd.apache.arrow.stream"));
            return;
        }
        request.getHeaders().putSingle(HttpHeaders.ACCEPT, String.join(", ", accepted));
    }
}

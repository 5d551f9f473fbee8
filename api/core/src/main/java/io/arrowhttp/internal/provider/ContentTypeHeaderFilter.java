package io.arrowhttp.internal.provider;

import io.arrowhttp.protocol.ClientText;
import io.arrowhttp.protocol.ErrorCode;
import io.arrowhttp.protocol.internal.HeaderSyntax;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;

/**
 * Reads {@code Content-Type} before anything else does: a value Jersey cannot parse (a bad
 * quality, a missing subtype) made Jersey fail while matching the resource and again while writing
 * its error, answered {@code 500} with the container's own page and two stack traces. Here it is a
 * {@code 400} problem that says why, on every request, whatever its method.
 */
@PreMatching
@Priority(Priorities.HEADER_DECORATOR)
public final class ContentTypeHeaderFilter implements ContainerRequestFilter {

    private static final int SHOWN = 128;

    /**
     * A media type Jersey parses, with no {@code q} parameter it would read as a malformed quality
     * while matching (a media type has no quality, but Jersey's router reads one if present).
     */
    private static boolean wellFormed(String value) {
        try {
            MediaType.valueOf(value);
        } catch (IllegalArgumentException malformed) {
            return false;
        }
        HeaderSyntax.Element type = HeaderSyntax.element(value);
        return type.value().indexOf('/') > 0
                && type.parameter("q").map(HeaderSyntax::isQuality).orElse(true);
    }

    @Override
    public void filter(ContainerRequestContext request) {
        String value = request.getHeaderString(HttpHeaders.CONTENT_TYPE);
        if (value == null) {
            return;
        }
        if (!wellFormed(value)) {
            // The header goes: the response to the refusal must not parse it again.
            request.getHeaders().remove(HttpHeaders.CONTENT_TYPE);
            request.abortWith(ProblemResponses.of(
                    ErrorCode.INVALID_ARGUMENT,
                    "The Content-Type header is not a media type (type/subtype; name=value): got "
                            + ClientText.quote(value, SHOWN)));
        }
    }
}

package io.arrowhttp.internal.provider;

import io.arrowhttp.call.ErrorIds;
import io.arrowhttp.protocol.ArrowHttpException;
import io.arrowhttp.protocol.ClientText;
import io.arrowhttp.protocol.ErrorCode;
import io.arrowhttp.protocol.Problem;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Answers an {@link ArrowHttpException} with its status (its code's, unless it names another) and a problem body. */
public final class ArrowHttpExceptionMapper implements ExceptionMapper<ArrowHttpException> {

    private static final Logger LOG = LoggerFactory.getLogger(ArrowHttpExceptionMapper.class);
    // Messages may quote what the client sent; datasets written by others may not escape it.
    private static final int MESSAGE_LIMIT = 512;

    @Override
    public Response toResponse(ArrowHttpException exception) {
        ErrorCode code = exception.code();
        Problem problem = Problem.of(exception.httpStatus(), code, exception.getMessage());
        if (exception.retryAfter().isPresent()) {
            LOG.info("Request refused with {}: {}", code, ClientText.escape(exception.getMessage(), MESSAGE_LIMIT));
            return Response.fromResponse(ProblemResponses.of(problem))
                    .header(
                            HttpHeaders.RETRY_AFTER,
                            Math.max(1, exception.retryAfter().get().toSeconds()))
                    .build();
        }
        String message = ClientText.escape(exception.getMessage(), MESSAGE_LIMIT);
        switch (code.fault()) {
            case CLIENT -> LOG.debug("Request refused with {}: {}", code, message);
            case LIMIT -> LOG.info("Request ended with {}: {}", code, message);
            case OUTAGE -> {
                // One id per error: the one the thrower logged the details under, if it did.
                String id = exception.errorId().orElseGet(ErrorIds::next);
                if (exception.errorId().isPresent()) {
                    LOG.debug("Request failed with {}, error id {}: {}", code, id, message);
                } else {
                    LOG.warn("Request failed with {}, error id {}: {}", code, id, message);
                }
                problem = problem.withErrorId(id);
            }
            default -> { // BUG
                String id = exception.errorId().orElseGet(ErrorIds::next);
                LOG.error("Request failed with {}, error id {}", code, id, exception);
                problem = problem.withErrorId(id);
            }
        }
        return ProblemResponses.of(problem);
    }
}

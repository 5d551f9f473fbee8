package io.arrowhttp.internal.provider;

import io.arrowhttp.protocol.ArrowHttpException;
import io.arrowhttp.protocol.ErrorCode;
import io.arrowhttp.protocol.Problem;
import io.arrowhttp.server.ErrorIds;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Answers an {@link ArrowHttpException} with its code's status and a problem body. */
public final class ArrowHttpExceptionMapper implements ExceptionMapper<ArrowHttpException> {

    private static final Logger LOG = LoggerFactory.getLogger(ArrowHttpExceptionMapper.class);

    @Override
    public Response toResponse(ArrowHttpException exception) {
        ErrorCode code = exception.code();
        Problem problem = Problem.of(code, exception.getMessage());
        if (code.httpStatus() >= 500) {
            String id = ErrorIds.next();
            LOG.error("Request failed with {}, error id {}", code, id, exception);
            problem = problem.withErrorId(id);
        } else {
            LOG.debug("Request refused with {}: {}", code, exception.getMessage());
        }
        return ProblemResponses.of(problem);
    }
}

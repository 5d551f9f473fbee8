package io.arrowhttp.internal.provider;

import io.arrowhttp.call.ErrorIds;
import io.arrowhttp.protocol.ErrorCode;
import io.arrowhttp.protocol.Problem;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last resort: a fault the code did not expect is logged with its stack trace under a new id,
 * and the client gets a 500 problem body with that id and nothing of the internals.
 */
public final class UnexpectedExceptionMapper implements ExceptionMapper<Throwable> {

    private static final Logger LOG = LoggerFactory.getLogger(UnexpectedExceptionMapper.class);

    @Override
    public Response toResponse(Throwable exception) {
        String id = ErrorIds.next();
        LOG.error("Unexpected failure, error id {}", id, exception);
        return ProblemResponses.of(Problem.of(
                        ErrorCode.INTERNAL,
                        "The server failed to answer this request; quote error id " + id + " to its operators")
                .withErrorId(id));
    }
}

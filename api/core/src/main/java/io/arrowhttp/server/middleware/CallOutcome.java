package io.arrowhttp.server.middleware;

import io.arrowhttp.protocol.HttpStatus;
import java.time.Duration;

/**
 * How a call ended.
 *
 * @param status the HTTP status sent
 * @param bytes body bytes handed to the server
 * @param rows rows of Arrow data sent, or -1 when the response carried none
 * @param duration from the start of the call to its end
 * @param error why the call failed, or null: a refusal, an exception, an aborted stream
 */
public record CallOutcome(int status, long bytes, long rows, Duration duration, Throwable error) {

    public boolean succeeded() {
        return error == null && !HttpStatus.isError(status);
    }
}

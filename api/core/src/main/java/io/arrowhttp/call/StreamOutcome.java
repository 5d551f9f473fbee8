package io.arrowhttp.call;

import io.arrowhttp.protocol.ErrorCode;

/**
 * How an Arrow stream ended.
 *
 * @param error null when every batch and the end-of-stream marker were sent; else why not:
 *     {@link ErrorCode#CANCELLED} (the client went away, or the stream was never written),
 *     {@link ErrorCode#TIMED_OUT}, or the producer's failure code ({@link ErrorCode#INTERNAL} when
 *     it gave none)
 * @param message what the client may be told, or null when OK
 * @param errorId the id under which a server-side failure was logged, or null
 * @param statistics what was sent
 */
public record StreamOutcome(ErrorCode error, String message, String errorId, StreamStatistics statistics) {

    public boolean isOk() {
        return error == null;
    }

    /** {@code "OK"} or the error code's name. */
    public String code() {
        return error == null ? "OK" : error.name();
    }
}

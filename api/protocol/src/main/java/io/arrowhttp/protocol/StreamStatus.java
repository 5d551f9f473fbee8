package io.arrowhttp.protocol;

import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * The closing status part of a multipart response asked for with
 * {@link QueryParameters#INCLUDE_STATUS}: how the Arrow part before it ended.
 *
 * @param code {@code "OK"} or an {@link ErrorCode} name
 * @param message what failed, or null when OK
 * @param errorId the id of the server's log line about the failure, or null
 * @param rows rows sent
 * @param batches record batches sent
 * @param bytes bytes of the Arrow part
 * @param seconds how long the Arrow part took
 */
public record StreamStatus(
        String code, String message, String errorId, long rows, long batches, long bytes, double seconds) {

    /** The value of {@code code} for a stream that ended normally. */
    public static final String OK = "OK";

    @JsonIgnore
    public boolean isOk() {
        return OK.equals(code);
    }
}

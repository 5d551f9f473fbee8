package io.arrowhttp.protocol;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * A failure with a code the client can act on. Throw it from a dataset or a resource before the
 * response starts and the client receives the code's HTTP status with an
 * {@code application/problem+json} body whose {@code detail} is this exception's message: write
 * the message for the client, saying what to change, and never put secrets in it.
 *
 * <p>Thrown while an Arrow stream is already being written, it aborts the response instead, since
 * the status line has gone out by then.
 */
public class ArrowHttpException extends RuntimeException {

    private final ErrorCode code;
    private final int httpStatus;
    private final Duration retryAfter;
    private String errorId;

    public ArrowHttpException(ErrorCode code, String message) {
        this(code, message, (Throwable) null);
    }

    public ArrowHttpException(ErrorCode code, String message, Throwable cause) {
        super(Objects.requireNonNull(message, "message"), cause);
        this.code = Objects.requireNonNull(code, "code");
        this.httpStatus = code.httpStatus();
        this.retryAfter = null;
    }

    /**
     * A failure answered with {@code httpStatus} instead of the code's own, for statuses that share
     * a code ({@code 507} is {@link ErrorCode#RESOURCE_EXHAUSTED}).
     *
     * @throws IllegalArgumentException when {@code httpStatus} does not stand for {@code code}
     *     ({@link ErrorCode#forStatus}), which would tell clients two different things
     */
    public ArrowHttpException(ErrorCode code, int httpStatus, String message) {
        super(Objects.requireNonNull(message, "message"));
        this.code = Objects.requireNonNull(code, "code");
        if (ErrorCode.forStatus(httpStatus) != code) {
            throw new IllegalArgumentException(
                    "HTTP status " + httpStatus + " stands for " + ErrorCode.forStatus(httpStatus) + ", not " + code);
        }
        this.httpStatus = httpStatus;
        this.retryAfter = null;
    }

    /**
     * A refusal for load, not for a fault: answered with a {@code Retry-After} header, and logged
     * by the server as a refusal, without an error id.
     */
    public ArrowHttpException(ErrorCode code, String message, Duration retryAfter) {
        super(Objects.requireNonNull(message, "message"));
        this.code = Objects.requireNonNull(code, "code");
        this.httpStatus = code.httpStatus();
        this.retryAfter = Objects.requireNonNull(retryAfter, "retryAfter");
    }

    /** The error code. */
    public ErrorCode code() {
        return code;
    }

    /**
     * A server-side failure whose details the thrower has logged under {@code errorId}: the
     * problem body's {@code errorId}, the id its {@code message} may quote and the log line are
     * then one id.
     */
    public static ArrowHttpException logged(ErrorCode code, String message, String errorId) {
        ArrowHttpException failure = new ArrowHttpException(code, message);
        failure.errorId = Objects.requireNonNull(errorId, "errorId");
        return failure;
    }

    /** The id the details were logged under by whoever threw this, if they were. */
    public Optional<String> errorId() {
        return Optional.ofNullable(errorId);
    }

    /** The response status: the code's {@link ErrorCode#httpStatus()} unless given otherwise. */
    public int httpStatus() {
        return httpStatus;
    }

    /** When the same call may succeed, for a refusal under load ({@code Retry-After}). */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    public static ArrowHttpException invalidArgument(String message) {
        return new ArrowHttpException(ErrorCode.INVALID_ARGUMENT, message);
    }

    public static ArrowHttpException notFound(String message) {
        return new ArrowHttpException(ErrorCode.NOT_FOUND, message);
    }

    public static ArrowHttpException unavailable(String message) {
        return new ArrowHttpException(ErrorCode.UNAVAILABLE, message);
    }

    /**
     * {@code 507 Insufficient Storage} ({@link ErrorCode#RESOURCE_EXHAUSTED}): an upload the
     * server has no room to store, its disk or its quota full. The message says what to free.
     */
    public static ArrowHttpException insufficientStorage(String message) {
        return new ArrowHttpException(ErrorCode.RESOURCE_EXHAUSTED, HttpStatus.INSUFFICIENT_STORAGE, message);
    }
}

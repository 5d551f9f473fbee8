package io.arrowhttp.standalone;

import java.io.EOFException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.logging.Filter;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.slf4j.LoggerFactory;

/**
 * Jersey logs a response it could not finish writing as an error with its stack trace ("Error while
 * closing the output stream in order to commit response"), also when the reason is only that the
 * client has gone: it closed or reset its connection, or half-closed it mid-body, which Grizzly
 * answers by closing the connection. Such a request already has its line in the access log, with
 * its status and request id; this turns Jersey's record of it into one {@code DEBUG} line without a
 * stack trace. Records whose failure is anything else (a real bug) pass as Jersey logs them.
 *
 * <p>A {@link java.util.logging} filter on Jersey's loggers, so it works whatever Logback
 * configuration the operator chose. The loggers are held here: {@code java.util.logging} keeps
 * only weak references, and a logger collected would lose its filter.
 */
final class ClientGoneLog implements Filter {

    /** Jersey's loggers that write a response, with the exception of a failed write. */
    static final List<String> JERSEY_LOGGERS = List.of(
            "org.glassfish.jersey.server.ServerRuntime$Responder",
            "org.glassfish.jersey.server.ServerRuntime",
            "org.glassfish.jersey.message.internal.CommittingOutputStream");

    /** What Grizzly and the JDK say of a write to, or read from, a connection the client has left. */
    private static final List<String> GONE_MESSAGES =
            List.of("connection is closed", "broken pipe", "connection reset", "connection closed");

    private static final List<Logger> FILTERED = new ArrayList<>();

    private final Filter previous;

    private ClientGoneLog(Filter previous) {
        this.previous = previous;
    }

    /** Puts the filter on Jersey's loggers; again is harmless. */
    static synchronized void install() {
        if (!FILTERED.isEmpty()) {
            return;
        }
        for (String name : JERSEY_LOGGERS) {
            Logger logger = Logger.getLogger(name);
            logger.setFilter(new ClientGoneLog(logger.getFilter()));
            FILTERED.add(logger);
        }
    }

    @Override
    public boolean isLoggable(LogRecord record) {
        if (clientGone(record.getThrown())) {
            LoggerFactory.getLogger(ClientGoneLog.class)
                    .debug("The client went away before its response was written: {}", rootCause(record.getThrown()));
            return false;
        }
        return previous == null || previous.isLoggable(record);
    }

    /** Whether {@code failure} is an I/O failure of a connection the client closed or reset. */
    static boolean clientGone(Throwable failure) {
        int depth = 0;
        for (Throwable cause = failure; cause != null && depth < 16; cause = cause.getCause(), depth++) {
            if (cause instanceof EOFException) {
                return true;
            }
            if (cause instanceof IOException) {
                String message =
                        cause.getMessage() == null ? "" : cause.getMessage().toLowerCase(Locale.ROOT);
                if (GONE_MESSAGES.stream().anyMatch(message::contains)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static String rootCause(Throwable failure) {
        Throwable cause = failure;
        for (int depth = 0; cause.getCause() != null && depth < 16; depth++) {
            cause = cause.getCause();
        }
        return failure == cause ? failure.toString() : failure + " (" + cause + ")";
    }
}

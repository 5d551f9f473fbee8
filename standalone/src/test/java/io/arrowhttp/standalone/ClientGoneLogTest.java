package io.arrowhttp.standalone;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.logging.Filter;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * Jersey's record of a response it could not commit is dropped (for one DEBUG line) only when the
 * client had gone; any other failure, an I/O one included, is still logged as Jersey logs it.
 */
class ClientGoneLogTest {

    private static final Logger RESPONDER = Logger.getLogger(ClientGoneLog.JERSEY_LOGGERS.get(0));

    @Test
    void aResponseToAClientThatWentAwayIsNotLoggedAsAnError() {
        ClientGoneLog.install();
        Filter filter = RESPONDER.getFilter();
        assertFalse(filter.isLoggable(
                record(new UncheckedIOException(new IOException("Connection is closed", new EOFException())))));
        assertFalse(filter.isLoggable(record(new IOException("Broken pipe"))));
        assertFalse(filter.isLoggable(record(new IOException("Connection reset by peer"))));
    }

    @Test
    void anyOtherFailureIsStillLogged() {
        ClientGoneLog.install();
        Filter filter = RESPONDER.getFilter();
        assertTrue(filter.isLoggable(record(new IllegalStateException("a bug"))));
        assertTrue(filter.isLoggable(record(new UncheckedIOException(new IOException("No space left on device")))));
        assertTrue(filter.isLoggable(record(null)));
    }

    private static LogRecord record(Throwable thrown) {
        LogRecord record =
                new LogRecord(Level.SEVERE, "Error while closing the output stream in order to commit response.");
        record.setLoggerName(RESPONDER.getName());
        record.setThrown(thrown);
        return record;
    }
}

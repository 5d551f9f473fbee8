package io.arrowhttp.standalone;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/** What a logger and those below it log through Logback, the server's backend, while attached. */
final class LogLines implements AutoCloseable {

    private final Logger logger;
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    private LogLines(Logger logger) {
        this.logger = logger;
    }

    static LogLines of(String loggerName) {
        LogLines lines = new LogLines((Logger) LoggerFactory.getLogger(loggerName));
        lines.appender.start();
        lines.logger.addAppender(lines.appender);
        return lines;
    }

    /** The events so far, with their MDC. */
    List<ILoggingEvent> events() {
        return List.copyOf(appender.list);
    }

    /** The messages so far, formatted. */
    List<String> messages() {
        return events().stream().map(ILoggingEvent::getFormattedMessage).toList();
    }

    @Override
    public void close() {
        logger.detachAppender(appender);
        appender.stop();
    }
}

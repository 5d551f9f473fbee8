package io.arrowhttp.standalone;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * Chooses the log's configuration from the command line before anything logs, since Logback reads
 * its configuration once, when the first logger is made: {@code --log-config FILE} (a logback.xml),
 * else {@code --log-format json}, else {@code -Dlogback.configurationFile}, else the jar's
 * {@code logback.xml}. Then hands what Jersey and Grizzly log through java.util.logging to SLF4J,
 * a client that went away in one line rather than a stack trace ({@link ClientGoneLog}).
 */
final class LogSetup {

    static final String CONFIG_OPTION = "--log-config";
    static final String FORMAT_OPTION = "--log-format";
    static final String JSON_CONFIGURATION = "io/arrowhttp/standalone/logback-json.xml";
    private static final String LOGBACK_PROPERTY = "logback.configurationFile";

    private LogSetup() {}

    /** Sets up logging for {@code args}; a message saying what is wrong with them, if anything. */
    static Optional<String> configure(String[] args) {
        String file = value(args, CONFIG_OPTION);
        String format = value(args, FORMAT_OPTION);
        if (format != null && !format.equals("text") && !format.equals("json")) {
            return Optional.of(FORMAT_OPTION + " takes text or json, not '" + format + "'");
        }
        if (file != null) {
            if (!Files.isReadable(Path.of(file))) {
                return Optional.of(CONFIG_OPTION + " " + file + ": no readable file there");
            }
            System.setProperty(LOGBACK_PROPERTY, Path.of(file).toAbsolutePath().toString());
        } else if ("json".equals(format)) {
            System.setProperty(LOGBACK_PROPERTY, JSON_CONFIGURATION);
        }
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
        ClientGoneLog.install();
        return Optional.empty();
    }

    /** The value of {@code --option VALUE} or {@code --option=VALUE}, or null. */
    private static String value(String[] args, String option) {
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals(option) && i + 1 < args.length) {
                return args[i + 1];
            }
            if (args[i].startsWith(option + "=")) {
                return args[i].substring(option.length() + 1);
            }
        }
        return null;
    }
}

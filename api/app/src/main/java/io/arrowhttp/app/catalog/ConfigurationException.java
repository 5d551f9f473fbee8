package io.arrowhttp.app.catalog;

import java.nio.file.Path;

/**
 * A configuration the application cannot start with. Its message names the file and the line
 * where known, what is wrong and what to do, in one line for the operator: for example
 * {@code catalog.yaml:7: dataset 'trades': no file matches /data/trades/*.parquet; fix the path}.
 */
public final class ConfigurationException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    ConfigurationException(Path file, int line, String problem) {
        super(file + (line > 0 ? ":" + line : "") + ": " + problem);
    }

    ConfigurationException(Path file, int line, String problem, Throwable cause) {
        super(file + (line > 0 ? ":" + line : "") + ": " + problem, cause);
    }
}

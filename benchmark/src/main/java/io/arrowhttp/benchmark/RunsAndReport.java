package io.arrowhttp.benchmark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The options the measuring commands share, as a picocli mixin: how many runs, which server jar,
 * and where the Markdown table goes.
 */
final class RunsAndReport {

    @Option(names = "--runs", defaultValue = "5", description = "Measured runs per case (default ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--warmup", defaultValue = "1", description = "Unmeasured runs per case first.")
    int warmup;

    @Option(names = "--server-jar", defaultValue = "standalone/target/arrowhttp-server.jar")
    Path serverJar;

    @Option(names = "--output", description = "Also writes the results as Markdown to this file.")
    Path output;

    /** Writes {@code table} to {@code --output}, when given. */
    void write(CharSequence table) throws IOException {
        if (output != null) {
            Files.writeString(output, table);
        }
    }
}

package io.arrowhttp.internal.encoding;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Runs a step of a stream's source, reporting its I/O failures as unchecked: an
 * {@link IOException} out of a stream's writing then always means the client side, usually a
 * client that went away.
 */
final class ReaderSteps {

    private ReaderSteps() {}

    static <T> T read(Step<T> step) {
        try {
            return step.run();
        } catch (IOException e) {
            throw new UncheckedIOException("Reading the next record batch failed", e);
        }
    }

    @FunctionalInterface
    interface Step<T> {
        T run() throws IOException;
    }
}

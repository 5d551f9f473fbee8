package io.arrowhttp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The public API stays apart from the internals: no public package imports an internal one, but
 * the feature that registers the providers. Jersey 3.1 publishes no module names, so this test,
 * not a module descriptor, is what holds the line in this module.
 */
class PublicApiBoundaryTest {

    private static final Path SOURCES = Path.of("src/main/java/io/arrowhttp");

    @Test
    void noPublicTypeImportsAnInternalOneButTheFeature() throws IOException {
        assertTrue(Files.isDirectory(SOURCES), "run from the module's folder, as Maven does");
        List<String> offenders;
        try (Stream<Path> files = Files.walk(SOURCES)) {
            offenders = files.filter(file -> file.toString().endsWith(".java"))
                    .filter(file -> !SOURCES.relativize(file).startsWith("internal"))
                    .filter(file -> !file.getFileName().toString().equals("ArrowHttpFeature.java"))
                    .filter(PublicApiBoundaryTest::importsInternals)
                    .map(file -> SOURCES.relativize(file).toString())
                    .toList();
        }
        assertEquals(List.of(), offenders);
    }

    private static boolean importsInternals(Path file) {
        try {
            return Files.readAllLines(file).stream().anyMatch(line -> line.startsWith("import io.arrowhttp.internal."));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}

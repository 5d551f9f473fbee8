package io.arrowhttp.server;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The README's embedding snippets are the ones the consumer project in {@code src/it/embedding}
 * compiles and runs against the installed artifacts, so they cannot drift apart.
 */
class ReadmeEmbeddingSnippetTest {

    private static final Path README = Path.of("../../README.md");
    private static final Path CONSUMER = Path.of("src/it/embedding");

    @Test
    void theConsumerProjectUsesTheReadmesDependenciesAsWritten() throws IOException {
        String block = firstBlock("xml").replace("0.1.0-SNAPSHOT", "@project.version@");
        // The consumer adds its test framework after the README's dependencies, before the closing tag.
        String dependencies = block.substring(0, block.lastIndexOf("</dependencies>"));
        assertTrue(
                normalized(Files.readString(CONSUMER.resolve("pom.xml"))).contains(normalized(dependencies)),
                "src/it/embedding/pom.xml must contain the README's dependency block");
    }

    @Test
    void theConsumerProjectCompilesTheReadmesRegistrationAsWritten() throws IOException {
        String registration = firstBlock("java");
        String fromApp = registration.substring(registration.indexOf("ResourceConfig app"));
        String source = Files.readString(CONSUMER.resolve("src/main/java/example/EmbeddedServer.java"));
        assertTrue(
                normalized(source).contains(normalized(fromApp)),
                "EmbeddedServer.java must contain the README's registration snippet");
    }

    /** The first fenced block of that language after the "Using the library" heading. */
    private static String firstBlock(String language) throws IOException {
        String readme = Files.readString(README);
        int section = readme.indexOf("## Using the library");
        assertTrue(section >= 0, "README.md has a 'Using the library' section");
        int start = readme.indexOf("```" + language + "\n", section);
        int end = readme.indexOf("```", start + 4 + language.length());
        return readme.substring(start + 4 + language.length(), end);
    }

    private static String normalized(String text) {
        return text.replaceAll("\\s+", " ").trim();
    }
}

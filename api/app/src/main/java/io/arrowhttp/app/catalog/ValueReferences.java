package io.arrowhttp.app.catalog;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Replaces references in configuration values: {@code ${env:NAME}} with the environment variable
 * {@code NAME}, {@code ${file:PATH}} with the content of a file (a mounted secret; relative paths
 * from the catalog's folder; a final line end dropped). Each value it put in is kept, so that
 * messages and logs can show the reference instead of the value: a password must never reach a
 * log line.
 */
final class ValueReferences {

    private static final Pattern REFERENCE = Pattern.compile("\\$\\{(env|file):([^}]+)}");
    private static final Pattern VARIABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private final Map<String, String> environment;
    private final Path folder;
    private final List<String[]> substituted = new ArrayList<>();

    ValueReferences(Map<String, String> environment, Path folder) {
        this.environment = environment;
        this.folder = folder;
    }

    /**
     * {@code value} with every reference replaced.
     *
     * @throws IllegalArgumentException naming the variable that is not set or the file that cannot
     *     be read
     */
    String resolve(String value) {
        Matcher matcher = REFERENCE.matcher(value);
        StringBuilder resolved = new StringBuilder();
        while (matcher.find()) {
            String replacement = matcher.group(1).equals("env") ? variable(matcher.group(2)) : file(matcher.group(2));
            if (!replacement.isEmpty()) {
                substituted.add(new String[] {replacement, matcher.group()});
            }
            matcher.appendReplacement(resolved, Matcher.quoteReplacement(replacement));
        }
        matcher.appendTail(resolved);
        return resolved.toString();
    }

    private String variable(String name) {
        if (!VARIABLE.matcher(name).matches()) {
            throw new IllegalArgumentException("'" + name + "' is not an environment variable's name");
        }
        String value = environment.get(name);
        if (value == null) {
            throw new IllegalArgumentException(
                    "the environment variable " + name + " is not set; set it or write the value here");
        }
        return value;
    }

    private String file(String path) {
        Path file = folder.resolve(path.trim());
        try {
            String content = Files.readString(file, StandardCharsets.UTF_8);
            return content.endsWith("\r\n")
                    ? content.substring(0, content.length() - 2)
                    : content.endsWith("\n") ? content.substring(0, content.length() - 1) : content;
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "the secret file " + file + " cannot be read; create it or fix the path");
        }
    }

    /** {@code text} with every value taken from a reference shown as its reference again. */
    String redact(String text) {
        String redacted = text;
        for (String[] pair : substituted) {
            redacted = redacted.replace(pair[0], pair[1]);
        }
        return redacted;
    }
}

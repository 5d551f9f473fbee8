package io.arrowhttp.app.catalog;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Replaces {@code ${env:NAME}} in configuration values with the environment variable's value, and
 * keeps each value it put in, so that messages and logs can show the reference instead of the
 * value (a password must never reach a log line).
 */
final class EnvironmentReferences {

    private static final Pattern REFERENCE = Pattern.compile("\\$\\{env:([A-Za-z_][A-Za-z0-9_]*)}");

    private final Map<String, String> environment;
    private final List<String[]> substituted = new ArrayList<>();

    EnvironmentReferences(Map<String, String> environment) {
        this.environment = environment;
    }

    /**
     * {@code value} with every reference replaced.
     *
     * @throws IllegalArgumentException naming the variable that is not set
     */
    String resolve(String value) {
        Matcher matcher = REFERENCE.matcher(value);
        StringBuilder resolved = new StringBuilder();
        while (matcher.find()) {
            String name = matcher.group(1);
            String replacement = environment.get(name);
            if (replacement == null) {
                throw new IllegalArgumentException(
                        "the environment variable " + name + " is not set; set it or write the value here");
            }
            if (!replacement.isEmpty()) {
                substituted.add(new String[] {replacement, matcher.group()});
            }
            matcher.appendReplacement(resolved, Matcher.quoteReplacement(replacement));
        }
        matcher.appendTail(resolved);
        return resolved.toString();
    }

    /** {@code text} with every value taken from the environment shown as its reference again. */
    String redact(String text) {
        String redacted = text;
        for (String[] pair : substituted) {
            redacted = redacted.replace(pair[0], pair[1]);
        }
        return redacted;
    }
}

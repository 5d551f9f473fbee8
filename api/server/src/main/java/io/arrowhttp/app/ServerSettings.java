package io.arrowhttp.app;

import io.arrowhttp.example.TickersDataset;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;

/**
 * The application's settings. Each is looked up, first found wins, as a servlet context parameter
 * of the war ({@code <context-param>} or the container's own context configuration), a system
 * property ({@code -Darrowhttp.max-rows=...}) and an environment variable ({@code ARROWHTTP_MAX_ROWS}).
 *
 * @param maxRows the largest {@code rows} the example dataset accepts ({@code arrowhttp.max-rows})
 * @param memoryLimit the root allocator's limit in bytes: all Arrow memory of the application
 *     ({@code arrowhttp.memory-limit})
 * @param responseMemoryLimit the most Arrow memory one response may hold
 *     ({@code arrowhttp.response-memory-limit})
 * @param responseTimeoutSeconds the longest a dataset response may take
 *     ({@code arrowhttp.response-timeout-seconds})
 * @param corsOrigins origins whose browser pages may fetch, comma-separated
 *     ({@code arrowhttp.cors-origins}); none by default
 * @param auth authentication, off by default; see {@link AuthSettings}
 */
public record ServerSettings(
        long maxRows,
        long memoryLimit,
        long responseMemoryLimit,
        long responseTimeoutSeconds,
        List<String> corsOrigins,
        AuthSettings auth) {

    public static final long DEFAULT_MEMORY_LIMIT = 1L << 30;
    public static final long DEFAULT_RESPONSE_MEMORY_LIMIT = 64L << 20;
    public static final long DEFAULT_RESPONSE_TIMEOUT_SECONDS = 3600;

    public ServerSettings {
        requirePositive("arrowhttp.max-rows", maxRows);
        requirePositive("arrowhttp.memory-limit", memoryLimit);
        requirePositive("arrowhttp.response-memory-limit", responseMemoryLimit);
        requirePositive("arrowhttp.response-timeout-seconds", responseTimeoutSeconds);
        corsOrigins = List.copyOf(corsOrigins);
        auth = auth == null ? AuthSettings.OFF : auth;
    }

    public static ServerSettings defaults() {
        return new ServerSettings(
                TickersDataset.DEFAULT_MAX_ROWS,
                DEFAULT_MEMORY_LIMIT,
                DEFAULT_RESPONSE_MEMORY_LIMIT,
                DEFAULT_RESPONSE_TIMEOUT_SECONDS,
                List.of(),
                AuthSettings.OFF);
    }

    /** Settings from this JVM's system properties and environment, defaults for the rest. */
    public static ServerSettings fromSystem() {
        return from(name -> null, System.getProperties(), System.getenv());
    }

    /**
     * Settings from {@code contextParameters} first, then system properties and environment.
     *
     * @throws IllegalArgumentException naming the setting whose value is not usable
     */
    public static ServerSettings from(
            Function<String, Object> contextParameters, Properties properties, Map<String, String> environment) {
        Function<String, String> lookup = name -> {
            Object context = contextParameters.apply(name);
            if (context != null) {
                return context.toString();
            }
            String value = properties.getProperty(name);
            if (value == null) {
                value = environment.get(environmentName(name));
            }
            return value;
        };
        ServerSettings defaults = defaults();
        return new ServerSettings(
                number(lookup, "arrowhttp.max-rows", defaults.maxRows()),
                number(lookup, "arrowhttp.memory-limit", defaults.memoryLimit()),
                number(lookup, "arrowhttp.response-memory-limit", defaults.responseMemoryLimit()),
                number(lookup, "arrowhttp.response-timeout-seconds", defaults.responseTimeoutSeconds()),
                list(lookup, "arrowhttp.cors-origins"),
                new AuthSettings(
                        path(lookup, "arrowhttp.auth.users"),
                        list(lookup, "arrowhttp.auth.api-tokens"),
                        lookup.apply("arrowhttp.auth.token-key"),
                        Boolean.parseBoolean(String.valueOf(lookup.apply("arrowhttp.auth.allow-insecure-http"))
                                .trim())));
    }

    /** {@code arrowhttp.max-rows} becomes {@code ARROWHTTP_MAX_ROWS}. */
    static String environmentName(String name) {
        return name.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    public ServerSettings withMaxRows(long rows) {
        return new ServerSettings(rows, memoryLimit, responseMemoryLimit, responseTimeoutSeconds, corsOrigins, auth);
    }

    public ServerSettings withAuth(AuthSettings authSettings) {
        return new ServerSettings(
                maxRows, memoryLimit, responseMemoryLimit, responseTimeoutSeconds, corsOrigins, authSettings);
    }

    private static Path path(Function<String, String> lookup, String name) {
        String value = lookup.apply(name);
        return value == null || value.isBlank() ? null : Path.of(value.trim());
    }

    public ServerSettings withCorsOrigins(List<String> origins) {
        return new ServerSettings(maxRows, memoryLimit, responseMemoryLimit, responseTimeoutSeconds, origins, auth);
    }

    private static List<String> list(Function<String, String> lookup, String name) {
        String value = lookup.apply(name);
        if (value == null || value.isBlank()) {
            return List.of();
        }
        return Arrays.stream(value.split(","))
                .map(String::trim)
                .filter(v -> !v.isEmpty())
                .toList();
    }

    private static long number(Function<String, String> lookup, String name, long defaultValue) {
        String value = lookup.apply(name);
        if (value == null || value.isBlank()) {
            return defaultValue;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Setting " + name + " must be a whole number, got '" + value + "'");
        }
    }

    private static void requirePositive(String name, long value) {
        if (value < 1) {
            throw new IllegalArgumentException("Setting " + name + " must be at least 1, got " + value);
        }
    }
}

package io.arrowhttp.dataset;

import io.arrowhttp.protocol.ArrowHttpException;
import java.util.Objects;

/**
 * A named parameter of a query ({@code :since} in {@code WHERE placed >= :since}), given by
 * clients as the URL query parameter of the same name.
 *
 * @param name the name, as in the SQL and the URL
 * @param type how a value is parsed and bound
 * @param defaultValue the value when a request gives none, as a URL would give it; null makes the
 *     parameter required
 */
public record QueryParameter(String name, ParameterType type, String defaultValue) {

    /** Checks the name and that the default parses. */
    public QueryParameter {
        Objects.requireNonNull(type, "type");
        if (name == null || !name.matches("[A-Za-z_][A-Za-z0-9_]{0,63}")) {
            throw new IllegalArgumentException(
                    "A parameter name is a letter or '_', then letters, digits or '_'; got '" + name + "'");
        }
        if (defaultValue != null) {
            try {
                type.parse(name, defaultValue);
            } catch (ArrowHttpException e) {
                throw new IllegalArgumentException("the default of parameter '" + name + "': " + e.getMessage(), e);
            }
        }
    }

    /** Whether a request must give it. */
    public boolean required() {
        return defaultValue == null;
    }
}

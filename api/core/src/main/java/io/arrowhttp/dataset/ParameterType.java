package io.arrowhttp.dataset;

import io.arrowhttp.protocol.ArrowHttpException;
import io.arrowhttp.protocol.ClientText;
import io.arrowhttp.protocol.internal.WholeNumbers;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * The types a query parameter may be declared with. A value from a URL is parsed strictly into
 * the Java type, which a SQL source binds as a prepared-statement parameter
 * ({@code PreparedStatement.setObject}), never writing it into SQL text.
 */
public enum ParameterType {
    /** Any text. */
    STRING("text"),
    /** A whole number, {@code -9223372036854775808} to {@code 9223372036854775807}. */
    LONG("a whole number such as 42"),
    /** A finite decimal number such as {@code 2.5} or {@code -1e3}. */
    DOUBLE("a number such as 2.5"),
    /** {@code true} or {@code false}. */
    BOOLEAN("true or false"),
    /** An ISO date, {@code 2024-01-31}. */
    DATE("a date such as 2024-01-31"),
    /** An ISO date and time, with or without an offset: {@code 2024-01-31T09:30:00}, {@code ...Z}. */
    TIMESTAMP("a date and time such as 2024-01-31T09:30:00 or 2024-01-31T09:30:00Z");

    private static final Pattern DECIMAL = Pattern.compile("-?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][-+]?[0-9]{1,3})?");

    private final String expected;

    ParameterType(String expected) {
        this.expected = expected;
    }

    /**
     * The type a catalog names: {@code string}, {@code long}, {@code double}, {@code boolean},
     * {@code date} or {@code timestamp}.
     *
     * @throws IllegalArgumentException naming the types there are
     */
    public static ParameterType named(String name) {
        for (ParameterType type : values()) {
            if (type.name().equalsIgnoreCase(name.trim())) {
                return type;
            }
        }
        throw new IllegalArgumentException("unknown parameter type '" + name + "'; the types are: "
                + String.join(
                        ", ",
                        Arrays.stream(values()).map(ParameterType::yamlName).toList()));
    }

    /** The name a catalog uses. */
    public String yamlName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * {@code text}, the value of parameter {@code parameter}, as this type's Java value.
     *
     * @throws ArrowHttpException {@code INVALID_ARGUMENT} naming the parameter and the form it takes
     */
    public Object parse(String parameter, String text) {
        String value = text.trim();
        try {
            switch (this) {
                case STRING:
                    // Databases refuse a NUL in text (PostgreSQL among them), which would surface
                    // as an outage of the source; it is the request's mistake.
                    if (text.indexOf('\u0000') >= 0) {
                        throw ArrowHttpException.invalidArgument("Query parameter " + ClientText.quote(parameter)
                                + " holds a NUL character (%00), which databases do not store in text; remove it");
                    }
                    return text;
                case LONG:
                    OptionalLong whole = WholeNumbers.parse(value, Long.MIN_VALUE, Long.MAX_VALUE);
                    if (whole.isPresent()) {
                        return whole.getAsLong();
                    }
                    break;
                case DOUBLE:
                    if (DECIMAL.matcher(value).matches()) {
                        double parsed = Double.parseDouble(value);
                        if (Double.isFinite(parsed)) {
                            return parsed;
                        }
                    }
                    break;
                case BOOLEAN:
                    if (value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false")) {
                        return Boolean.parseBoolean(value);
                    }
                    break;
                case DATE:
                    return withinYears(parameter, text, LocalDate.parse(value));
                case TIMESTAMP:
                    if (value.endsWith("Z") || value.matches(".*[+-][0-9]{2}:[0-9]{2}$")) {
                        OffsetDateTime instant = OffsetDateTime.parse(value);
                        withinYears(parameter, text, instant.toLocalDate());
                        return instant;
                    }
                    LocalDateTime local = LocalDateTime.parse(value);
                    withinYears(parameter, text, local.toLocalDate());
                    return local;
                default:
                    break;
            }
        } catch (NumberFormatException | DateTimeParseException e) {
            // answered below
        }
        throw ArrowHttpException.invalidArgument("Query parameter " + ClientText.quote(parameter) + " must be "
                + expected + "; got " + ClientText.quote(text));
    }

    /**
     * {@code date} when its year is one of 1 to 9999, the years every SQL database stores: a year
     * beyond (which Java parses from a signed year such as {@code +99999}) failed in the database,
     * as an outage of the source rather than the request's mistake.
     */
    private static LocalDate withinYears(String parameter, String text, LocalDate date) {
        if (date.getYear() < 1 || date.getYear() > 9999) {
            throw ArrowHttpException.invalidArgument("Query parameter " + ClientText.quote(parameter)
                    + " must be within the years 0001 to 9999; got " + ClientText.quote(text));
        }
        return date;
    }
}

package io.arrowhttp.protocol.internal;

import io.arrowhttp.protocol.ClientText;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The pieces of HTTP header syntax (RFC 9110, section 5.6) that servers and clients both read:
 * comma-separated lists, quoted strings, tokens, elements with {@code ;name=value} parameters
 * (media types, media ranges, content codings) and quality values (section 12.4.2). Pure and
 * thread-safe; the one place arrowhttp parses a header list.
 */
public final class HeaderSyntax {

    /** {@code tchar} of RFC 9110, section 5.6.2. */
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

    /** {@code qvalue} of RFC 9110, section 12.4.2: 0 to 1 with at most three decimals. */
    private static final Pattern QUALITY = Pattern.compile("0(\\.\\d{0,3})?|1(\\.0{0,3})?");

    private HeaderSyntax() {}

    /**
     * An element of a header list: its value (a media type, a range, a coding; lower case, since
     * all of those compare without regard to case) and its parameters (names in lower case, values
     * unquoted), in order.
     */
    public record Element(String value, Map<String, String> parameters) {

        /** A parameter's value, if present. */
        public Optional<String> parameter(String name) {
            return Optional.ofNullable(parameters.get(name.toLowerCase(Locale.ROOT)));
        }

        /**
         * The element's quality ({@code q} parameter), 1 when it has none.
         *
         * @throws IllegalArgumentException when {@code q} is not a number from 0 to 1 with at most
         *     three decimals
         */
        public double quality() {
            String q = parameters.get("q");
            if (q == null) {
                return 1.0;
            }
            if (!isQuality(q)) {
                throw new IllegalArgumentException("a quality (q) is a number from 0 to 1 with at most three decimals;"
                        + " got " + ClientText.quote(q));
            }
            return Double.parseDouble(q);
        }
    }

    /**
     * The non-empty elements of a header list, across all of the header's lines (several lines of
     * one header read as one list, as RFC 9110 section 5.3 says), each taken apart.
     */
    public static List<Element> elements(List<String> values) {
        List<Element> elements = new ArrayList<>();
        if (values == null) {
            return elements;
        }
        for (String value : values) {
            if (value == null) {
                continue;
            }
            for (String piece : splitOutsideQuotes(value, ',')) {
                if (!piece.isBlank()) {
                    elements.add(element(piece));
                }
            }
        }
        return elements;
    }

    /** One element, {@code value; name=value; name="quoted value"}, taken apart. */
    public static Element element(String text) {
        List<String> pieces = splitOutsideQuotes(text, ';');
        Map<String, String> parameters = new LinkedHashMap<>();
        for (int i = 1; i < pieces.size(); i++) {
            String parameter = pieces.get(i).trim();
            int equals = parameter.indexOf('=');
            if (equals > 0) {
                parameters.putIfAbsent(
                        parameter.substring(0, equals).trim().toLowerCase(Locale.ROOT),
                        unquote(parameter.substring(equals + 1).trim()));
            }
        }
        return new Element(pieces.get(0).trim().toLowerCase(Locale.ROOT), Collections.unmodifiableMap(parameters));
    }

    /** Whether {@code text} is a token: a coding, a parameter name, a type or subtype. */
    public static boolean isToken(String text) {
        return TOKEN.matcher(text).matches();
    }

    /** Whether {@code text} is a quality value: 0 to 1 with at most three decimals. */
    public static boolean isQuality(String text) {
        return QUALITY.matcher(text).matches();
    }

    /** Splits at {@code separator} where it is not inside a quoted string; quotes are kept. */
    public static List<String> splitOutsideQuotes(String text, char separator) {
        List<String> pieces = new ArrayList<>();
        StringBuilder piece = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (c == '\\' && quoted && i + 1 < text.length()) {
                piece.append(c);
                c = text.charAt(++i);
            } else if (c == separator && !quoted) {
                pieces.add(piece.toString());
                piece.setLength(0);
                continue;
            }
            piece.append(c);
        }
        pieces.add(piece.toString());
        return pieces;
    }

    /** A parameter value without its quotes and escapes, or as it is when it is a token. */
    public static String unquote(String value) {
        if (value.length() < 2 || value.charAt(0) != '"' || value.charAt(value.length() - 1) != '"') {
            return value;
        }
        StringBuilder text = new StringBuilder();
        for (int i = 1; i < value.length() - 1; i++) {
            char c = value.charAt(i);
            if (c == '\\' && i + 1 < value.length() - 1) {
                c = value.charAt(++i);
            }
            text.append(c);
        }
        return text.toString();
    }
}

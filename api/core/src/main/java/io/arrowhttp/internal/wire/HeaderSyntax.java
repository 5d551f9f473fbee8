package io.arrowhttp.internal.wire;

import java.util.ArrayList;
import java.util.List;

/** The pieces of HTTP header syntax (RFC 9110, section 5.6) the negotiating filters share. */
public final class HeaderSyntax {

    private HeaderSyntax() {}

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

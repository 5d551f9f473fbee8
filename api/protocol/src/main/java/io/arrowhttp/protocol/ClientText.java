package io.arrowhttp.protocol;

/**
 * How a value that came from a client is shown in a message or a log line: quoted, with control
 * characters (CR, LF, ESC, NUL, ...) and other invisible or line-breaking characters written as
 * escapes, and cut to a bounded length. A client then cannot forge a log line, hide text in a
 * terminal, or fill a log with one request.
 */
public final class ClientText {

    /** The length a shown value is cut to unless a call says otherwise. */
    public static final int DEFAULT_LIMIT = 64;

    private ClientText() {}

    /** {@code value} quoted and escaped, at most {@link #DEFAULT_LIMIT} characters of it; {@code null} as is. */
    public static String quote(String value) {
        return quote(value, DEFAULT_LIMIT);
    }

    /** {@code value} quoted and escaped, at most {@code limit} characters of it, then {@code ...}. */
    public static String quote(String value, int limit) {
        return value == null ? "null" : "'" + escape(value, limit, true) + "'";
    }

    /**
     * {@code value} with control and invisible characters and backslashes escaped, at most
     * {@code limit} characters of it, then {@code ...}; no quotes, for values that stand alone,
     * such as the method and path of an access log line.
     */
    public static String escape(String value, int limit) {
        return value == null ? "null" : escape(value, limit, false);
    }

    private static String escape(String value, int limit, boolean quoted) {
        StringBuilder shown = new StringBuilder(Math.min(value.length(), limit) + 8);
        int end = Math.min(value.length(), limit);
        for (int i = 0; i < end; i++) {
            char c = value.charAt(i);
            if (c == '\\') {
                shown.append("\\\\");
            } else if (c == '\'' && quoted) {
                shown.append("\\'");
            } else if (needsEscape(c)) {
                shown.append(String.format("\\u%04x", (int) c));
            } else {
                shown.append(c);
            }
        }
        if (value.length() > limit) {
            shown.append("...");
        }
        return shown.toString();
    }

    private static boolean needsEscape(char c) {
        return Character.isISOControl(c)
                || c == '\u2028'
                || c == '\u2029'
                || Character.getType(c) == Character.FORMAT
                || Character.isSurrogate(c);
    }
}

package io.arrowhttp.internal.sql;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * SQL with named parameters ({@code WHERE placed >= :since}) turned into JDBC's positional
 * {@code ?}, with the name of each position. A {@code :name} inside a string literal, a quoted
 * identifier, a comment, a dollar-quoted string or a PostgreSQL cast ({@code ::date}) is text, not
 * a parameter.
 *
 * @param jdbcSql the SQL with {@code ?} in place of each named parameter
 * @param names the parameter name of each {@code ?}, in order; a name may appear more than once
 */
public record NamedSql(String jdbcSql, List<String> names) {

    /** Parses {@code sql}. */
    public static NamedSql parse(String sql) {
        return parse(sql, name -> "?");
    }

    /**
     * Parses {@code sql}, writing {@code placeholder} of each parameter's name in its place: text
     * with exactly one {@code ?}, such as {@code CAST(? AS DATE)} for a source that must know the
     * type of each parameter before it runs.
     */
    public static NamedSql parse(String sql, Function<String, String> placeholder) {
        StringBuilder out = new StringBuilder(sql.length());
        List<String> names = new ArrayList<>();
        int i = 0;
        int n = sql.length();
        while (i < n) {
            char c = sql.charAt(i);
            if (c == '\'' || c == '"') {
                int end = closingQuote(sql, i, c);
                out.append(sql, i, end);
                i = end;
            } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                int end = sql.indexOf('\n', i);
                end = end < 0 ? n : end;
                out.append(sql, i, end);
                i = end;
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                int end = sql.indexOf("*/", i + 2);
                end = end < 0 ? n : end + 2;
                out.append(sql, i, end);
                i = end;
            } else if (c == '$' && dollarTagEnd(sql, i) > 0) {
                int tagEnd = dollarTagEnd(sql, i);
                String tag = sql.substring(i, tagEnd);
                int close = sql.indexOf(tag, tagEnd);
                int end = close < 0 ? n : close + tag.length();
                out.append(sql, i, end);
                i = end;
            } else if (c == ':' && i + 1 < n && sql.charAt(i + 1) == ':') {
                out.append("::");
                i += 2;
            } else if (c == ':' && i + 1 < n && Character.isJavaIdentifierStart(sql.charAt(i + 1))) {
                int end = i + 1;
                while (end < n && Character.isJavaIdentifierPart(sql.charAt(end))) {
                    end++;
                }
                String name = sql.substring(i + 1, end);
                names.add(name);
                out.append(placeholder.apply(name));
                i = end;
            } else {
                out.append(c);
                i++;
            }
        }
        return new NamedSql(out.toString(), List.copyOf(names));
    }

    /** The index after the quote that closes the one at {@code start}; a doubled quote is part of the text. */
    private static int closingQuote(String sql, int start, char quote) {
        int i = start + 1;
        while (i < sql.length()) {
            if (sql.charAt(i) == quote) {
                if (i + 1 < sql.length() && sql.charAt(i + 1) == quote) {
                    i += 2;
                    continue;
                }
                return i + 1;
            }
            i++;
        }
        return sql.length();
    }

    /** The index after a dollar-quote tag ({@code $$} or {@code $tag$}) at {@code start}, or -1. */
    private static int dollarTagEnd(String sql, int start) {
        int i = start + 1;
        while (i < sql.length() && (Character.isLetterOrDigit(sql.charAt(i)) || sql.charAt(i) == '_')) {
            i++;
        }
        boolean isTag = i < sql.length()
                && sql.charAt(i) == '$'
                && (i == start + 1 || !Character.isDigit(sql.charAt(start + 1)));
        return isTag ? i + 1 : -1;
    }
}

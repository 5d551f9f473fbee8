package io.arrowhttp.source.duckdb.internal;

import io.arrowhttp.internal.sql.SqlIdentifiers;
import java.util.List;
import java.util.stream.Collectors;

/**
 * SQL text made from names and values that are not SQL: string literals in single quotes with
 * their quote doubled, so that no path can end the quoted text and add SQL of its own;
 * identifiers are quoted by {@link SqlIdentifiers}. Values sent by clients are bound as
 * parameters instead.
 */
public final class SqlText {

    private SqlText() {}

    /** {@code value} as a string literal: {@code 'value'}. */
    public static String literal(String value) {
        if (value.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("A NUL character cannot be part of SQL text");
        }
        return '\'' + value.replace("'", "''") + '\'';
    }

    /** A DuckDB list of string literals: {@code ['a', 'b']}. */
    public static String literalList(List<String> values) {
        return values.stream().map(SqlText::literal).collect(Collectors.joining(", ", "[", "]"));
    }

    /**
     * {@code SELECT "a", "b" FROM (query) LIMIT ?}: some columns of a query, in order, with a limit
     * bound as the statement's last parameter when {@code withLimit}.
     */
    public static String select(String query, List<String> columns, boolean withLimit) {
        return "SELECT " + SqlIdentifiers.STANDARD.list(columns) + " FROM (" + query + "\n) AS arrowhttp_source"
                + (withLimit ? " LIMIT ?" : "");
    }
}

package io.arrowhttp.internal.sql;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Names put into SQL as quoted identifiers: a column a client selects, a column a dataset is
 * partitioned on, the columns an upload writes. The name goes between the database's identifier
 * quote, with that quote doubled inside it, so no name can end the identifier and add SQL of its
 * own, and a name keeps its exact spelling (case, spaces) whatever the database folds unquoted
 * names to. Every source that sends names to a database quotes them here.
 */
public final class SqlIdentifiers {

    /** Standard SQL's identifier quote, {@code "}: DuckDB's, PostgreSQL's, Trino's. */
    public static final SqlIdentifiers STANDARD = new SqlIdentifiers("\"");

    private final String quote;

    private SqlIdentifiers(String quote) {
        this.quote = quote;
    }

    /**
     * Identifiers quoted as a database says it quotes them, with the string JDBC's
     * {@code DatabaseMetaData.getIdentifierQuoteString()} returns (a backtick for MySQL, say).
     * Drivers that answer nothing or a space (JDBC's "quoting not supported") get standard SQL's
     * double quote, which is what such databases accept if they accept any.
     */
    public static SqlIdentifiers quotedWith(String identifierQuoteString) {
        if (identifierQuoteString == null || identifierQuoteString.isBlank()) {
            return STANDARD;
        }
        String quote = identifierQuoteString.trim();
        return quote.equals(STANDARD.quote) ? STANDARD : new SqlIdentifiers(quote);
    }

    /** {@code name} as a quoted identifier: {@code "name"}, {@code "say ""hi"""}. */
    public String quote(String name) {
        return quote + name.replace(quote, quote + quote) + quote;
    }

    /** Names as a comma-separated list of quoted identifiers, in order: {@code "a", "b"}. */
    public String list(List<String> names) {
        return names.stream().map(this::quote).collect(Collectors.joining(", "));
    }

    @Override
    public String toString() {
        return "identifiers quoted with " + quote;
    }
}

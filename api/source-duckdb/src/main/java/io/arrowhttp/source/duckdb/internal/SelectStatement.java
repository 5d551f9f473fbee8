package io.arrowhttp.source.duckdb.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A configured query, parsed by DuckDB's own parser before it is ever prepared: it must be
 * exactly one {@code SELECT}. Preparing a text of several statements runs all but the last, so a
 * text such as {@code CREATE TABLE t (a INT); SELECT 1} must never reach {@code prepareStatement};
 * DuckDB's {@code json_serialize_sql} parses without running and serializes only {@code SELECT}
 * statements.
 *
 * <p>The parse also finds the file paths the query reads (replacement scans such as
 * {@code FROM 'trades.parquet'} and the string arguments of table functions such as
 * {@code read_csv('a.csv')}), so that relative ones can be resolved against a catalog's folder:
 * DuckDB itself resolves them against the working directory of the server.
 */
public final class SelectStatement {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String sql;
    private final JsonNode statement;

    private SelectStatement(String sql, JsonNode statement) {
        this.sql = sql;
        this.statement = statement;
    }

    /**
     * Parses {@code sql}.
     *
     * @throws IllegalArgumentException naming the reason when {@code sql} is not one
     *     {@code SELECT} statement (a {@code COPY}, {@code ATTACH}, {@code PRAGMA}, {@code SET},
     *     several statements, or a syntax error)
     */
    public static SelectStatement parse(Connection connection, String sql) throws SQLException {
        JsonNode parsed;
        try (PreparedStatement statement = connection.prepareStatement("SELECT json_serialize_sql(?)")) {
            statement.setString(1, sql);
            try (ResultSet result = statement.executeQuery()) {
                result.next();
                parsed = JSON.readTree(result.getString(1));
            } catch (JsonProcessingException e) {
                throw new SQLException("DuckDB's parser answered what is not JSON", e);
            }
        }
        if (parsed.path("error").asBoolean(true)) {
            String reason = parsed.path("error_message").asText("it does not parse");
            throw new IllegalArgumentException("The query must be one read-only SELECT statement: " + reason);
        }
        int statements = parsed.path("statements").size();
        if (statements != 1) {
            throw new IllegalArgumentException(
                    "The query must be one SELECT statement; it has " + statements + " statements");
        }
        return new SelectStatement(sql, parsed.path("statements").get(0));
    }

    /** The query with every relative file path it reads made absolute against {@code folder}. */
    public String withPathsResolvedAgainst(Path folder) {
        List<PathLiteral> literals = new ArrayList<>();
        collect(statement, literals);
        byte[] text = sql.getBytes(StandardCharsets.UTF_8);
        literals.sort(Comparator.comparingInt(PathLiteral::start).reversed());
        byte[] resolved = text;
        for (PathLiteral literal : literals) {
            if (!literal.fits(resolved) || !isRelative(literal.path())) {
                continue;
            }
            String absolute = folder.resolve(literal.path()).normalize().toString();
            byte[] replacement = SqlText.literal(absolute).getBytes(StandardCharsets.UTF_8);
            byte[] next = new byte[resolved.length - literal.length() + replacement.length];
            System.arraycopy(resolved, 0, next, 0, literal.start());
            System.arraycopy(replacement, 0, next, literal.start(), replacement.length);
            System.arraycopy(
                    resolved,
                    literal.start() + literal.length(),
                    next,
                    literal.start() + replacement.length,
                    resolved.length - literal.start() - literal.length());
            resolved = next;
        }
        return new String(resolved, StandardCharsets.UTF_8);
    }

    /** A quoted path in the query's UTF-8 text, where the parser found it. */
    private record PathLiteral(String path, int start, int length) {

        /** Whether the text there is the path in quotes, as the parser says. */
        boolean fits(byte[] text) {
            if (start < 0 || length < 2 || start + length > text.length) {
                return false;
            }
            String quoted = new String(text, start, length, StandardCharsets.UTF_8);
            char quote = quoted.charAt(0);
            return (quote == '\'' || quote == '"')
                    && quoted.charAt(quoted.length() - 1) == quote
                    && quoted.substring(1, quoted.length() - 1)
                            .replace(String.valueOf(quote) + quote, String.valueOf(quote))
                            .equals(path);
        }
    }

    private static void collect(JsonNode node, List<PathLiteral> literals) {
        if (node.isObject()) {
            if ("BASE_TABLE".equals(node.path("type").asText())
                    && node.path("schema_name").asText().isEmpty()
                    && node.path("catalog_name").asText().isEmpty()) {
                add(node, node.path("table_name").asText(), literals);
            } else if ("TABLE_FUNCTION".equals(node.path("type").asText())) {
                for (JsonNode argument : node.path("function").path("arguments")) {
                    if (argument.path("name").asText().isEmpty()) {
                        addStrings(argument.path("expression"), literals);
                    }
                }
            }
            node.elements().forEachRemaining(child -> collect(child, literals));
        } else if (node.isArray()) {
            node.elements().forEachRemaining(child -> collect(child, literals));
        }
    }

    /** A string constant, or the string constants of a list ({@code ['a.csv', 'b.csv']}). */
    private static void addStrings(JsonNode expression, List<PathLiteral> literals) {
        if ("CONSTANT".equals(expression.path("class").asText())
                && "STRING".equals(expression.path("literal").path("kind").asText())) {
            add(expression, expression.path("literal").path("text").asText(), literals);
        } else if ("list_value".equals(expression.path("function_name").asText())) {
            for (JsonNode element : expression.path("arguments")) {
                addStrings(element.path("expression"), literals);
            }
        }
    }

    private static void add(JsonNode node, String path, List<PathLiteral> literals) {
        JsonNode location = node.path("query_location");
        JsonNode length = node.path("query_location_length");
        if (location.canConvertToInt() && length.canConvertToInt() && !path.isEmpty()) {
            literals.add(new PathLiteral(path, location.asInt(), length.asInt()));
        }
    }

    private static boolean isRelative(String path) {
        return !path.startsWith("/") && !path.startsWith("~") && !path.contains("://") && !path.contains(":\\");
    }
}

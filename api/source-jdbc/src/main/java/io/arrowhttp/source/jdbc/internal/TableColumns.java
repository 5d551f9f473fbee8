package io.arrowhttp.source.jdbc.internal;

import io.arrowhttp.internal.sql.SqlIdentifiers;
import io.arrowhttp.protocol.ArrowHttpException;
import io.arrowhttp.protocol.ClientText;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The columns of a table an upload writes to, as its database describes them, matched to the
 * upload's fields by name (exactly, else ignoring case, as unquoted SQL names are).
 *
 * @param table the table's name as the operator configured it
 * @param matched for each field of the upload, in order, the table's column it goes to
 * @param columns every column of the table, in the table's order
 */
public record TableColumns(String table, List<Column> matched, List<Column> columns) {

    /** A table name as the operator writes it: an identifier, optionally after a schema. */
    private static final Pattern TABLE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]*(\\.[A-Za-z_][A-Za-z0-9_$]*)?");

    /** One column: its name in the table, its type as the database names it, and whether it takes nulls. */
    public record Column(String name, String typeName, int jdbcType, boolean nullable) {}

    /** Whether {@code table} is a name this source puts into SQL as it is. */
    public static boolean isTableName(String table) {
        return TABLE_NAME.matcher(table).matches();
    }

    /**
     * The table's columns for the upload's {@code schema}.
     *
     * @throws ArrowHttpException {@code INVALID_ARGUMENT} naming the fields the table has no column for
     */
    public static TableColumns match(Connection connection, String table, Schema schema, String dataset)
            throws SQLException {
        Map<String, Column> columns = new LinkedHashMap<>();
        try (PreparedStatement describe = connection.prepareStatement("SELECT * FROM " + table + " WHERE 1 = 0")) {
            ResultSetMetaData metadata = describe.getMetaData();
            for (int i = 1; i <= metadata.getColumnCount(); i++) {
                columns.put(
                        metadata.getColumnName(i),
                        new Column(
                                metadata.getColumnName(i),
                                metadata.getColumnTypeName(i).toLowerCase(Locale.ROOT),
                                metadata.getColumnType(i),
                                metadata.isNullable(i) != ResultSetMetaData.columnNoNulls));
            }
        }
        notNullFromCatalog(connection, table, columns);
        List<Column> matched = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        for (Field field : schema.getFields()) {
            Column column = columns.get(field.getName());
            if (column == null) {
                column = columns.values().stream()
                        .filter(candidate -> candidate.name().equalsIgnoreCase(field.getName()))
                        .findFirst()
                        .orElse(null);
            }
            if (column == null || matched.contains(column)) {
                unknown.add(ClientText.quote(field.getName()));
            } else {
                matched.add(column);
            }
        }
        if (!unknown.isEmpty()) {
            throw ArrowHttpException.invalidArgument("Dataset " + ClientText.quote(dataset) + " has no column "
                    + String.join(", ", unknown) + "; its columns are: "
                    + String.join(
                            ", ",
                            columns.keySet().stream().map(ClientText::quote).toList())
                    + ". Nothing was written.");
        }
        return new TableColumns(table, List.copyOf(matched), List.copyOf(columns.values()));
    }

    /**
     * Marks the columns the database's catalog declares {@code NOT NULL}: some drivers (DuckDB's)
     * call every column of a query nullable, and a null would then reach the database.
     */
    private static void notNullFromCatalog(Connection connection, String table, Map<String, Column> columns)
            throws SQLException {
        int dot = table.indexOf('.');
        String schema = dot < 0 ? null : table.substring(0, dot);
        String name = dot < 0 ? table : table.substring(dot + 1);
        for (String spelling : List.of(name, name.toLowerCase(Locale.ROOT))) {
            boolean found = false;
            try (ResultSet described = connection.getMetaData().getColumns(null, schema, spelling, null)) {
                while (described.next()) {
                    found = true;
                    Column column = columns.get(described.getString("COLUMN_NAME"));
                    if (column != null && described.getInt("NULLABLE") == DatabaseMetaData.columnNoNulls) {
                        columns.put(
                                column.name(), new Column(column.name(), column.typeName(), column.jdbcType(), false));
                    }
                }
            }
            if (found) {
                return;
            }
        }
    }

    /** The column list of an INSERT or COPY: the matched columns, quoted as the database quotes them. */
    public String columnList(SqlIdentifiers identifiers) {
        return "(" + identifiers.list(matched.stream().map(Column::name).toList()) + ")";
    }
}

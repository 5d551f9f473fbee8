package io.arrowhttp.dataset;

import io.arrowhttp.protocol.ArrowHttpException;
import io.arrowhttp.protocol.ClientText;
import io.arrowhttp.protocol.QueryParameters;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * What part of a table a request asks for with {@link QueryParameters#COLUMNS} and
 * {@link QueryParameters#LIMIT}: some columns in a chosen order, and at most so many rows. Every
 * data source reads these two parameters through this class, so that all of them answer alike,
 * with the same errors.
 *
 * @param fields the columns to send, in the order asked for: all of the schema's when not asked
 * @param limit the most rows to send, when asked
 */
public record Selection(List<Field> fields, OptionalLong limit) {

    /** Copies the field list. */
    public Selection {
        fields = List.copyOf(fields);
    }

    /**
     * The selection {@code request} makes of {@code schema}, the schema of dataset {@code dataset}.
     *
     * @throws ArrowHttpException {@code INVALID_ARGUMENT} for a column the schema lacks (naming the
     *     columns there are), a column asked for twice, or a limit that is not a whole number of
     *     zero or more
     */
    public static Selection of(DatasetRequest request, String dataset, Schema schema) {
        OptionalLong limit = request.has(QueryParameters.LIMIT)
                ? OptionalLong.of(request.longParameter(QueryParameters.LIMIT, 0, 0, Long.MAX_VALUE))
                : OptionalLong.empty();
        String wanted = request.singleParameter(QueryParameters.COLUMNS).orElse("");
        if (wanted.isBlank()) {
            return new Selection(schema.getFields(), limit);
        }
        List<Field> fields = new ArrayList<>();
        for (String column : wanted.split(",", -1)) {
            String name = column.trim();
            Field field = schema.getFields().stream()
                    .filter(candidate -> candidate.getName().equals(name))
                    .findFirst()
                    .orElseThrow(() -> unknownColumn(dataset, name, schema));
            if (fields.contains(field)) {
                throw ArrowHttpException.invalidArgument("Column " + ClientText.quote(name) + " is asked for twice");
            }
            fields.add(field);
        }
        return new Selection(fields, limit);
    }

    /** Whether this selection is the whole table: every column in the schema's order, no limit. */
    public boolean isEverything(Schema schema) {
        return limit.isEmpty() && fields.equals(schema.getFields());
    }

    /** The names of the selected columns, in order. */
    public List<String> columnNames() {
        return fields.stream().map(Field::getName).toList();
    }

    /** The positions in {@code schema} of the selected columns, in order. */
    public List<Integer> indexesIn(Schema schema) {
        return fields.stream().map(schema.getFields()::indexOf).toList();
    }

    private static ArrowHttpException unknownColumn(String dataset, String column, Schema schema) {
        List<String> names = schema.getFields().stream().map(Field::getName).toList();
        return ArrowHttpException.invalidArgument("Dataset " + ClientText.quote(dataset) + " has no column "
                + ClientText.quote(column) + "; it has: " + ClientText.escape(String.join(", ", names), 1024));
    }
}

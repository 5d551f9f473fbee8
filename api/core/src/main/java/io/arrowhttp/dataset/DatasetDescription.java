package io.arrowhttp.dataset;

import io.arrowhttp.protocol.ClientText;
import io.arrowhttp.protocol.ResourcePaths;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import org.apache.arrow.vector.types.pojo.Field;

/**
 * How an operator describes a dataset: its name in the URL, one line for the catalog, and extra
 * entries for the JSON part (where the data comes from, a licence, an owner). Data sources that
 * serve configured data take one, so that every source writes the same JSON part.
 *
 * @param name the name in the URL: see {@link ResourcePaths#isDatasetName}
 * @param description one line for people browsing the catalog
 * @param metadata extra entries of the JSON part, kept in their order; never holds the keys this
 *     class writes itself ({@code name}, {@code description}, {@code columns}, {@code schema},
 *     {@code totalRecords}), which win
 */
public record DatasetDescription(String name, String description, Map<String, Object> metadata) {

    /** Checks the name and copies the metadata. */
    public DatasetDescription {
        Objects.requireNonNull(name, "name");
        if (!ResourcePaths.isDatasetName(name)) {
            throw new IllegalArgumentException("A dataset name is " + ResourcePaths.DATASET_NAME_RULE
                    + "; rename the dataset " + ClientText.quote(name));
        }
        description = description == null ? "" : description;
        metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata == null ? Map.of() : metadata));
    }

    /** A dataset with only a name and a description. */
    public static DatasetDescription of(String name, String description) {
        return new DatasetDescription(name, description, Map.of());
    }

    /**
     * The content of the JSON part for a request that selected {@code selection}: the name, the
     * description, the selected columns with their Arrow types, the configured metadata, and the
     * number of rows when known.
     */
    public Map<String, Object> metadataPart(Selection selection, OptionalLong totalRecords) {
        Map<String, Object> part = new LinkedHashMap<>(metadata);
        part.put("name", name);
        part.put("description", description);
        part.put("columns", selection.columnNames());
        part.put(
                "schema",
                selection.fields().stream().map(DatasetDescription::column).toList());
        if (totalRecords.isPresent()) {
            long rows = totalRecords.getAsLong();
            part.put(
                    "totalRecords",
                    selection.limit().isPresent()
                            ? Math.min(rows, selection.limit().getAsLong())
                            : rows);
        }
        return part;
    }

    private static Map<String, Object> column(Field field) {
        Map<String, Object> column = new LinkedHashMap<>();
        column.put("name", field.getName());
        column.put("type", field.getType().toString());
        column.put("nullable", field.isNullable());
        if (field.getDictionary() != null) {
            column.put("dictionary", true);
        }
        return column;
    }

    @Override
    public String toString() {
        return "dataset '" + name + "'";
    }
}

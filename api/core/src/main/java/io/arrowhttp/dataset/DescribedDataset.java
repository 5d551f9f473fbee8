package io.arrowhttp.dataset;

import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * A dataset whose name, description and extra metadata an operator configured
 * ({@link DatasetDescription}), with a schema and a row count known when it is made. It answers
 * the catalog and the JSON part the same way for every data source: a source only opens readers.
 */
public abstract class DescribedDataset implements Dataset {

    private final DatasetDescription description;
    private final Schema schema;
    private final OptionalLong totalRecords;

    protected DescribedDataset(DatasetDescription description, Schema schema, OptionalLong totalRecords) {
        this.description = Objects.requireNonNull(description, "description");
        this.schema = Objects.requireNonNull(schema, "schema");
        this.totalRecords = Objects.requireNonNull(totalRecords, "totalRecords");
    }

    /** The name, description and metadata the dataset was made with. */
    protected final DatasetDescription datasetDescription() {
        return description;
    }

    @Override
    public final String name() {
        return description.name();
    }

    @Override
    public final String description() {
        return description.description();
    }

    @Override
    public final Schema schema() {
        return schema;
    }

    @Override
    public final OptionalLong totalRecords() {
        return totalRecords;
    }

    /** The configured description, with {@link #selection}'s columns and the row count when known. */
    /** The metadata the dataset was made with. */
    @Override
    public Map<String, Object> catalogMetadata() {
        return description.metadata();
    }

    @Override
    public Object metadata(DatasetRequest request) {
        return description.metadataPart(selection(request), totalRecords);
    }

    /** The columns and rows {@code request} asks for; see {@link Selection#of}. */
    protected final Selection selection(DatasetRequest request) {
        return Selection.of(request, name(), schema);
    }

    @Override
    public String toString() {
        return description.toString();
    }
}

package io.arrowhttp.standalone;

import io.arrowhttp.dataset.DerivedReader;
import java.io.IOException;
import java.util.List;
import java.util.Set;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.ValueVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.dictionary.Dictionary;
import org.apache.arrow.vector.dictionary.DictionaryEncoder;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The batches of a file with each dictionary-encoded column decoded to its values, for an upload:
 * the server stores no dictionaries, and a Parquet file written from a pandas categorical or an
 * Arrow file with a dictionary column would otherwise be refused. Columns are decoded at the top
 * level; a dictionary nested in a list or struct stays as it is (and the server names it).
 *
 * <h2>Ownership</h2>
 * As every {@link DerivedReader}: owns the source reader, closed after this reader's root; the
 * decoded vectors are made in, and handed over within, {@code allocator}, which the caller closes
 * after this reader.
 */
final class DecodedDictionaries extends DerivedReader {

    private DecodedDictionaries(ArrowReader source, BufferAllocator allocator, Schema schema) {
        super(source, allocator, schema);
    }

    /** {@code source} itself when it has no dictionary-encoded column, else a reader that decodes them. */
    static ArrowReader of(ArrowReader source, BufferAllocator allocator) throws IOException {
        Schema schema = source.getVectorSchemaRoot().getSchema();
        if (encodedColumns(schema).isEmpty()) {
            return source;
        }
        List<Field> fields = schema.getFields().stream()
                .map(field -> field.getDictionary() == null ? field : decoded(field, source))
                .toList();
        return new DecodedDictionaries(source, allocator, new Schema(fields, schema.getCustomMetadata()));
    }

    /**
     * The field of a decoded column: its dictionary's values' type. A reader's root may give a
     * dictionary-encoded field its index type (as Arrow Java's encoder does) or its value type (as
     * a schema message does); the dictionary, when the reader has it already, settles which.
     */
    private static Field decoded(Field field, ArrowReader source) {
        Dictionary dictionary = source.lookup(field.getDictionary().getId());
        Field values = dictionary == null ? field : dictionary.getVector().getField();
        return new Field(
                field.getName(),
                new FieldType(field.isNullable(), values.getType(), null, field.getMetadata()),
                values.getChildren());
    }

    /** The names of the top-level dictionary-encoded columns of {@code schema}. */
    static List<String> encodedColumns(Schema schema) {
        return schema.getFields().stream()
                .filter(field -> field.getDictionary() != null)
                .map(Field::getName)
                .toList();
    }

    @Override
    protected boolean fill(VectorSchemaRoot root) throws IOException {
        if (!source.loadNextBatch()) {
            return false;
        }
        VectorSchemaRoot batch = source.getVectorSchemaRoot();
        for (int i = 0; i < root.getFieldVectors().size(); i++) {
            FieldVector column = batch.getVector(i);
            if (column.getField().getDictionary() == null) {
                column.makeTransferPair(root.getVector(i)).transfer();
                continue;
            }
            Dictionary dictionary =
                    source.lookup(column.getField().getDictionary().getId());
            try (ValueVector decoded = DictionaryEncoder.decode(column, dictionary)) {
                ((FieldVector) decoded).makeTransferPair(root.getVector(i)).transfer();
            }
        }
        root.setRowCount(batch.getRowCount());
        return true;
    }

    /** The decoded columns carry no dictionaries. */
    @Override
    public Dictionary lookup(long id) {
        return null;
    }

    @Override
    public Set<Long> getDictionaryIds() {
        return Set.of();
    }
}

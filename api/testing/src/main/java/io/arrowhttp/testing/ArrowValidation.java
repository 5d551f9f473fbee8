package io.arrowhttp.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BaseIntVector;
import org.apache.arrow.vector.BaseVariableWidthViewVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.dictionary.Dictionary;
import org.apache.arrow.vector.dictionary.DictionaryProvider;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.apache.arrow.vector.types.pojo.DictionaryEncoding;
import org.apache.arrow.vector.util.ValueVectorUtility;

/**
 * Arrow's full validation of what a server wrote, in Java, for tests on machines without pyarrow:
 * Arrow Java's own {@code validateFull} (buffer sizes, offsets in order and within the data, type
 * layouts, children's lengths), plus the rules it leaves out and Arrow C++'s
 * {@code ValidateFull} checks:
 * <ul>
 *   <li>views ({@code Utf8View}, {@code BinaryView}) at any depth: a non-negative length; an
 *       inline value (12 bytes or fewer) zero-padded to the end of its 16-byte view; an out-of-line
 *       value within the data buffer its view names, its 4-byte prefix equal to the value's
 *       first bytes;</li>
 *   <li>dictionary-encoded columns: every index of a non-null slot within the dictionary.</li>
 * </ul>
 * A failure is an {@link AssertionError} naming the batch, the column and the slot.
 */
public final class ArrowValidation {

    private ArrowValidation() {}

    /**
     * Reads the Arrow IPC stream {@code in} to its end, validating every batch; returns its rows.
     * The reader's memory comes from {@code allocator} and is freed before returning.
     */
    public static long validateStream(InputStream in, BufferAllocator allocator) throws IOException {
        long rows = 0;
        int batch = 0;
        try (ArrowStreamReader reader = new ArrowStreamReader(in, allocator)) {
            while (reader.loadNextBatch()) {
                validateFull(reader.getVectorSchemaRoot(), reader, "batch " + batch);
                rows += reader.getVectorSchemaRoot().getRowCount();
                batch++;
            }
        }
        return rows;
    }

    /**
     * Validates one batch, whose dictionaries (if any) {@code dictionaries} holds.
     *
     * @param where how failures name the batch
     */
    public static void validateFull(VectorSchemaRoot root, DictionaryProvider dictionaries, String where) {
        for (FieldVector vector : root.getFieldVectors()) {
            String at = where + ", column " + vector.getName();
            try {
                ValueVectorUtility.validateFull(vector);
            } catch (RuntimeException invalid) {
                throw new AssertionError(at + ": " + invalid.getMessage(), invalid);
            }
            if (vector.getValueCount() != root.getRowCount()) {
                throw new AssertionError(
                        at + ": " + vector.getValueCount() + " values in a batch of " + root.getRowCount() + " rows");
            }
            checkViews(vector, at);
            DictionaryEncoding encoding = vector.getField().getDictionary();
            if (encoding != null) {
                checkDictionaryIndices(vector, dictionaries.lookup(encoding.getId()), at);
            }
        }
    }

    private static void checkViews(FieldVector vector, String at) {
        if (vector instanceof BaseVariableWidthViewVector views) {
            ArrowBuf buffer = views.getDataBuffer();
            List<ArrowBuf> data = views.getDataBuffers();
            for (int i = 0; i < views.getValueCount(); i++) {
                if (views.isNull(i)) {
                    continue;
                }
                long view = (long) i * BaseVariableWidthViewVector.ELEMENT_SIZE;
                int length = buffer.getInt(view);
                if (length < 0) {
                    throw new AssertionError(at + ": view at slot " + i + " has the negative length " + length);
                }
                if (length <= BaseVariableWidthViewVector.INLINE_SIZE) {
                    for (long b = view + BaseVariableWidthViewVector.LENGTH_WIDTH + length;
                            b < view + BaseVariableWidthViewVector.ELEMENT_SIZE;
                            b++) {
                        if (buffer.getByte(b) != 0) {
                            throw new AssertionError(at + ": view at slot " + i + " is inline with length " + length
                                    + " but its padding bytes are not all zero");
                        }
                    }
                    continue;
                }
                int index = buffer.getInt(view + 8);
                int offset = buffer.getInt(view + 12);
                if (index < 0 || index >= data.size()) {
                    throw new AssertionError(
                            at + ": view at slot " + i + " names data buffer " + index + " of " + data.size());
                }
                ArrowBuf values = data.get(index);
                if (offset < 0 || (long) offset + length > values.capacity()) {
                    throw new AssertionError(at + ": view at slot " + i + " reaches past its data buffer (" + offset
                            + " + " + length + " > " + values.capacity() + ")");
                }
                for (int b = 0; b < BaseVariableWidthViewVector.PREFIX_WIDTH; b++) {
                    if (buffer.getByte(view + 4 + b) != values.getByte(offset + (long) b)) {
                        throw new AssertionError(at + ": view at slot " + i + " has a prefix that is not the first"
                                + " bytes of its value "
                                + new String(bytes(values, offset, length), StandardCharsets.ISO_8859_1));
                    }
                }
            }
        }
        for (FieldVector child : vector.getChildrenFromFields()) {
            checkViews(child, at + "." + child.getName());
        }
    }

    private static byte[] bytes(ArrowBuf buffer, long offset, int length) {
        byte[] bytes = new byte[Math.min(length, 64)];
        buffer.getBytes(offset, bytes);
        return bytes;
    }

    private static void checkDictionaryIndices(FieldVector indices, Dictionary dictionary, String at) {
        if (dictionary == null) {
            throw new AssertionError(at + ": no dictionary with id "
                    + indices.getField().getDictionary().getId() + " came before the batch");
        }
        int size = dictionary.getVector().getValueCount();
        if (!(indices instanceof BaseIntVector ints)) {
            throw new AssertionError(
                    at + ": dictionary indices are " + indices.getField().getType() + ", not integers");
        }
        List<Long> outside = new ArrayList<>();
        for (int i = 0; i < indices.getValueCount() && outside.size() < 3; i++) {
            if (!indices.isNull(i)) {
                long index = ints.getValueAsLong(i);
                if (index < 0 || index >= size) {
                    outside.add(index);
                }
            }
        }
        if (!outside.isEmpty()) {
            throw new AssertionError(at + ": dictionary indices " + outside + " outside a dictionary of " + size);
        }
    }
}

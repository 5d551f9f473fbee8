package io.arrowhttp.internal.resource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.arrowhttp.protocol.ArrowHttpException;
import io.arrowhttp.protocol.ErrorCode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.dictionary.Dictionary;
import org.apache.arrow.vector.dictionary.DictionaryProvider;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.apache.arrow.vector.ipc.ReadChannel;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.DictionaryEncoding;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Test;

/** What the upload reader checks that a store could not: dictionary indices, decimals' digits. */
class UploadReaderTest {

    @Test
    void dictionaryIndicesArePointedIntoTheirDictionary() throws IOException {
        try (BufferAllocator allocator = new RootAllocator()) {
            try (UploadReader reader = reader(dictionaryStream(0, 1, 1, 0), allocator)) {
                assertTrue(reader.loadNextBatch());
                assertEquals(4, reader.getVectorSchemaRoot().getRowCount());
                assertFalse(reader.loadNextBatch());
            }
            for (int forged : new int[] {2, -1}) {
                try (UploadReader reader = reader(dictionaryStream(0, 1, forged), allocator)) {
                    ArrowHttpException refused = assertThrows(ArrowHttpException.class, reader::loadNextBatch);
                    assertEquals(ErrorCode.INVALID_ARGUMENT, refused.code());
                    assertTrue(
                            refused.getMessage()
                                    .contains("Column 'color' of record batch 1 of the upload has dictionary index "
                                            + forged + " at row 2, outside its dictionary of 2 values"),
                            refused.getMessage());
                }
            }
            assertEquals(0, allocator.getAllocatedMemory());
        }
    }

    @Test
    void decimalsMayUseTheirWholePrecisionAndNoMore() throws IOException {
        try (BufferAllocator allocator = new RootAllocator()) {
            try (UploadReader reader = reader(decimalStream(12_345L, -99_999L), allocator)) {
                assertTrue(reader.loadNextBatch());
                assertEquals(
                        "-999.99",
                        reader.getVectorSchemaRoot()
                                .getVector("amount")
                                .getObject(1)
                                .toString());
            }
            try (UploadReader reader = reader(decimalStream(12_345L, 123_456L), allocator)) {
                ArrowHttpException refused = assertThrows(ArrowHttpException.class, reader::loadNextBatch);
                assertTrue(
                        refused.getMessage()
                                .contains("Column 'amount' of record batch 1 of the upload is not valid Arrow data"
                                        + " ('row 1 has more digits than its precision, 5')"),
                        refused.getMessage());
            }
            assertEquals(0, allocator.getAllocatedMemory());
        }
    }

    /** One column, "amount", of decimal(5, 2), holding these unscaled values. */
    private static byte[] decimalStream(long... unscaled) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Field field = Field.nullable("amount", new ArrowType.Decimal(5, 2, 128));
        try (BufferAllocator writing = new RootAllocator();
                VectorSchemaRoot root = VectorSchemaRoot.create(new Schema(List.of(field)), writing);
                ArrowStreamWriter writer = new ArrowStreamWriter(root, null, Channels.newChannel(out))) {
            DecimalVector amount = (DecimalVector) root.getVector("amount");
            amount.allocateNew(unscaled.length);
            for (int i = 0; i < unscaled.length; i++) {
                amount.set(i, unscaled[i]);
            }
            root.setRowCount(unscaled.length);
            writer.start();
            writer.writeBatch();
            writer.end();
        }
        return out.toByteArray();
    }

    private static UploadReader reader(byte[] stream, BufferAllocator allocator) {
        return new UploadReader(
                new ReadChannel(Channels.newChannel(new ByteArrayInputStream(stream))), allocator, Long.MAX_VALUE);
    }

    /** A stream of one column, "color", of indices into the dictionary red, blue. */
    private static byte[] dictionaryStream(int... indices) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DictionaryEncoding encoding = new DictionaryEncoding(1L, false, new ArrowType.Int(32, true));
        Field field = new Field("color", new FieldType(true, new ArrowType.Int(32, true), encoding), null);
        try (BufferAllocator writing = new RootAllocator();
                VarCharVector words = new VarCharVector("words", writing);
                IntVector color = (IntVector) field.createVector(writing)) {
            words.allocateNew();
            words.setSafe(0, "red".getBytes(StandardCharsets.UTF_8));
            words.setSafe(1, "blue".getBytes(StandardCharsets.UTF_8));
            words.setValueCount(2);
            color.allocateNew(indices.length);
            for (int i = 0; i < indices.length; i++) {
                color.set(i, indices[i]);
            }
            color.setValueCount(indices.length);
            DictionaryProvider.MapDictionaryProvider provider = new DictionaryProvider.MapDictionaryProvider();
            provider.put(new Dictionary(words, encoding));
            try (VectorSchemaRoot root = new VectorSchemaRoot(List.of(field), List.of(color), indices.length);
                    ArrowStreamWriter writer = new ArrowStreamWriter(root, provider, Channels.newChannel(out))) {
                writer.start();
                writer.writeBatch();
                writer.end();
            }
        }
        return out.toByteArray();
    }
}

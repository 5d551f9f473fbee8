package io.arrowhttp.source.files;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.Channels;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.impl.UnionListWriter;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/** Upload bodies of a schema the uploads tests' datasets do not have, for appends that must be refused. */
final class OtherSchemaStreams {

    private OtherSchemaStreams() {}

    /**
     * {@code rows} rows of {@code tags}, a list of {@code values} in a child named {@code child}
     * (as Parquet names it, {@code element}, or as pyarrow does, {@code item}), with the field
     * metadata {@code metadata}: row {@code i} holds {@code [first + i, first + i + 1]}.
     */
    static byte[] tags(long first, int rows, String child, ArrowType values, Map<String, String> metadata)
            throws IOException {
        Field list = new Field(
                "tags",
                new FieldType(true, ArrowType.List.INSTANCE, null, metadata),
                List.of(Field.nullable(child, values)));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (BufferAllocator writing = new RootAllocator();
                VectorSchemaRoot root = VectorSchemaRoot.create(new Schema(List.of(list)), writing);
                ArrowStreamWriter writer = new ArrowStreamWriter(root, null, Channels.newChannel(out))) {
            writer.start();
            ListVector tags = (ListVector) root.getVector("tags");
            UnionListWriter lists = tags.getWriter();
            for (int i = 0; i < rows; i++) {
                lists.setPosition(i);
                lists.startList();
                if (values.equals(new ArrowType.Int(64, true))) {
                    lists.bigInt().writeBigInt(first + i);
                    lists.bigInt().writeBigInt(first + i + 1);
                } else {
                    lists.integer().writeInt((int) (first + i));
                    lists.integer().writeInt((int) (first + i + 1));
                }
                lists.endList();
            }
            root.setRowCount(rows);
            writer.writeBatch();
            writer.end();
        }
        return out.toByteArray();
    }

    /** One row, its {@code id} a 32-bit integer where the datasets have a 64-bit one. */
    static byte[] intIds() throws IOException {
        Schema other = new Schema(List.of(
                Field.notNullable("id", new ArrowType.Int(32, true)), Field.nullable("name", ArrowType.Utf8.INSTANCE)));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (BufferAllocator writing = new RootAllocator();
                VectorSchemaRoot root = VectorSchemaRoot.create(other, writing);
                ArrowStreamWriter writer = new ArrowStreamWriter(root, null, Channels.newChannel(out))) {
            writer.start();
            IntVector id = (IntVector) root.getVector("id");
            id.allocateNew(1);
            id.set(0, 1);
            root.setRowCount(1);
            writer.writeBatch();
            writer.end();
        }
        return out.toByteArray();
    }
}

package io.arrowhttp.source.files;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.Channels;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/** Upload bodies of a schema the uploads tests' datasets do not have, for appends that must be refused. */
final class OtherSchemaStreams {

    private OtherSchemaStreams() {}

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

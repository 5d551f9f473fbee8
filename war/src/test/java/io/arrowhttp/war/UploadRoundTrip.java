package io.arrowhttp.war;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.arrowhttp.client.ArrowHttpClient;
import io.arrowhttp.client.Compression;
import io.arrowhttp.client.DatasetStream;
import io.arrowhttp.client.GetOptions;
import io.arrowhttp.client.UploadOptions;
import io.arrowhttp.protocol.UploadResult;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/** An upload through a deployed war, coded and multi-batch, then an append, read back id by id. */
final class UploadRoundTrip {

    private static final Schema SCHEMA = new Schema(List.of(Field.notNullable("id", new ArrowType.Int(64, true))));

    private UploadRoundTrip() {}

    /** Uploads into the deployment at {@code base}, which takes uploads, and checks what it serves after. */
    static void assertRoundTrip(URI base) throws IOException {
        try (ArrowHttpClient client = ArrowHttpClient.builder(base)
                        .readTimeout(Duration.ofSeconds(60))
                        .build();
                BufferAllocator allocator = new RootAllocator()) {
            try (ArrowStreamReader first = ids(0, 5, 40_000, allocator)) {
                UploadResult put =
                        client.put("uploaded", first, UploadOptions.defaults().compression(Compression.HTTP_GZIP));
                assertEquals(200_000, put.rows());
            }
            try (ArrowStreamReader more = ids(200_000, 1, 1_000, allocator)) {
                assertEquals(
                        201_000,
                        client.append("uploaded", more, UploadOptions.defaults())
                                .dataset()
                                .totalRecords());
            }
            long next = 0;
            try (DatasetStream stream = client.get("uploaded", GetOptions.defaults(), allocator)) {
                while (stream.reader().loadNextBatch()) {
                    BigIntVector id =
                            (BigIntVector) stream.reader().getVectorSchemaRoot().getVector("id");
                    for (int i = 0; i < id.getValueCount(); i++, next++) {
                        assertEquals(next, id.get(i));
                    }
                }
            }
            assertEquals(201_000, next);
        }
    }

    private static ArrowStreamReader ids(long first, int batches, int rows, BufferAllocator allocator)
            throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (VectorSchemaRoot root = VectorSchemaRoot.create(SCHEMA, allocator);
                ArrowStreamWriter writer = new ArrowStreamWriter(root, null, out)) {
            BigIntVector id = (BigIntVector) root.getVector("id");
            long next = first;
            for (int b = 0; b < batches; b++) {
                id.allocateNew(rows);
                for (int i = 0; i < rows; i++) {
                    id.set(i, next++);
                }
                root.setRowCount(rows);
                writer.writeBatch();
            }
        }
        return new ArrowStreamReader(new ByteArrayInputStream(out.toByteArray()), allocator);
    }
}

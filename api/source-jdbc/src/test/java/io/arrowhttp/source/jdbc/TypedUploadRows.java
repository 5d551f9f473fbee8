package io.arrowhttp.source.jdbc;

import io.arrowhttp.client.ArrowHttpClient;
import io.arrowhttp.client.UploadOptions;
import io.arrowhttp.dataset.DatasetDescription;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.IntPredicate;
import javax.sql.DataSource;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.SmallIntVector;
import org.apache.arrow.vector.TimeStampMicroTZVector;
import org.apache.arrow.vector.TimeStampMicroVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/** Arrow streams of every common type that the table upload tests send, written as another client would. */
final class TypedUploadRows {

    static final Schema SCHEMA = new Schema(List.of(
            Field.notNullable("id", new ArrowType.Int(64, true)),
            Field.nullable("small", new ArrowType.Int(16, true)),
            Field.nullable("medium", new ArrowType.Int(32, true)),
            Field.nullable("ratio", new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE)),
            Field.nullable("price", new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE)),
            Field.nullable("amount", new ArrowType.Decimal(14, 4, 128)),
            Field.nullable("label", ArrowType.Utf8.INSTANCE),
            Field.nullable("flag", ArrowType.Bool.INSTANCE),
            Field.nullable("day", new ArrowType.Date(DateUnit.DAY)),
            Field.nullable("ts", new ArrowType.Timestamp(TimeUnit.MICROSECOND, null)),
            Field.nullable("tstz", new ArrowType.Timestamp(TimeUnit.MICROSECOND, "UTC")),
            Field.nullable("raw", ArrowType.Binary.INSTANCE)));

    /**
     * Rows of every type from {@code first}: every seventh all null but the id; {@code nullId} rows
     * without an id. Amounts are large and positive for every third id, small and negative otherwise.
     */
    static byte[] stream(long first, int batches, int rows, IntPredicate nullId) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (BufferAllocator writing = new RootAllocator();
                VectorSchemaRoot root = VectorSchemaRoot.create(SCHEMA, writing);
                ArrowStreamWriter writer = new ArrowStreamWriter(root, null, out)) {
            writer.start();
            long id = first;
            int index = 0;
            for (int b = 0; b < batches; b++) {
                root.allocateNew();
                for (int i = 0; i < rows; i++, id++, index++) {
                    if (nullId.test(index)) {
                        ((BigIntVector) root.getVector("id")).setNull(i);
                    } else {
                        ((BigIntVector) root.getVector("id")).set(i, id);
                    }
                    if (id % 7 == 0) {
                        continue;
                    }
                    ((SmallIntVector) root.getVector("small")).set(i, (short) id);
                    ((IntVector) root.getVector("medium")).set(i, (int) id);
                    ((Float4Vector) root.getVector("ratio")).set(i, id / 4f);
                    ((Float8Vector) root.getVector("price")).set(i, id + 0.25);
                    ((DecimalVector) root.getVector("amount"))
                            .setSafe(i, BigDecimal.valueOf(id % 3 == 0 ? id * 123_456_789L : -id, 4));
                    ((VarCharVector) root.getVector("label"))
                            .setSafe(i, ("row " + id + (id % 2 == 1 ? " ☃" : "")).getBytes(StandardCharsets.UTF_8));
                    ((BitVector) root.getVector("flag")).set(i, id % 2 == 0 ? 1 : 0);
                    ((DateDayVector) root.getVector("day")).set(i, (int) (19_723 + id));
                    ((TimeStampMicroVector) root.getVector("ts")).set(i, 1_704_067_200_000_000L + id * 1_000_001L);
                    ((TimeStampMicroTZVector) root.getVector("tstz")).set(i, 1_704_067_200_000_000L + id * 60_000_000L);
                    ((VarBinaryVector) root.getVector("raw"))
                            .setSafe(i, new byte[] {(byte) (id >> 8), (byte) id, (byte) 0xff});
                }
                root.setRowCount(rows);
                writer.writeBatch();
            }
            writer.end();
        }
        return out.toByteArray();
    }

    static byte[] narrow(List<BigDecimal> amounts) throws IOException {
        Schema schema = new Schema(List.of(
                Field.notNullable("id", new ArrowType.Int(64, true)),
                Field.nullable("amount", new ArrowType.Decimal(9, 2, 128))));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (BufferAllocator writing = new RootAllocator();
                VectorSchemaRoot root = VectorSchemaRoot.create(schema, writing);
                ArrowStreamWriter writer = new ArrowStreamWriter(root, null, out)) {
            root.allocateNew();
            for (int i = 0; i < amounts.size(); i++) {
                ((BigIntVector) root.getVector("id")).set(i, i);
                ((DecimalVector) root.getVector("amount"))
                        .setSafe(i, amounts.get(i).setScale(2));
            }
            root.setRowCount(amounts.size());
            writer.writeBatch();
        }
        return out.toByteArray();
    }

    /** A table that takes uploads, served as {@code SELECT * FROM name}. */
    static JdbcTableStore.Table table(DataSource pool, String name, JdbcTableStore.Method method) {
        return new JdbcTableStore.Table(
                JdbcDataset.of(
                        pool, DatasetDescription.of(name, "A table"), "SELECT * FROM " + name, List.of(), 10_000),
                name,
                method);
    }

    /** Sends {@code stream} with {@code put} (replacing) or {@code append}; the rows written. */
    static long upload(ArrowHttpClient client, String table, byte[] stream, boolean replace, BufferAllocator allocator)
            throws IOException {
        try (ArrowStreamReader reader = new ArrowStreamReader(new ByteArrayInputStream(stream), allocator)) {
            return replace
                    ? client.put(table, reader, UploadOptions.defaults()).rows()
                    : client.append(table, reader, UploadOptions.defaults()).rows();
        }
    }

    private TypedUploadRows() {}
}

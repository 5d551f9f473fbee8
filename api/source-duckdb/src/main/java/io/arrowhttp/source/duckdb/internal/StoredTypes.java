package io.arrowhttp.source.duckdb.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.memory.util.ArrowBufPointer;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.BaseIntVector;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.BitVectorHelper;
import org.apache.arrow.vector.ElementAddressableVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.FixedSizeBinaryVector;
import org.apache.arrow.vector.Float2Vector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.VariableWidthFieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.dictionary.Dictionary;
import org.apache.arrow.vector.dictionary.DictionaryProvider;
import org.apache.arrow.vector.ipc.message.ArrowFieldNode;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.DictionaryEncoding;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The Arrow types a Parquet file stores ({@code ARROW:schema}), restored on DuckDB's batches: the
 * plan, made once per dataset from DuckDB's schema and the stored one, of how each column's
 * vectors become the stored type. Columns whose layout is the same (a list whose child has another
 * name, {@code int64} and a duration, a time zone) take DuckDB's buffers as they are; others are
 * converted vector by vector (units rescaled, offsets widened, strings dictionary-encoded), never
 * through rows of values.
 *
 * <p>The served types are those Arrow C++'s Parquet reader ({@code pyarrow.parquet.read_table})
 * gives: the stored type, except where Parquet itself keeps less ({@code timestamp[s]} and
 * {@code time32[s]} are stored in milliseconds, {@code date64} as days) and where DuckDB reads a
 * column with less than the file has (a decimal of more than 38 digits, read as a double): such a
 * column keeps DuckDB's type, and the plan says so once, when it is made.
 */
public final class StoredTypes {

    private final Schema served;
    private final Map<String, Copier> copiers;
    private final Map<String, DictionaryColumn> dictionaryColumns;

    private StoredTypes(Schema served, Map<String, Copier> copiers, Map<String, DictionaryColumn> dictionaryColumns) {
        this.served = served;
        this.copiers = copiers;
        this.dictionaryColumns = dictionaryColumns;
    }

    /** Fills one vector of the served type from DuckDB's vector of the same column. */
    @FunctionalInterface
    interface Copier {
        /** {@code to} is empty; after the call it holds {@code from}'s values and count. */
        void copy(FieldVector from, FieldVector to, BufferAllocator allocator);
    }

    /**
     * The plan for DuckDB's schema {@code duckdb} of a file that stores {@code stored} (message
     * format); null when the two do not name the same columns in the same order, then DuckDB's
     * types are served. {@code warnings} hears of each column that keeps DuckDB's type.
     */
    public static StoredTypes plan(Schema duckdb, Schema stored, Consumer<String> warnings) {
        List<Field> from = duckdb.getFields();
        List<Field> to = stored.getFields();
        if (from.size() != to.size()) {
            warnings.accept("the stored Arrow schema has " + to.size() + " columns, DuckDB reads " + from.size());
            return null;
        }
        List<Field> fields = new ArrayList<>();
        Map<String, Copier> copiers = new HashMap<>();
        Map<String, DictionaryColumn> dictionaryColumns = new HashMap<>();
        for (int i = 0; i < from.size(); i++) {
            Field duck = from.get(i);
            Field wanted = parquetType(to.get(i), duck);
            if (!duck.getName().equals(wanted.getName())) {
                warnings.accept("the stored Arrow schema names column " + i + " '" + wanted.getName() + "', DuckDB '"
                        + duck.getName() + "'");
                return null;
            }
            DictionaryEncoding encoding = wanted.getDictionary();
            Copier copier;
            Field servedField;
            if (encoding != null) {
                Field values = new Field(
                        wanted.getName(),
                        new FieldType(wanted.isNullable(), wanted.getType(), null, wanted.getMetadata()),
                        wanted.getChildren());
                copier = addressable(values) ? plan(duck, values) : null;
                servedField = new Field(
                        wanted.getName(),
                        new FieldType(wanted.isNullable(), encoding.getIndexType(), encoding, wanted.getMetadata()),
                        null);
                if (copier != null) {
                    dictionaryColumns.put(wanted.getName(), new DictionaryColumn(values, encoding, copier));
                }
            } else {
                copier = plan(duck, wanted);
                servedField = wanted;
            }
            if (copier == null) {
                warnings.accept("column '" + duck.getName() + "' is served as DuckDB reads it, " + duck.getType()
                        + ", not as the file stores it, " + to.get(i).getType());
                fields.add(duck);
            } else {
                fields.add(servedField);
                copiers.put(duck.getName(), copier);
            }
        }
        return new StoredTypes(new Schema(fields, stored.getCustomMetadata()), copiers, dictionaryColumns);
    }

    /**
     * The served schema in message format: dictionary-encoded columns have their value type and
     * its children, the index type in their encoding. For the catalog.
     */
    public Schema messageSchema() {
        List<Field> fields = new ArrayList<>();
        for (Field field : served.getFields()) {
            DictionaryColumn dictionary = dictionaryColumns.get(field.getName());
            fields.add(
                    dictionary == null
                            ? field
                            : new Field(
                                    field.getName(),
                                    new FieldType(
                                            field.isNullable(),
                                            dictionary.values().getType(),
                                            dictionary.encoding(),
                                            field.getMetadata()),
                                    dictionary.values().getChildren()));
        }
        return new Schema(fields, served.getCustomMetadata());
    }

    /** The served schema, in memory format (dictionary-encoded columns have their index type). */
    public Schema served() {
        return served;
    }

    /**
     * The stored type as Parquet keeps it, which is what Arrow's Parquet readers give: seconds
     * are kept as milliseconds, {@code date64} as days, and nanoseconds only if the file has them
     * (DuckDB reads a column in nanoseconds exactly when the file stores them).
     */
    private static Field parquetType(Field stored, Field duck) {
        ArrowType type = stored.getType();
        ArrowType adjusted = type;
        if (type instanceof ArrowType.Timestamp ts) {
            TimeUnit unit = ts.getUnit() == TimeUnit.SECOND ? TimeUnit.MILLISECOND : ts.getUnit();
            if (unit == TimeUnit.NANOSECOND
                    && duck.getType() instanceof ArrowType.Timestamp duckTs
                    && duckTs.getUnit() != TimeUnit.NANOSECOND) {
                unit = TimeUnit.MICROSECOND;
            }
            adjusted = new ArrowType.Timestamp(unit, ts.getTimezone());
        } else if (type instanceof ArrowType.Time time && time.getUnit() == TimeUnit.SECOND) {
            adjusted = new ArrowType.Time(TimeUnit.MILLISECOND, 32);
        } else if (type instanceof ArrowType.Date date && date.getUnit() == DateUnit.MILLISECOND) {
            adjusted = new ArrowType.Date(DateUnit.DAY);
        }
        List<Field> children = new ArrayList<>();
        List<Field> duckChildren = duck.getChildren();
        for (int i = 0; i < stored.getChildren().size(); i++) {
            Field child = stored.getChildren().get(i);
            children.add(i < duckChildren.size() ? parquetType(child, duckChildren.get(i)) : child);
        }
        return new Field(
                stored.getName(),
                new FieldType(stored.isNullable(), adjusted, stored.getDictionary(), stored.getMetadata()),
                children);
    }

    /** The copier from DuckDB's field {@code from} to the stored field {@code to}; null when there is none. */
    static Copier plan(Field from, Field to) {
        if (to.getDictionary() != null || from.getDictionary() != null) {
            return null;
        }
        if (sameLayout(from, to)) {
            return (source, target, allocator) -> load(source, target);
        }
        ArrowType f = from.getType();
        ArrowType t = to.getType();
        if (t instanceof ArrowType.FloatingPoint fp
                && fp.getPrecision() == FloatingPointPrecision.HALF
                && f instanceof ArrowType.FloatingPoint ffp
                && ffp.getPrecision() == FloatingPointPrecision.SINGLE) {
            return StoredTypes::toHalfFloat;
        }
        if ((t instanceof ArrowType.LargeUtf8 && f instanceof ArrowType.Utf8)
                || (t instanceof ArrowType.LargeBinary && f instanceof ArrowType.Binary)) {
            return StoredTypes::widenOffsets;
        }
        if ((t instanceof ArrowType.Utf8View && f instanceof ArrowType.Utf8)
                || (t instanceof ArrowType.BinaryView && f instanceof ArrowType.Binary)
                || (t instanceof ArrowType.FixedSizeBinary && f instanceof ArrowType.Binary)) {
            return StoredTypes::copyBytes;
        }
        if (t instanceof ArrowType.Decimal wide
                && wide.getBitWidth() == 256
                && f instanceof ArrowType.Decimal narrow
                && narrow.getBitWidth() == 128
                && narrow.getScale() == wide.getScale()) {
            return StoredTypes::widenDecimals;
        }
        long scale = scale(f, t);
        if (scale != 0) {
            return (source, target, allocator) -> rescale(source, target, scale);
        }
        if (t instanceof ArrowType.Null) {
            return (source, target, allocator) -> target.setValueCount(source.getValueCount());
        }
        List<Copier> children = childCopiers(from, to);
        if (children == null) {
            return null;
        }
        if (t instanceof ArrowType.Struct && f instanceof ArrowType.Struct) {
            return (source, target, allocator) -> {
                loadOwn(source, target);
                copyChildren(source, target, children, allocator);
            };
        }
        boolean fromList = f instanceof ArrowType.List || f instanceof ArrowType.Map;
        if (fromList && (t instanceof ArrowType.List || t instanceof ArrowType.Map) && t.getTypeID() == f.getTypeID()) {
            return (source, target, allocator) -> {
                loadOwn(source, target);
                copyChildren(source, target, children, allocator);
            };
        }
        if (fromList && t instanceof ArrowType.LargeList) {
            return (source, target, allocator) -> {
                widenOffsets(source, target, allocator);
                copyChildren(source, target, children, allocator);
            };
        }
        if (f instanceof ArrowType.List && t instanceof ArrowType.FixedSizeList fixed) {
            return (source, target, allocator) -> toFixedSizeList(
                    (ListVector) source, (FixedSizeListVector) target, fixed.getListSize(), children.get(0), allocator);
        }
        return null;
    }

    private static List<Copier> childCopiers(Field from, Field to) {
        if (from.getChildren().size() != to.getChildren().size()) {
            return null;
        }
        List<Copier> copiers = new ArrayList<>();
        for (int i = 0; i < from.getChildren().size(); i++) {
            Copier copier = plan(from.getChildren().get(i), to.getChildren().get(i));
            if (copier == null) {
                return null;
            }
            copiers.add(copier);
        }
        return copiers;
    }

    /** Whether {@code to}'s vectors can take {@code from}'s buffers as they are. */
    private static boolean sameLayout(Field from, Field to) {
        if (!sameBuffers(from.getType(), to.getType())
                || from.getChildren().size() != to.getChildren().size()
                || to.getDictionary() != null) {
            return false;
        }
        for (int i = 0; i < from.getChildren().size(); i++) {
            if (!sameLayout(from.getChildren().get(i), to.getChildren().get(i))) {
                return false;
            }
        }
        return true;
    }

    private static boolean sameBuffers(ArrowType from, ArrowType to) {
        if (from.equals(to)) {
            return true;
        }
        if (from instanceof ArrowType.Timestamp f && to instanceof ArrowType.Timestamp t) {
            return f.getUnit() == t.getUnit();
        }
        if (from instanceof ArrowType.Int i && to instanceof ArrowType.Duration) {
            return i.getBitWidth() == 64;
        }
        return from instanceof ArrowType.Map f
                && to instanceof ArrowType.Map t
                && f.getKeysSorted() == t.getKeysSorted();
    }

    /** The factor from {@code from}'s unit to {@code to}'s: positive to multiply, negative to divide, 0 if none. */
    private static long scale(ArrowType from, ArrowType to) {
        long fromNanos;
        long toNanos;
        if (from instanceof ArrowType.Timestamp f && to instanceof ArrowType.Timestamp t) {
            fromNanos = nanos(f.getUnit());
            toNanos = nanos(t.getUnit());
        } else if (from instanceof ArrowType.Time f && to instanceof ArrowType.Time t) {
            fromNanos = nanos(f.getUnit());
            toNanos = nanos(t.getUnit());
        } else if (from instanceof ArrowType.Date f
                && f.getUnit() == DateUnit.DAY
                && to instanceof ArrowType.Date t
                && t.getUnit() == DateUnit.MILLISECOND) {
            return 86_400_000L;
        } else {
            return 0;
        }
        return fromNanos >= toNanos ? fromNanos / toNanos : -(toNanos / fromNanos);
    }

    private static long nanos(TimeUnit unit) {
        return switch (unit) {
            case SECOND -> 1_000_000_000L;
            case MILLISECOND -> 1_000_000L;
            case MICROSECOND -> 1_000L;
            default -> 1L;
        };
    }

    /** Whether a dictionary of this value type can be built here (values addressable as bytes). */
    private static boolean addressable(Field values) {
        try (BufferAllocator allocator = new RootAllocator();
                FieldVector vector = values.createVector(allocator)) {
            return vector instanceof ElementAddressableVector;
        }
    }

    /** {@code from}'s buffers, and its children's, taken over by {@code to} (reference-counted, not copied). */
    private static void load(FieldVector from, FieldVector to) {
        loadOwn(from, to);
        List<FieldVector> fromChildren = from.getChildrenFromFields();
        List<FieldVector> toChildren = to.getChildrenFromFields();
        for (int i = 0; i < fromChildren.size(); i++) {
            load(fromChildren.get(i), toChildren.get(i));
        }
    }

    private static void loadOwn(FieldVector from, FieldVector to) {
        to.loadFieldBuffers(new ArrowFieldNode(from.getValueCount(), from.getNullCount()), from.getFieldBuffers());
    }

    private static void copyChildren(
            FieldVector from, FieldVector to, List<Copier> children, BufferAllocator allocator) {
        List<FieldVector> fromChildren = from.getChildrenFromFields();
        List<FieldVector> toChildren = to.getChildrenFromFields();
        for (int i = 0; i < children.size(); i++) {
            children.get(i).copy(fromChildren.get(i), toChildren.get(i), allocator);
        }
    }

    private static void toHalfFloat(FieldVector from, FieldVector to, BufferAllocator allocator) {
        Float4Vector source = (Float4Vector) from;
        Float2Vector target = (Float2Vector) to;
        int count = source.getValueCount();
        target.allocateNew(count);
        for (int i = 0; i < count; i++) {
            if (source.isNull(i)) {
                target.setNull(i);
            } else {
                target.setWithPossibleTruncate(i, source.get(i));
            }
        }
        target.setValueCount(count);
    }

    /** 32-bit offsets made 64-bit (a list's, or a string's or binary's), other buffers taken over. */
    private static void widenOffsets(FieldVector from, FieldVector to, BufferAllocator allocator) {
        List<ArrowBuf> buffers = from.getFieldBuffers();
        int count = from.getValueCount();
        ArrowBuf offsets = buffers.get(1);
        try (ArrowBuf wide = allocator.buffer(8L * (count + 1))) {
            for (int i = 0; i <= count; i++) {
                wide.setLong(8L * i, count == 0 && offsets.capacity() < 4 ? 0 : offsets.getInt(4L * i));
            }
            List<ArrowBuf> widened = new ArrayList<>(buffers);
            widened.set(1, wide);
            to.loadFieldBuffers(new ArrowFieldNode(count, from.getNullCount()), widened);
        }
    }

    /** Each value's bytes copied: into views, or into fixed-size binary (which checks each width). */
    private static void copyBytes(FieldVector from, FieldVector to, BufferAllocator allocator) {
        BaseVariableWidthVector source = (BaseVariableWidthVector) from;
        int count = source.getValueCount();
        ArrowBuf data = source.getDataBuffer();
        if (to instanceof FixedSizeBinaryVector fixed) {
            int width = fixed.getByteWidth();
            fixed.allocateNew(count);
            for (int i = 0; i < count; i++) {
                if (source.isNull(i)) {
                    fixed.setNull(i);
                    continue;
                }
                if (source.getValueLength(i) != width) {
                    throw new IllegalStateException("a value of " + source.getValueLength(i)
                            + " bytes in a column the file stores as fixed_size_binary[" + width + "]");
                }
                fixed.setSafe(i, data.slice(source.getStartOffset(i), width));
            }
            fixed.setValueCount(count);
            return;
        }
        VariableWidthFieldVector target = (VariableWidthFieldVector) to;
        target.setInitialCapacity(count);
        target.allocateNew();
        byte[] bytes = new byte[0];
        for (int i = 0; i < count; i++) {
            if (source.isNull(i)) {
                target.setNull(i);
                continue;
            }
            int length = source.getValueLength(i);
            if (bytes.length < length) {
                bytes = new byte[Math.max(length, 2 * bytes.length)];
            }
            data.getBytes(source.getStartOffset(i), bytes, 0, length);
            target.setSafe(i, bytes, 0, length);
        }
        target.setValueCount(count);
    }

    /** 128-bit decimals as 256-bit ones of the same scale: each value sign-extended. */
    private static void widenDecimals(FieldVector from, FieldVector to, BufferAllocator allocator) {
        BaseFixedWidthVector source = (BaseFixedWidthVector) from;
        BaseFixedWidthVector target = (BaseFixedWidthVector) to;
        int count = source.getValueCount();
        target.allocateNew(count);
        ArrowBuf in = source.getDataBuffer();
        ArrowBuf out = target.getDataBuffer();
        for (int i = 0; i < count; i++) {
            if (source.isNull(i)) {
                continue;
            }
            long low = in.getLong(16L * i);
            long high = in.getLong(16L * i + 8);
            long sign = high < 0 ? -1L : 0L;
            out.setLong(32L * i, low);
            out.setLong(32L * i + 8, high);
            out.setLong(32L * i + 16, sign);
            out.setLong(32L * i + 24, sign);
            BitVectorHelper.setBit(target.getValidityBuffer(), i);
        }
        target.setValueCount(count);
    }

    /** Times and dates to another unit, multiplied ({@code scale > 0}) or divided. */
    private static void rescale(FieldVector from, FieldVector to, long scale) {
        BaseFixedWidthVector source = (BaseFixedWidthVector) from;
        BaseFixedWidthVector target = (BaseFixedWidthVector) to;
        int count = source.getValueCount();
        int fromWidth = source.getTypeWidth();
        int toWidth = target.getTypeWidth();
        target.allocateNew(count);
        ArrowBuf in = source.getDataBuffer();
        ArrowBuf out = target.getDataBuffer();
        for (int i = 0; i < count; i++) {
            if (source.isNull(i)) {
                continue;
            }
            long value = fromWidth == 8 ? in.getLong(8L * i) : in.getInt(4L * i);
            long converted = scale > 0 ? value * scale : Math.floorDiv(value, -scale);
            if (toWidth == 8) {
                out.setLong(8L * i, converted);
            } else {
                out.setInt(4L * i, (int) converted);
            }
            BitVectorHelper.setBit(target.getValidityBuffer(), i);
        }
        target.setValueCount(count);
    }

    /** A list whose every non-null entry has {@code size} values, as a fixed-size list; null entries get null values. */
    private static void toFixedSizeList(
            ListVector from, FixedSizeListVector to, int size, Copier child, BufferAllocator allocator) {
        int count = from.getValueCount();
        FieldVector values = to.getDataVector();
        try (FieldVector converted = values.getField().createVector(allocator)) {
            child.copy(from.getDataVector(), converted, allocator);
            to.setInitialCapacity(count);
            to.allocateNew();
            values.setInitialCapacity(count * size);
            values.allocateNew();
            for (int i = 0; i < count; i++) {
                if (from.isNull(i)) {
                    to.setNull(i);
                    continue;
                }
                int start = from.getElementStartIndex(i);
                int length = from.getElementEndIndex(i) - start;
                if (length != size) {
                    throw new IllegalStateException("a list of " + length
                            + " values in a column the file stores as fixed_size_list[" + size + "]");
                }
                to.setNotNull(i);
                for (int j = 0; j < size; j++) {
                    values.copyFromSafe(start + j, i * size + j, converted);
                }
            }
            to.setValueCount(count);
        }
    }

    /**
     * The conversion of one response's batches, which owns the dictionaries it builds: {@link
     * #close()} closes them, after the stream that sends them.
     */
    public Conversion start(BufferAllocator allocator) {
        return new Conversion(allocator);
    }

    /** A dictionary-encoded column: its values' field and how DuckDB's vector becomes values. */
    private record DictionaryColumn(Field values, DictionaryEncoding encoding, Copier copier) {}

    /** One response's conversion: the batches' vectors, and the dictionaries that grow with them. */
    public final class Conversion implements DictionaryProvider, AutoCloseable {

        private final BufferAllocator allocator;
        private final Map<Long, GrowingDictionary> dictionaries = new LinkedHashMap<>();

        private Conversion(BufferAllocator allocator) {
            this.allocator = allocator;
            for (DictionaryColumn column : dictionaryColumns.values()) {
                dictionaries.put(
                        column.encoding().getId(),
                        new GrowingDictionary(column.values(), column.encoding(), allocator));
            }
        }

        /**
         * Fills {@code to} (the served columns, any subset of the plan's, by name) from DuckDB's
         * batch {@code from} of the same columns in the same order.
         */
        public void convert(VectorSchemaRoot from, VectorSchemaRoot to) {
            for (int i = 0; i < to.getFieldVectors().size(); i++) {
                FieldVector source = from.getVector(i);
                FieldVector target = to.getVector(i);
                String name = target.getName();
                DictionaryColumn dictionary = dictionaryColumns.get(name);
                Copier copier = copiers.get(name);
                if (dictionary != null) {
                    try (FieldVector values = dictionary.values().createVector(allocator)) {
                        dictionary.copier().copy(source, values, allocator);
                        dictionaries.get(dictionary.encoding().getId()).encode(values, (BaseIntVector) target);
                    }
                } else if (copier == null) {
                    source.makeTransferPair(target).transfer();
                } else {
                    copier.copy(source, target, allocator);
                }
            }
            to.setRowCount(from.getRowCount());
        }

        @Override
        public Dictionary lookup(long id) {
            GrowingDictionary dictionary = dictionaries.get(id);
            return dictionary == null ? null : dictionary.dictionary;
        }

        @Override
        public Set<Long> getDictionaryIds() {
            return dictionaries.keySet();
        }

        /** Closes the dictionaries' vectors. */
        @Override
        public void close() {
            dictionaries.values().forEach(dictionary -> dictionary.values.close());
        }
    }

    /** A dictionary that grows with the values it meets, in the order it meets them. */
    static final class GrowingDictionary {

        final Dictionary dictionary;
        private final FieldVector values;
        private final ArrowBufPointer probe = new ArrowBufPointer();
        private final ArrowBufPointer entry = new ArrowBufPointer();
        private int[] slots = new int[64];
        private int[] hashes = new int[32];
        private int size;

        GrowingDictionary(Field valueField, DictionaryEncoding encoding, BufferAllocator allocator) {
            this.values = valueField.createVector(allocator);
            this.values.allocateNew();
            this.dictionary = new Dictionary(values, encoding);
        }

        /** Sets {@code indices} to the index of each of {@code batch}'s values, adding those not seen yet. */
        void encode(FieldVector batch, BaseIntVector indices) {
            ElementAddressableVector addressable = (ElementAddressableVector) batch;
            int count = batch.getValueCount();
            FieldVector target = (FieldVector) indices;
            target.setInitialCapacity(count);
            target.allocateNew();
            for (int i = 0; i < count; i++) {
                if (batch.isNull(i)) {
                    continue;
                }
                indices.setWithPossibleTruncate(i, indexOf(addressable, batch, i));
            }
            target.setValueCount(count);
            values.setValueCount(size);
        }

        private int indexOf(ElementAddressableVector batch, FieldVector vector, int row) {
            batch.getDataPointer(row, probe);
            int hash = probe.hashCode();
            int mask = slots.length - 1;
            for (int slot = mix(hash) & mask; ; slot = (slot + 1) & mask) {
                int index = slots[slot] - 1;
                if (index < 0) {
                    index = size++;
                    values.copyFromSafe(row, index, vector);
                    if (index == hashes.length) {
                        hashes = Arrays.copyOf(hashes, 2 * hashes.length);
                    }
                    hashes[index] = hash;
                    slots[slot] = index + 1;
                    if (2 * size > slots.length) {
                        grow();
                    }
                    return index;
                }
                if (hashes[index] == hash) {
                    ((ElementAddressableVector) values).getDataPointer(index, entry);
                    if (entry.equals(probe)) {
                        return index;
                    }
                }
            }
        }

        private void grow() {
            slots = new int[2 * slots.length];
            int mask = slots.length - 1;
            for (int index = 0; index < size; index++) {
                int slot = mix(hashes[index]) & mask;
                while (slots[slot] != 0) {
                    slot = (slot + 1) & mask;
                }
                slots[slot] = index + 1;
            }
        }

        private static int mix(int hash) {
            return hash ^ (hash >>> 16);
        }
    }
}

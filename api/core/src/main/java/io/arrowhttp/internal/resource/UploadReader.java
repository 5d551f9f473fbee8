package io.arrowhttp.internal.resource;

import io.arrowhttp.protocol.ArrowHttpException;
import io.arrowhttp.protocol.ClientText;
import io.arrowhttp.protocol.ErrorCode;
import io.arrowhttp.protocol.internal.BufferCodecs;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.arrow.flatbuf.BodyCompression;
import org.apache.arrow.flatbuf.BodyCompressionMethod;
import org.apache.arrow.flatbuf.Buffer;
import org.apache.arrow.flatbuf.DictionaryBatch;
import org.apache.arrow.flatbuf.FieldNode;
import org.apache.arrow.flatbuf.Message;
import org.apache.arrow.flatbuf.MessageHeader;
import org.apache.arrow.flatbuf.MetadataVersion;
import org.apache.arrow.flatbuf.RecordBatch;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.OutOfMemoryException;
import org.apache.arrow.memory.util.MemoryUtil;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.BaseIntVector;
import org.apache.arrow.vector.BaseVariableWidthViewVector;
import org.apache.arrow.vector.Decimal256Vector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.TypeLayout;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.compression.CompressionCodec;
import org.apache.arrow.vector.compression.CompressionUtil;
import org.apache.arrow.vector.dictionary.Dictionary;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.ipc.ReadChannel;
import org.apache.arrow.vector.ipc.message.ArrowFieldNode;
import org.apache.arrow.vector.ipc.message.MessageMetadataResult;
import org.apache.arrow.vector.ipc.message.MessageSerializer;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.arrow.vector.util.ValueVectorUtility;
import org.apache.arrow.vector.util.VectorBatchAppender;
import org.apache.arrow.vector.validate.ValidateVectorDataVisitor;

/**
 * The Arrow IPC stream of an upload, read message by message into a root, every batch checked
 * whole before a store sees it.
 *
 * <p>Arrow's own stream reader trusts what a message says: a failure part-way through a message
 * (a buffer outside its body, a compressed buffer that does not decompress, a column whose
 * buffers do not fit its type) left buffers it had allocated with no owner, held for good by the upload's allocator, which then could not close either; and a batch
 * that declares more rows than its columns have was grown to fit, with made-up values. Here every
 * buffer a message needs is owned by this reader until its vector has taken its own reference,
 * and released on every path; every length is checked before anything is allocated for it; and
 * each batch is validated as Arrow's full validation does (buffers against row counts, offsets,
 * nested lengths, null counts) plus what that does not cover (each column's row count against
 * the batch's, dictionary indices against their dictionary), before it is handed out.
 *
 * <p>{@code maxBytes} bounds the Arrow data the upload decodes, counted as each buffer is
 * decompressed and checked before the memory for it is allocated: a small compressed body cannot
 * make the server hold or store more than that.
 *
 * <p>Failures are {@link ArrowHttpException}s naming the batch and the column: {@code
 * INVALID_ARGUMENT}, or {@code TOO_LARGE} past {@code maxBytes}. The channel's own failures (a
 * body that broke off) are thrown as they come; an {@link OutOfMemoryException} means a batch
 * needs more than the allocator's limit.
 *
 * <h2>Ownership</h2>
 * The caller owns the allocator and the channel. The root and the dictionaries are allocated from
 * the allocator and freed by {@link #close(boolean)}; the body of a message and its decompressed
 * buffers are freed before {@link #loadNextBatch()} returns or throws.
 */
final class UploadReader extends ArrowReader {

    private static final String REMEDY = " Send the stream as an Arrow library writes it. Nothing was written.";

    private final ReadChannel in;
    private final BufferAllocator allocator;
    private final long maxBytes;
    private final Set<Long> dictionariesLoaded = new HashSet<>();
    private long decodedBytes;
    private long batches;
    private long dictionaryBatches;

    /**
     * @param maxBytes the most Arrow bytes, decompressed, the upload may have: message metadata and
     *     buffers
     */
    UploadReader(ReadChannel in, BufferAllocator allocator, long maxBytes) {
        super(allocator, BufferCodecs.INSTANCE);
        this.in = in;
        this.allocator = allocator;
        this.maxBytes = maxBytes;
    }

    /** The Arrow bytes decoded so far: message metadata and buffers, decompressed. */
    long decodedBytes() {
        return decodedBytes;
    }

    @Override
    protected Schema readSchema() throws IOException {
        MessageMetadataResult result = readMessage();
        if (result == null) {
            throw ArrowHttpException.invalidArgument(
                    "The upload has no Arrow schema: its body ends before the stream's first message." + REMEDY);
        }
        Message message = result.getMessage();
        if (message.headerType() != MessageHeader.Schema || result.getMessageBodyLength() != 0) {
            throw ArrowHttpException.invalidArgument(
                    "The upload's Arrow stream does not start with its schema message." + REMEDY);
        }
        try {
            return MessageSerializer.deserializeSchema(message);
        } catch (RuntimeException e) {
            throw ArrowHttpException.invalidArgument("The upload's schema message cannot be read ("
                    + ClientText.quote(String.valueOf(e.getMessage())) + ")." + REMEDY);
        }
    }

    @Override
    public boolean loadNextBatch() throws IOException {
        prepareLoadNextBatch();
        while (true) {
            MessageMetadataResult result = readMessage();
            if (result == null) {
                return false;
            }
            Message message = result.getMessage();
            long bodyLength = result.getMessageBodyLength();
            if (message.headerType() == MessageHeader.RecordBatch) {
                batches++;
                RecordBatch header = (RecordBatch) message.header(new RecordBatch());
                String what = "Record batch " + batches + " of the upload";
                if (header == null) {
                    throw ArrowHttpException.invalidArgument(what + " has no header." + REMEDY);
                }
                readBatch(header, bodyLength, what);
                return true;
            }
            if (message.headerType() == MessageHeader.DictionaryBatch) {
                dictionaryBatches++;
                DictionaryBatch header = (DictionaryBatch) message.header(new DictionaryBatch());
                String what = "Dictionary batch " + dictionaryBatches + " of the upload";
                if (header == null || header.data() == null) {
                    throw ArrowHttpException.invalidArgument(what + " has no header." + REMEDY);
                }
                readDictionary(header, bodyLength, what);
                continue;
            }
            throw ArrowHttpException.invalidArgument("After its schema, the upload's Arrow stream has a message of"
                    + " type " + message.headerType() + "; it may have only record batches and dictionary batches."
                    + REMEDY);
        }
    }

    private MessageMetadataResult readMessage() throws IOException {
        long start = in.bytesRead();
        MessageMetadataResult result;
        try {
            result = MessageSerializer.readMessage(in);
        } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            throw ArrowHttpException.invalidArgument("A message of the upload's Arrow stream cannot be read ("
                    + ClientText.quote(String.valueOf(e.getMessage())) + ")." + REMEDY);
        }
        count(in.bytesRead() - start, "message metadata");
        if (result != null
                && result.getMessage().version() != MetadataVersion.V4
                && result.getMessage().version() != MetadataVersion.V5) {
            throw ArrowHttpException.invalidArgument("A message of the upload's Arrow stream has metadata version "
                    + result.getMessage().version() + "; this server reads versions 4 and 5 (Arrow 0.15 and"
                    + " later)." + REMEDY);
        }
        return result;
    }

    private void readBatch(RecordBatch header, long bodyLength, String what) throws IOException {
        long rows = header.length();
        if (rows < 0 || rows > Integer.MAX_VALUE) {
            throw ArrowHttpException.invalidArgument(
                    what + " declares " + rows + " rows; a batch has 0 to " + Integer.MAX_VALUE + "." + REMEDY);
        }
        VectorSchemaRoot root = getVectorSchemaRoot();
        try (ArrowBuf body = readBody(bodyLength, what)) {
            load(header, body, root.getFieldVectors(), rows, what);
        }
        root.setRowCount((int) rows);
        for (FieldVector vector : root.getFieldVectors()) {
            checkIndices(vector, vector.getName(), what);
        }
    }

    private void readDictionary(DictionaryBatch header, long bodyLength, String what) throws IOException {
        Dictionary dictionary = lookup(header.id());
        if (dictionary == null) {
            throw ArrowHttpException.invalidArgument(
                    what + " has id " + header.id() + ", which no column of the schema has." + REMEDY);
        }
        RecordBatch data = header.data();
        long rows = data.length();
        if (rows < 0 || rows > Integer.MAX_VALUE) {
            throw ArrowHttpException.invalidArgument(what + " declares " + rows + " values." + REMEDY);
        }
        FieldVector target = dictionary.getVector();
        try (ArrowBuf body = readBody(bodyLength, what)) {
            if (header.isDelta() && dictionariesLoaded.contains(header.id())) {
                try (FieldVector delta = target.getField().createVector(allocator)) {
                    load(data, body, List.of(delta), rows, what);
                    VectorBatchAppender.batchAppend(target, delta);
                }
            } else {
                load(data, body, List.of(target), rows, what);
            }
        }
        dictionariesLoaded.add(header.id());
    }

    /** The body of a message, read whole into a buffer the caller closes. */
    private ArrowBuf readBody(long bodyLength, String what) throws IOException {
        if (bodyLength < 0) {
            throw ArrowHttpException.invalidArgument(what + " declares a body of " + bodyLength + " bytes." + REMEDY);
        }
        if (bodyLength > maxBytes - decodedBytes) {
            throw tooLarge(what);
        }
        ArrowBuf body = allocator.buffer(bodyLength);
        try {
            if (in.readFully(body, bodyLength) != bodyLength) {
                throw new IOException("The upload broke off in the body of a message");
            }
            return body;
        } catch (IOException | RuntimeException | Error e) {
            body.close();
            throw e;
        }
    }

    /**
     * Loads the buffers of {@code header}, sliced from {@code body} and decompressed, into
     * {@code vectors}, then validates them. Every buffer made here is closed before returning:
     * the vectors keep references of their own.
     */
    private void load(RecordBatch header, ArrowBuf body, List<FieldVector> vectors, long rows, String what) {
        Cursor at = new Cursor(header, body, codec(header, what), what);
        try {
            for (FieldVector vector : vectors) {
                loadVector(vector, vector.getName(), at, rows);
            }
            if (at.node < header.nodesLength()
                    || at.buffer < header.buffersLength()
                    || at.variadic < header.variadicBufferCountsLength()) {
                throw ArrowHttpException.invalidArgument(what + " has " + header.nodesLength() + " field nodes and "
                        + header.buffersLength() + " buffers, more than its schema's columns have." + REMEDY);
            }
        } finally {
            at.close();
        }
        for (FieldVector vector : vectors) {
            try {
                ValueVectorUtility.validate(vector);
                vector.accept(new DataChecks(), null);
            } catch (RuntimeException e) {
                throw ArrowHttpException.invalidArgument("Column " + ClientText.quote(vector.getName()) + " of "
                        + lower(what) + " is not valid Arrow data ("
                        + ClientText.quote(String.valueOf(e.getMessage())) + ")." + REMEDY);
            }
        }
    }

    /**
     * Loads one vector and its children.
     *
     * @param rows the length the vector must have, or -1 for a child, whose parent's buffers say
     *     what it needs
     */
    private void loadVector(FieldVector vector, String column, Cursor at, long rows) {
        Field field = vector.getField();
        if (at.node >= at.header.nodesLength()) {
            throw at.invalid(column, "has no field node");
        }
        FieldNode node = at.header.nodes(at.node++);
        long length = node.length();
        long nulls = node.nullCount();
        if (length < 0 || length > Integer.MAX_VALUE) {
            throw at.invalid(column, "has a length of " + length);
        }
        if (nulls < 0 || nulls > length) {
            throw at.invalid(column, "has " + nulls + " nulls in " + length + " values");
        }
        if (rows >= 0 && length != rows) {
            throw at.invalid(
                    column,
                    "has " + length + " values, but the batch declares " + rows
                            + " rows; each column of a batch has as many values as the batch has rows");
        }
        long count = TypeLayout.getTypeBufferCount(field.getType());
        if (vector instanceof BaseVariableWidthViewVector) {
            if (at.variadic >= at.header.variadicBufferCountsLength()) {
                throw at.invalid(column, "has no count of its variadic buffers");
            }
            long variadic = at.header.variadicBufferCounts(at.variadic++);
            if (variadic < 0 || variadic > at.header.buffersLength()) {
                throw at.invalid(column, "has " + variadic + " variadic buffers");
            }
            count += variadic;
        }
        List<ArrowBuf> buffers = new ArrayList<>();
        for (long i = 0; i < count; i++) {
            buffers.add(at.next(column));
        }
        try {
            vector.loadFieldBuffers(new ArrowFieldNode(length, nulls), buffers);
        } catch (OutOfMemoryException e) {
            throw e;
        } catch (RuntimeException e) {
            throw at.invalid(
                    column,
                    "has buffers that do not fit its type " + field.getType() + " ("
                            + ClientText.quote(String.valueOf(e.getMessage())) + ")");
        }
        List<Field> children = field.getChildren();
        List<FieldVector> childVectors = vector.getChildrenFromFields();
        if (children.size() != childVectors.size()) {
            throw at.invalid(column, "has " + childVectors.size() + " children, its schema " + children.size());
        }
        for (FieldVector child : childVectors) {
            loadVector(child, column + "." + child.getName(), at, -1);
        }
    }

    /** Dictionary-encoded columns: each index points into its dictionary, which was sent before. */
    private void checkIndices(FieldVector vector, String column, String what) {
        if (vector.getField().getDictionary() != null && vector instanceof BaseIntVector indices) {
            long id = vector.getField().getDictionary().getId();
            if (vector.getValueCount() > 0 && !dictionariesLoaded.contains(id)) {
                throw ArrowHttpException.invalidArgument("Column " + ClientText.quote(column) + " of " + lower(what)
                        + " is dictionary-encoded, but its dictionary (id " + id
                        + ") was not sent before the batch." + REMEDY);
            }
            long size = vector.getValueCount() == 0 ? 0 : lookup(id).getVector().getValueCount();
            for (int i = 0; i < vector.getValueCount(); i++) {
                if (!vector.isNull(i)) {
                    long index = indices.getValueAsLong(i);
                    if (index < 0 || index >= size) {
                        throw ArrowHttpException.invalidArgument("Column " + ClientText.quote(column) + " of "
                                + lower(what) + " has dictionary index " + index + " at row " + i
                                + ", outside its dictionary of " + size + " values." + REMEDY);
                    }
                }
            }
        }
        for (FieldVector child : vector.getChildrenFromFields()) {
            checkIndices(child, column + "." + child.getName(), what);
        }
    }

    /**
     * Arrow's checks of a vector's data (offsets, type ids, scalars), except that a decimal may
     * have as many digits as its type's precision: Arrow's own check refuses those too.
     */
    private static final class DataChecks extends ValidateVectorDataVisitor {

        @Override
        public Void visit(BaseFixedWidthVector vector, Void value) {
            if (!(vector instanceof DecimalVector) && !(vector instanceof Decimal256Vector)) {
                return super.visit(vector, value);
            }
            int precision = ((ArrowType.Decimal) vector.getField().getType()).getPrecision();
            for (int i = 0; i < vector.getValueCount(); i++) {
                if (!vector.isNull(i) && ((BigDecimal) vector.getObject(i)).precision() > precision) {
                    throw new IllegalArgumentException(
                            "row " + i + " has more digits than its precision, " + precision);
                }
            }
            return null;
        }
    }

    private static CompressionCodec codec(RecordBatch header, String what) {
        BodyCompression compression = header.compression();
        if (compression == null) {
            return null;
        }
        try {
            if (compression.method() != BodyCompressionMethod.BUFFER) {
                throw new IllegalArgumentException("method " + compression.method());
            }
            CompressionUtil.CodecType type = CompressionUtil.CodecType.fromCompressionType(compression.codec());
            return type == CompressionUtil.CodecType.NO_COMPRESSION ? null : BufferCodecs.INSTANCE.createCodec(type);
        } catch (RuntimeException e) {
            throw ArrowHttpException.invalidArgument(what + " is compressed in a way this server does not read ("
                    + ClientText.quote(String.valueOf(e.getMessage())) + "); compress buffers with zstd or lz4_frame."
                    + " Nothing was written.");
        }
    }

    private void count(long bytes, String what) {
        if (bytes > maxBytes - decodedBytes) {
            throw tooLarge(what);
        }
        decodedBytes += bytes;
    }

    private ArrowHttpException tooLarge(String where) {
        return new ArrowHttpException(
                ErrorCode.TOO_LARGE,
                "The upload is larger than the " + maxBytes + " bytes this server takes in one request, counting"
                        + " its Arrow data decompressed (" + lower(where) + " passes that); send it in parts."
                        + " Nothing was written.");
    }

    private static String lower(String what) {
        return Character.toLowerCase(what.charAt(0)) + what.substring(1);
    }

    @Override
    public long bytesRead() {
        return in.bytesRead();
    }

    @Override
    protected void closeReadSource() throws IOException {
        in.close();
    }

    /**
     * Where loading a message is: its next field node and buffer, and the buffers made so far,
     * which {@link #close()} releases.
     */
    private final class Cursor implements AutoCloseable {

        final RecordBatch header;
        final ArrowBuf body;
        final CompressionCodec codec;
        final String what;
        final List<ArrowBuf> made = new ArrayList<>();
        int node;
        int buffer;
        int variadic;

        Cursor(RecordBatch header, ArrowBuf body, CompressionCodec codec, String what) {
            this.header = header;
            this.body = body;
            this.codec = codec;
            this.what = what;
        }

        ArrowHttpException invalid(String column, String problem) {
            return ArrowHttpException.invalidArgument(
                    "Column " + ClientText.quote(column) + " of " + lower(what) + " " + problem + "." + REMEDY);
        }

        /** The next buffer of the message, decompressed; closed with this cursor. */
        ArrowBuf next(String column) {
            if (buffer >= header.buffersLength()) {
                throw invalid(column, "has fewer buffers than its type needs");
            }
            int index = buffer++;
            Buffer descriptor = header.buffers(index);
            long offset = descriptor.offset();
            long length = descriptor.length();
            long bodyLength = body.writerIndex();
            if (offset < 0 || length < 0 || offset > bodyLength || length > bodyLength - offset) {
                throw invalid(
                        column,
                        "has buffer " + (index + 1) + " of " + length + " bytes at " + offset
                                + ", outside the batch's body of " + bodyLength + " bytes");
            }
            ArrowBuf slice = body.slice(offset, length);
            // One reference for this buffer, released when the cursor closes, or by the codec.
            slice.getReferenceManager().retain();
            if (codec == null || length == 0) {
                made.add(slice);
                count(length, what);
                return slice;
            }
            if (length < CompressionUtil.SIZE_OF_UNCOMPRESSED_LENGTH) {
                slice.close();
                throw invalid(
                        column,
                        "has compressed buffer " + (index + 1) + " of " + length
                                + " bytes, too short for its uncompressed length");
            }
            long uncompressed = slice.getLong(0);
            if (!MemoryUtil.LITTLE_ENDIAN) {
                uncompressed = Long.reverseBytes(uncompressed);
            }
            if (uncompressed == CompressionUtil.NO_COMPRESSION_LENGTH) {
                ArrowBuf raw = slice.slice(
                        CompressionUtil.SIZE_OF_UNCOMPRESSED_LENGTH,
                        length - CompressionUtil.SIZE_OF_UNCOMPRESSED_LENGTH);
                made.add(raw);
                count(raw.capacity(), what);
                return raw;
            }
            if (uncompressed < 0) {
                slice.close();
                throw invalid(column, "has compressed buffer " + (index + 1) + " claiming " + uncompressed + " bytes");
            }
            if (uncompressed > maxBytes - decodedBytes) {
                slice.close();
                throw tooLarge(what);
            }
            ArrowBuf decompressed;
            try {
                decompressed = codec.decompress(allocator, slice);
            } catch (OutOfMemoryException e) {
                slice.close();
                throw e;
            } catch (RuntimeException e) {
                // The codec releases the compressed buffer only once it has succeeded.
                slice.close();
                throw invalid(
                        column,
                        "has compressed buffer " + (index + 1) + " that cannot be decompressed ("
                                + ClientText.quote(String.valueOf(e.getMessage())) + ")");
            }
            made.add(decompressed);
            if (decompressed.writerIndex() != uncompressed) {
                throw invalid(
                        column,
                        "has compressed buffer " + (index + 1) + " holding " + decompressed.writerIndex()
                                + " bytes, not the " + uncompressed + " it claims");
            }
            count(uncompressed, what);
            return decompressed;
        }

        @Override
        public void close() {
            for (ArrowBuf each : made) {
                each.close();
            }
        }
    }
}

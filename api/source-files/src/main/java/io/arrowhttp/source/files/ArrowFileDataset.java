package io.arrowhttp.source.files;

import io.arrowhttp.dataset.DatasetDescription;
import io.arrowhttp.dataset.DatasetRequest;
import io.arrowhttp.dataset.DescribedDataset;
import io.arrowhttp.dataset.Selection;
import io.arrowhttp.dataset.StoredStream;
import io.arrowhttp.protocol.ArrowHttpException;
import io.arrowhttp.protocol.ClientText;
import io.arrowhttp.protocol.ErrorCode;
import io.arrowhttp.protocol.internal.BufferCodecs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.apache.arrow.flatbuf.MessageHeader;
import org.apache.arrow.flatbuf.RecordBatch;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.apache.arrow.vector.ipc.ReadChannel;
import org.apache.arrow.vector.ipc.message.ArrowBlock;
import org.apache.arrow.vector.ipc.message.MessageMetadataResult;
import org.apache.arrow.vector.ipc.message.MessageSerializer;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.arrow.vector.util.DictionaryUtility;

/**
 * A dataset served from an Arrow IPC file: the file format ({@code .arrow}, {@code .feather}
 * version 2) or the stream format ({@code .arrows}), one record batch at a time, so memory stays
 * at one batch whatever the file's size.
 *
 * <p>A request for the whole of a file-format file gets its messages as they are stored (see
 * {@link io.arrowhttp.dataset.EncodedBatches}): the file format holds the stream format's messages
 * between its magic and its footer, so each record batch is copied from the file to the response
 * in one read and one write, never decoded. Other requests, and files in the stream format or in
 * the IPC format from before Arrow 0.15, are read with Arrow Java's own readers.
 *
 * <p>Requests may ask for {@code columns=a,b} (those columns, in that order; the vectors are
 * handed over, not copied) and {@code limit=N} (at most N rows). The schema is read once, when the
 * dataset is made, from the file's footer or its first message; the row count of a file-format
 * file comes from each batch's message header, without reading any batch's data. At each request
 * the footer is read again: a file truncated or replaced since the start is refused before the
 * response starts.
 *
 * <p>Errors never show the server's path: a client sees the dataset's name only.
 */
public final class ArrowFileDataset extends DescribedDataset implements StoredStream {

    /** Where the stream starts in an Arrow IPC file: after the magic {@code ARROW1} and its padding. */
    private static final long STREAM_START = 8;

    private final Path file;
    private final Schema messageSchema;
    private final Format format;
    private final boolean storedAsStreamMessages;
    private final StoredRegion region;

    /**
     * The file's bytes that are its whole bare stream, as the server sends it, and the file's size
     * and time when the dataset was made: the stream is served as stored only while they hold.
     */
    private record StoredRegion(long start, long length, long fileSize, FileTime modified, List<Long> batchOffsets) {}

    private ArrowFileDataset(
            DatasetDescription description,
            Path file,
            Format format,
            Schema schema,
            Schema messageSchema,
            OptionalLong totalRecords,
            boolean storedAsStreamMessages,
            StoredRegion region) {
        super(description, schema, totalRecords);
        this.messageSchema = messageSchema;
        this.file = file;
        this.format = format;
        this.storedAsStreamMessages = storedAsStreamMessages;
        this.region = region;
    }

    /** With the value types of the file's dictionary-encoded columns. */
    @Override
    public Schema messageSchema() {
        return messageSchema;
    }

    /** The two layouts of Arrow IPC data on disk. */
    enum Format {
        FILE,
        STREAM
    }

    /** Whether {@code file}'s name ends in an extension this source serves. */
    public static boolean isArrowFile(Path file) {
        return formatOf(file) != null;
    }

    /**
     * The dataset {@code name} served from {@code file}, described by the file's name; see
     * {@link #of(DatasetDescription, Path)}.
     */
    public static ArrowFileDataset of(String name, Path file) {
        return of(
                DatasetDescription.of(
                        name,
                        "Arrow IPC " + (formatOf(file) == Format.STREAM ? "stream" : "file") + " "
                                + file.getFileName()),
                file);
    }

    /**
     * The dataset {@code description} names, served from {@code file}, whose schema is read now.
     *
     * @throws IllegalArgumentException when the file cannot be read as Arrow IPC data, naming
     *     the file (for the operator, at start-up)
     */
    public static ArrowFileDataset of(DatasetDescription description, Path file) {
        Objects.requireNonNull(description, "description");
        Format format = formatOf(file);
        if (format == null) {
            throw new IllegalArgumentException("Not an Arrow IPC file name (.arrow, .feather or .arrows): " + file);
        }
        try (BufferAllocator allocator = new RootAllocator();
                FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
                ArrowReader reader = reader(format, channel, allocator)) {
            Schema schema = reader.getVectorSchemaRoot().getSchema();
            Set<Long> dictionaryIds = new HashSet<>();
            Schema messageSchema = new Schema(
                    schema.getFields().stream()
                            .map(field -> DictionaryUtility.toMessageFormat(field, reader, dictionaryIds))
                            .toList(),
                    schema.getCustomMetadata());
            OptionalLong rows = OptionalLong.empty();
            boolean storedAsStreamMessages = false;
            StoredRegion region = null;
            if (reader instanceof ArrowFileReader fileReader) {
                rows = OptionalLong.of(countRows(fileReader.getRecordBlocks(), channel));
                storedAsStreamMessages = isStoredAsStreamMessages(fileReader, channel);
                region = storedAsStreamMessages ? storedRegion(fileReader, channel, file) : null;
            } else {
                region = streamRegion(channel, file);
            }
            return new ArrowFileDataset(
                    description, file, format, schema, messageSchema, rows, storedAsStreamMessages, region);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("Cannot read " + file + " as Arrow IPC data: " + e.getMessage(), e);
        }
    }

    /** The file served. */
    Path file() {
        return file;
    }

    /** The file is there and readable. */
    @Override
    public void checkAvailable() {
        if (!Files.isReadable(file)) {
            throw new IllegalStateException("The file " + file + " is gone or cannot be read");
        }
    }

    @Override
    public ArrowReader open(DatasetRequest request, BufferAllocator allocator) {
        Selection selection = selection(request);
        String name = name();
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException gone) {
            throw new ArrowHttpException(
                    ErrorCode.UNAVAILABLE,
                    "The file of dataset " + ClientText.quote(name) + " is gone; tell the server's operators");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot open the file of dataset '" + name + "'", e);
        }
        Schema schema = schema();
        boolean asStored = storedAsStreamMessages && selection.isEverything(schema);
        ArrowReader source = null;
        try {
            source = asStored ? new StoredFileReader(channel, allocator) : reader(format, channel, allocator);
            if (!source.getVectorSchemaRoot().getSchema().equals(schema)) {
                throw new IOException("The schema changed");
            }
        } catch (IOException | RuntimeException e) {
            closeQuietly(source, channel);
            throw new ArrowHttpException(
                    ErrorCode.UNAVAILABLE,
                    "The file of dataset " + ClientText.quote(name)
                            + " is not what it was when the server started; tell the server's operators");
        }
        if (selection.isEverything(schema)) {
            return source;
        }
        return new ProjectingReader(
                source,
                allocator,
                new Schema(selection.fields(), schema.getCustomMetadata()),
                selection.indexesIn(schema),
                selection.limit().orElse(Long.MAX_VALUE));
    }

    /**
     * The bytes of the file as they are, while the file is what it was when the dataset was made
     * and its stream can be sent as stored: messages in the current format, dictionaries then
     * record batches with nothing between them, uncompressed, and the end-of-stream marker.
     */
    @Override
    public Optional<Bytes> storedBytes() {
        if (region == null) {
            return Optional.empty();
        }
        try {
            BasicFileAttributes now = Files.readAttributes(file, BasicFileAttributes.class);
            if (now.size() != region.fileSize() || !now.lastModifiedTime().equals(region.modified())) {
                return Optional.empty();
            }
            Instant modified = now.lastModifiedTime().toInstant();
            String tag = "\"" + Long.toHexString(now.size()) + "-" + Long.toHexString(modified.getEpochSecond()) + "."
                    + Integer.toHexString(modified.getNano()) + "\"";
            return Optional.of(new Bytes(file, region.start(), region.length(), modified, tag, region.batchOffsets()));
        } catch (IOException gone) {
            return Optional.empty();
        }
    }

    /**
     * The region of the file that is its whole stream, end-of-stream marker included, or null when
     * the file's layout is not that of a stream (gaps, dictionaries after batches, no marker) or its
     * batches are compressed, which a client must have asked for.
     */
    private static StoredRegion storedRegion(ArrowFileReader reader, FileChannel channel, Path file)
            throws IOException {
        long size = channel.size();
        ByteBuffer tail = ByteBuffer.allocate(10).order(ByteOrder.LITTLE_ENDIAN);
        readFully(channel, tail, size - 10);
        if (!"ARROW1".equals(new String(tail.array(), 4, 6, StandardCharsets.US_ASCII))) {
            return null;
        }
        long footerStart = size - 10 - tail.getInt(0);
        List<ArrowBlock> blocks = new ArrayList<>(reader.getDictionaryBlocks());
        blocks.addAll(reader.getRecordBlocks());
        long cursor = blocks.get(0).getOffset();
        for (ArrowBlock block : blocks) {
            if (block.getOffset() != cursor) {
                return null;
            }
            cursor += block.getMetadataLength() + block.getBodyLength();
        }
        ByteBuffer end = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        if (cursor + 8 != footerStart
                || !readFully(channel, end, cursor)
                || end.getInt(0) != -1
                || end.getInt(4) != 0) {
            return null;
        }
        for (ArrowBlock block : reader.getRecordBlocks()) {
            channel.position(block.getOffset());
            MessageMetadataResult message = MessageSerializer.readMessage(new ReadChannel(channel));
            if (((RecordBatch) message.getMessage().header(new RecordBatch())).compression() != null) {
                return null;
            }
        }
        List<Long> offsets = reader.getRecordBlocks().stream()
                .map(block -> block.getOffset() - STREAM_START)
                .toList();
        return new StoredRegion(
                STREAM_START, footerStart - STREAM_START, size, Files.getLastModifiedTime(file), offsets);
    }

    /**
     * The whole of an {@code .arrows} file, when it is one stream as the server would send it:
     * every message in the current format (with the continuation marker), record batches
     * uncompressed, and the end-of-stream marker as its last bytes. Only the messages' headers are
     * read; null otherwise.
     */
    private static StoredRegion streamRegion(FileChannel channel, Path file) throws IOException {
        long size = channel.size();
        List<Long> offsets = new ArrayList<>();
        ByteBuffer prefix = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        long position = 0;
        while (true) {
            prefix.clear();
            if (!readFully(channel, prefix, position) || prefix.getInt(0) != -1) {
                return null;
            }
            if (prefix.getInt(4) == 0) {
                return position + 8 == size
                        ? new StoredRegion(0, size, size, Files.getLastModifiedTime(file), offsets)
                        : null;
            }
            channel.position(position);
            MessageMetadataResult message = MessageSerializer.readMessage(new ReadChannel(channel));
            if (message == null) {
                return null;
            }
            if (message.getMessage().headerType() == MessageHeader.RecordBatch) {
                if (((RecordBatch) message.getMessage().header(new RecordBatch())).compression() != null) {
                    return null;
                }
                offsets.add(position);
            }
            position = channel.position() + message.getMessageBodyLength();
        }
    }

    /** Reads {@code into} full from {@code position}; false when the file ends first. */
    private static boolean readFully(FileChannel channel, ByteBuffer into, long position) throws IOException {
        while (into.hasRemaining()) {
            if (channel.read(into, position + into.position()) < 0) {
                return false;
            }
        }
        return true;
    }

    /** The rows of a file-format file, from each batch's message header: no batch body is read. */
    private static long countRows(List<ArrowBlock> blocks, FileChannel channel) throws IOException {
        long total = 0;
        for (ArrowBlock block : blocks) {
            channel.position(block.getOffset());
            MessageMetadataResult message = MessageSerializer.readMessage(new ReadChannel(channel));
            RecordBatch batch = (RecordBatch) message.getMessage().header(new RecordBatch());
            total += batch.length();
        }
        return total;
    }

    /**
     * Whether the file holds its messages in the current IPC format (each starting with the
     * continuation marker), with at least one record batch, so that they can be sent as stored.
     */
    private static boolean isStoredAsStreamMessages(ArrowFileReader reader, FileChannel channel) throws IOException {
        List<ArrowBlock> blocks = new ArrayList<>(reader.getRecordBlocks());
        if (blocks.isEmpty()) {
            return false;
        }
        blocks.addAll(reader.getDictionaryBlocks());
        List<Long> messageStarts = new ArrayList<>(List.of(8L));
        blocks.forEach(block -> messageStarts.add(block.getOffset()));
        ByteBuffer marker = ByteBuffer.allocate(4);
        for (long start : messageStarts) {
            marker.clear();
            while (marker.hasRemaining() && channel.read(marker, start + marker.position()) >= 0) {
                // read until the four bytes are in, or the file ends
            }
            if (marker.hasRemaining() || marker.getInt(0) != -1) {
                return false;
            }
        }
        return true;
    }

    private static ArrowReader reader(Format format, FileChannel channel, BufferAllocator allocator) {
        // Files written compressed (Feather files from pandas are LZ4 by default) decode with Arrow's codecs.
        return format == Format.FILE
                ? new ArrowFileReader(channel, allocator, BufferCodecs.INSTANCE)
                : new ArrowStreamReader(channel, allocator, BufferCodecs.INSTANCE);
    }

    private static Format formatOf(Path file) {
        String fileName = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (fileName.endsWith(".arrow") || fileName.endsWith(".feather")) {
            return Format.FILE;
        }
        return fileName.endsWith(".arrows") ? Format.STREAM : null;
    }

    private static void closeQuietly(AutoCloseable... resources) {
        for (AutoCloseable resource : resources) {
            try {
                if (resource != null) {
                    resource.close();
                }
            } catch (Exception e) {
                // Already failing; the first failure is the one to report.
            }
        }
    }
}

package io.arrowhttp.source.files;

import io.arrowhttp.dataset.EncodedBatches;
import io.arrowhttp.protocol.IpcCodec;
import io.arrowhttp.protocol.internal.BufferCodecs;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.arrow.flatbuf.BodyCompression;
import org.apache.arrow.flatbuf.CompressionType;
import org.apache.arrow.flatbuf.Message;
import org.apache.arrow.flatbuf.MessageHeader;
import org.apache.arrow.flatbuf.RecordBatch;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.ipc.message.ArrowBlock;

/**
 * An Arrow IPC file read as it is stored: the file format holds the stream format's messages
 * (schema, dictionary batches, record batches) between its magic and its footer, so they are
 * copied to the response unchanged, one record batch at a time, without being decoded and encoded
 * again. Each message is read with one positional read into a buffer of this reader's and checked
 * to start with the continuation marker of the current IPC format.
 *
 * <p>It is an {@link ArrowFileReader} too, for callers that read it batch by batch.
 *
 * <h2>Ownership</h2>
 * Owns the file channel (closed with the reader) and its copy buffer, allocated from the response's
 * allocator given to the constructor and freed by {@link #close()}; the caller closes that
 * allocator after the reader.
 */
final class StoredFileReader extends ArrowFileReader implements EncodedBatches {

    /** Where the first message starts: after the magic {@code ARROW1} and two bytes of padding. */
    private static final long FIRST_MESSAGE = 8;

    private static final int CONTINUATION = 0xFFFFFFFF;

    private final FileChannel file;
    private final BufferAllocator allocator;
    private ArrowBuf copyBuffer;
    private List<ArrowBlock> batches;
    private int nextBatch;
    private long skipped;
    private Optional<IpcCodec> bufferCodec;

    StoredFileReader(FileChannel file, BufferAllocator allocator) {
        super(file, allocator, BufferCodecs.INSTANCE);
        this.file = file;
        this.allocator = allocator;
    }

    /** The codec of the first record batch, which every batch copied must share. */
    @Override
    public Optional<IpcCodec> bufferCodec() throws IOException {
        if (bufferCodec == null) {
            List<ArrowBlock> blocks = getRecordBlocks();
            bufferCodec = Optional.empty();
            if (!blocks.isEmpty()) {
                ArrowBlock first = blocks.get(0);
                bufferCodec = codecOf(copy(first.getOffset(), first.getMetadataLength(), null));
            }
        }
        return bufferCodec;
    }

    @Override
    public void skipBatches(long count) {
        if (count < 0) {
            throw new IllegalArgumentException("Cannot skip " + count + " batches");
        }
        skipped = count;
    }

    /** Starts at the first batch not skipped: the file's footer says where each one is. */
    @Override
    public boolean loadNextBatch() throws IOException {
        if (skipped == 0) {
            return super.loadNextBatch();
        }
        List<ArrowBlock> blocks = getRecordBlocks();
        long first = skipped;
        skipped = 0;
        return first < blocks.size() && loadRecordBatch(blocks.get((int) first));
    }

    @Override
    public void writeOpening(WritableByteChannel target) throws IOException {
        batches = getRecordBlocks();
        nextBatch = (int) Math.min(skipped, batches.size());
        List<ArrowBlock> dictionaries = getDictionaryBlocks();
        List<ArrowBlock> all = new ArrayList<>(batches);
        all.addAll(dictionaries);
        long firstBlock = all.stream().mapToLong(ArrowBlock::getOffset).min().orElse(-1);
        if (firstBlock < 0) {
            // No batch at all: the schema message ends where the end-of-stream marker or the
            // footer begins, which only a decoding reader can tell; this reader is for data.
            throw new IOException("An Arrow file without record batches is not copied as stored");
        }
        copy(FIRST_MESSAGE, firstBlock - FIRST_MESSAGE, target);
        for (ArrowBlock dictionary : dictionaries) {
            copy(dictionary.getOffset(), blockLength(dictionary), target);
        }
    }

    @Override
    public long writeNextBatch(WritableByteChannel target) throws IOException {
        if (batches == null) {
            throw new IllegalStateException("writeOpening comes first");
        }
        if (nextBatch >= batches.size()) {
            return -1;
        }
        ArrowBlock block = batches.get(nextBatch++);
        ByteBuffer message = copy(block.getOffset(), blockLength(block), target);
        if (!codecOf(message).equals(bufferCodec())) {
            throw new IOException("The record batches of the file are compressed differently from one another;"
                    + " rewrite it with one codec");
        }
        return rowsOf(message);
    }

    /**
     * Reads {@code length} bytes at {@code position} into the copy buffer, checks, writes them to
     * {@code target} unless it is null.
     */
    private ByteBuffer copy(long position, long length, WritableByteChannel target) throws IOException {
        if (length < 8 || length > Integer.MAX_VALUE - 8) {
            throw new IOException("An IPC message of " + length + " bytes at " + position + " is not readable");
        }
        ByteBuffer view = copyBuffer((int) length);
        while (view.hasRemaining()) {
            int read = file.read(view, position + view.position());
            if (read < 0) {
                throw new EOFException("The file ends inside the IPC message at " + position);
            }
        }
        view.flip();
        if (view.getInt(0) != CONTINUATION) {
            throw new IOException("The IPC message at " + position + " lacks the continuation marker");
        }
        while (target != null && view.hasRemaining()) {
            target.write(view);
        }
        view.rewind();
        return view;
    }

    /** A view of {@code length} bytes of the copy buffer, grown to the largest message so far. */
    private ByteBuffer copyBuffer(int length) {
        if (copyBuffer == null || copyBuffer.capacity() < length) {
            if (copyBuffer != null) {
                copyBuffer.close();
                copyBuffer = null;
            }
            copyBuffer = allocator.buffer(length);
        }
        return copyBuffer.nioBuffer(0, length).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** The rows of a record batch message, from its flatbuffer header. */
    private static long rowsOf(ByteBuffer message) throws IOException {
        return recordBatchOf(message).length();
    }

    /** The codec of a record batch message's buffers, from its flatbuffer header. */
    private static Optional<IpcCodec> codecOf(ByteBuffer message) throws IOException {
        BodyCompression compression = recordBatchOf(message).compression();
        if (compression == null) {
            return Optional.empty();
        }
        return switch (compression.codec()) {
            case CompressionType.ZSTD -> Optional.of(IpcCodec.ZSTD);
            case CompressionType.LZ4_FRAME -> Optional.of(IpcCodec.LZ4);
            default ->
                throw new IOException("A record batch uses compression codec " + compression.codec()
                        + ", which this server does not know");
        };
    }

    private static RecordBatch recordBatchOf(ByteBuffer message) throws IOException {
        int metadataLength = message.getInt(4);
        ByteBuffer metadata = message.slice(8, metadataLength).order(ByteOrder.LITTLE_ENDIAN);
        Message header = Message.getRootAsMessage(metadata);
        if (header.headerType() != MessageHeader.RecordBatch) {
            throw new IOException("A record batch block of the footer does not hold a record batch");
        }
        return (RecordBatch) header.header(new RecordBatch());
    }

    private static long blockLength(ArrowBlock block) {
        return block.getMetadataLength() + block.getBodyLength();
    }

    @Override
    protected void closeReadSource() throws IOException {
        if (copyBuffer != null) {
            copyBuffer.close();
            copyBuffer = null;
        }
        super.closeReadSource();
    }
}

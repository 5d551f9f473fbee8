package io.arrowhttp.testing;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.flatbuf.Message;
import org.apache.arrow.flatbuf.MessageHeader;

/** Locates the messages of an Arrow IPC stream inside a byte array, to check how they were framed. */
public final class IpcMessages {

    /** The type of {@link Located} for the end-of-stream marker. */
    public static final byte END_OF_STREAM = -1;

    /** The type of {@link Located} for the server's failure marker. */
    public static final byte FAILURE_MARKER = -2;

    /** One message: its header type ({@link MessageHeader}) and where it lies. */
    public record Located(byte type, int start, int end) {
        public boolean isRecordBatch() {
            return type == MessageHeader.RecordBatch;
        }
    }

    /**
     * The messages from {@code start}; the last one is the end-of-stream marker
     * ({@link #END_OF_STREAM}) or the failure marker ({@link #FAILURE_MARKER}) when present.
     */
    public static List<Located> locate(byte[] bytes, int start) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        List<Located> messages = new ArrayList<>();
        int position = start;
        while (position + 8 <= bytes.length) {
            if (buffer.getInt(position) != -1) {
                throw new IllegalStateException("No continuation marker at " + position);
            }
            int metadataLength = buffer.getInt(position + 4);
            if (metadataLength == 0) {
                messages.add(new Located(END_OF_STREAM, position, position + 8));
                return messages;
            }
            if (metadataLength < 0) {
                messages.add(new Located(FAILURE_MARKER, position, position + 8));
                return messages;
            }
            ByteBuffer metadata =
                    ByteBuffer.wrap(bytes, position + 8, metadataLength).slice().order(ByteOrder.LITTLE_ENDIAN);
            Message message = Message.getRootAsMessage(metadata);
            int end = Math.toIntExact(position + 8 + metadataLength + message.bodyLength());
            messages.add(new Located(message.headerType(), position, end));
            position = end;
        }
        return messages;
    }

    private IpcMessages() {}
}

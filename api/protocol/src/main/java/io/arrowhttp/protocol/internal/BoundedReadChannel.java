package io.arrowhttp.protocol.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ReadableByteChannel;
import org.apache.arrow.vector.ipc.ReadChannel;

/**
 * An Arrow IPC read channel that refuses a message whose metadata length is larger than
 * {@link #MAX_METADATA_BYTES}, before Arrow's reader allocates it: the reader takes whatever length
 * a message announces and allocates that much on the heap, so a body of plain text, or a hostile
 * peer, would have it allocate gigabytes. Arrow reads each length, and the continuation marker
 * before it, as a read of four bytes. Negative lengths are left to Arrow's reader, which refuses
 * them itself.
 */
public final class BoundedReadChannel extends ReadChannel {

    /** Far above the metadata of a batch of thousands of columns. */
    public static final int MAX_METADATA_BYTES = 16 << 20;

    public BoundedReadChannel(ReadableByteChannel in) {
        super(in);
    }

    @Override
    public int readFully(ByteBuffer buffer) throws IOException {
        int start = buffer.position();
        int read = super.readFully(buffer);
        if (read == Integer.BYTES && buffer.capacity() == Integer.BYTES) {
            int value = buffer.duplicate().order(ByteOrder.LITTLE_ENDIAN).getInt(start);
            if (value > MAX_METADATA_BYTES) {
                throw new IOException("A message announces " + value + " bytes of metadata, more than the "
                        + MAX_METADATA_BYTES + " this reader takes");
            }
        }
        return read;
    }
}

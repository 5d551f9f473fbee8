package io.arrowhttp.client.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;

/**
 * A channel over an input stream that fills the target in large reads. Arrow's reader reads an
 * {@code InputStream} through {@code Channels.newChannel}, which copies 8 KiB at a time: for
 * 150 KB record batches that is twenty calls through every stream layer per buffer instead of one.
 *
 * <p>{@link #close()} leaves the stream open: it belongs to the multipart reader, which reads on
 * after the Arrow part.
 */
public final class InputStreamChannel implements ReadableByteChannel {

    private static final int TRANSFER_BYTES = 256 * 1024;

    private final InputStream in;
    private final byte[] transfer = new byte[TRANSFER_BYTES];

    public InputStreamChannel(InputStream in) {
        this.in = in;
    }

    @Override
    public int read(ByteBuffer target) throws IOException {
        int wanted = Math.min(target.remaining(), transfer.length);
        if (wanted == 0) {
            return 0;
        }
        int n = in.read(transfer, 0, wanted);
        if (n > 0) {
            target.put(transfer, 0, n);
        }
        return n;
    }

    @Override
    public boolean isOpen() {
        return true;
    }

    @Override
    public void close() {
        // See the class comment.
    }
}

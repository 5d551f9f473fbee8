package io.arrowhttp.internal.encoding;

import java.io.IOException;
import java.nio.channels.GatheringByteChannel;

/**
 * Another encoder's stream, each step's staged bytes also written to a {@link StreamCopy} before
 * they are sent (the caller sends what is staged after each {@link #next()} and {@link #end()}). A failure of the copy abandons it and never the response.
 */
final class CopyingEncoder implements BatchEncoder {

    private final BatchEncoder encoder;
    private final StreamCopy copy;

    CopyingEncoder(BatchEncoder encoder, StreamCopy copy) {
        this.encoder = encoder;
        this.copy = copy;
    }

    @Override
    public BatchStagingChannel staging() {
        return encoder.staging();
    }

    @Override
    public void start() throws IOException {
        // Staged until the first batch's step, with which it is sent and copied.
        encoder.start();
    }

    @Override
    public long next() {
        long rows = encoder.next();
        if (rows >= 0) {
            copyStaged();
        }
        return rows;
    }

    @Override
    public void end() throws IOException {
        encoder.end();
        copyStaged();
        if (copy.channel() != null) {
            try {
                copy.complete();
            } catch (IOException | RuntimeException notKept) {
                copy.abandon();
            }
        }
    }

    /** Counts the staged bytes against the copy's bounds first, then writes them, if it still takes them. */
    private void copyStaged() {
        if (copy.channel() == null) {
            return;
        }
        try {
            copy.willWrite(encoder.staging().size());
            GatheringByteChannel channel = copy.channel();
            if (channel != null) {
                encoder.staging().copyTo(channel);
            }
        } catch (IOException | RuntimeException notKept) {
            copy.abandon();
        }
    }

    @Override
    public void close() {
        encoder.close();
    }
}

package io.arrowhttp.internal.wire;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;

/**
 * A body stream that also takes buffers ({@link GatheringByteChannel}), written by its one gathering
 * {@code write}: the single-buffer and whole-array forms go through it.
 */
public interface BufferTaking extends GatheringByteChannel {

    @Override
    default long write(ByteBuffer[] sources) throws IOException {
        return write(sources, 0, sources.length);
    }

    @Override
    default int write(ByteBuffer source) throws IOException {
        return (int) write(new ByteBuffer[] {source}, 0, 1);
    }
}

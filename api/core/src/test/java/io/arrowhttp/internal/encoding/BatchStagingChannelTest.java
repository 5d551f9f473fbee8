package io.arrowhttp.internal.encoding;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BatchStagingChannelTest {

    @Test
    void aReferencedBatchLeavesInOneGatheredWriteWithItsBytesInOrder() throws Exception {
        ByteBuffer large = direct(8 * 1024, 7);
        ByteBuffer smallDirect = direct(10, 9);
        BatchStagingChannel staging = new BatchStagingChannel(1024, true);
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        stage(staging, expected, ByteBuffer.wrap(bytes(100, 1)));
        stage(staging, expected, large);
        stage(staging, expected, ByteBuffer.wrap(bytes(3, 2)));
        stage(staging, expected, smallDirect);
        stage(staging, expected, direct(5 * 1024, 3));
        assertEquals(expected.size(), staging.size());

        RecordingChannel response = new RecordingChannel();
        staging.drainTo(response);

        assertEquals(1, response.gatheredWrites, "one write per batch");
        assertArrayEquals(expected.toByteArray(), response.received.toByteArray());
        ByteBuffer sent = response.pieces.get(1);
        assertTrue(sent.isDirect(), "Arrow memory is passed on, not copied");
        large.clear();
        large.put(0, (byte) 42);
        assertEquals(42, sent.get(0), "the piece is a view of the caller's memory");
        assertEquals(0, staging.size());
    }

    @Test
    void aCopyingChannelHandsOverOneArrayEvenWhenTheResponseTakesBuffers() throws Exception {
        BatchStagingChannel staging = new BatchStagingChannel(16, false);
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        stage(staging, expected, direct(64 * 1024, 5));
        stage(staging, expected, ByteBuffer.wrap(bytes(8, 6)));

        RecordingChannel response = new RecordingChannel();
        staging.drainTo(response);

        assertEquals(0, response.gatheredWrites);
        assertEquals(1, response.arrayWrites);
        assertArrayEquals(expected.toByteArray(), response.received.toByteArray());
    }

    @Test
    void nothingStagedAfterDiscardIsSent() throws Exception {
        BatchStagingChannel staging = new BatchStagingChannel(16, true);
        staging.write(direct(8 * 1024, 1));
        staging.discard();
        staging.write(ByteBuffer.wrap(bytes(8, 2)));
        RecordingChannel response = new RecordingChannel();
        staging.drainTo(response);
        assertEquals(0, response.received.size());
        assertEquals(0, staging.size());
    }

    private static void stage(BatchStagingChannel staging, ByteArrayOutputStream expected, ByteBuffer piece) {
        ByteBuffer copy = piece.duplicate();
        byte[] content = new byte[copy.remaining()];
        copy.get(content);
        expected.writeBytes(content);
        assertEquals(content.length, staging.write(piece));
        assertEquals(0, piece.remaining());
    }

    private static byte[] bytes(int length, int seed) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (seed * 31 + i);
        }
        return bytes;
    }

    private static ByteBuffer direct(int length, int seed) {
        return ByteBuffer.allocateDirect(length).put(bytes(length, seed)).flip();
    }

    /** A response that takes buffers, as the server's own does on Grizzly with blocking writes. */
    private static final class RecordingChannel extends OutputStream implements GatheringByteChannel {
        final ByteArrayOutputStream received = new ByteArrayOutputStream();
        final List<ByteBuffer> pieces = new ArrayList<>();
        int gatheredWrites;
        int arrayWrites;

        @Override
        public void write(int b) {
            received.write(b);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) {
            arrayWrites++;
            received.write(bytes, offset, length);
        }

        @Override
        public long write(ByteBuffer[] sources, int offset, int length) {
            gatheredWrites++;
            long total = 0;
            for (int i = offset; i < offset + length; i++) {
                pieces.add(sources[i].duplicate());
                byte[] content = new byte[sources[i].remaining()];
                sources[i].get(content);
                received.writeBytes(content);
                total += content.length;
            }
            return total;
        }

        @Override
        public long write(ByteBuffer[] sources) {
            return write(sources, 0, sources.length);
        }

        @Override
        public int write(ByteBuffer source) {
            return (int) write(new ByteBuffer[] {source}, 0, 1);
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {}
    }
}

package io.arrowhttp.protocol.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.compression.CompressionCodec;
import org.apache.arrow.vector.compression.CompressionUtil;
import org.apache.commons.compress.compressors.lz4.FramedLZ4CompressorOutputStream;
import org.junit.jupiter.api.Test;

/** The LZ4 codec reads the frames other Arrow implementations write, as well as its own. */
class BufferCodecsTest {

    private static final CompressionCodec LZ4 = BufferCodecs.INSTANCE.createCodec(CompressionUtil.CodecType.LZ4_FRAME);

    @Test
    void framesWithLinkedBlocksAsLiblz4WritesThemDecode() throws IOException {
        byte[] plain = text(300_000);
        assertArrayEquals(plain, decompress(plain, frame(plain, true)));
        assertArrayEquals(plain, decompress(plain, frame(plain, false)));
    }

    @Test
    void itsOwnFramesRoundTrip() {
        byte[] plain = text(200_000);
        try (BufferAllocator allocator = new RootAllocator()) {
            ArrowBuf original = allocator.buffer(plain.length);
            original.setBytes(0, plain);
            original.writerIndex(plain.length);
            // Arrow's codecs release the buffer they are given.
            ArrowBuf compressed = LZ4.compress(allocator, original);
            try (ArrowBuf back = LZ4.decompress(allocator, compressed)) {
                byte[] read = new byte[plain.length];
                back.getBytes(0, read);
                assertArrayEquals(plain, read);
            }
        }
    }

    /** Repetitive text in 64 KiB blocks: later blocks match text in earlier ones when linked. */
    private static byte[] text(int length) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; text.length() < length; i++) {
            text.append("row ").append(i % 977).append(' ');
        }
        return text.substring(0, length).getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] frame(byte[] plain, boolean linkedBlocks) throws IOException {
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        try (OutputStream out = new FramedLZ4CompressorOutputStream(
                frame,
                new FramedLZ4CompressorOutputStream.Parameters(
                        FramedLZ4CompressorOutputStream.BlockSize.K64, false, false, linkedBlocks))) {
            out.write(plain);
        }
        return frame.toByteArray();
    }

    /** An Arrow buffer as the IPC format holds it: the uncompressed length, then the frame. */
    private static byte[] decompress(byte[] plain, byte[] frame) {
        try (BufferAllocator allocator = new RootAllocator()) {
            ArrowBuf compressed = allocator.buffer(Long.BYTES + frame.length);
            compressed.setBytes(
                    0,
                    ByteBuffer.allocate(Long.BYTES)
                            .order(ByteOrder.LITTLE_ENDIAN)
                            .putLong(0, plain.length));
            compressed.setBytes(Long.BYTES, frame);
            compressed.writerIndex(Long.BYTES + frame.length);
            try (ArrowBuf decompressed = LZ4.decompress(allocator, compressed)) {
                byte[] read = new byte[plain.length];
                decompressed.getBytes(0, read);
                return read;
            }
        }
    }
}

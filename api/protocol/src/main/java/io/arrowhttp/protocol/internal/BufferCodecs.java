package io.arrowhttp.protocol.internal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import net.jpountz.lz4.LZ4FrameInputStream;
import net.jpountz.lz4.LZ4FrameOutputStream;
import org.apache.arrow.compression.CommonsCompressionFactory;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.compression.AbstractCompressionCodec;
import org.apache.arrow.vector.compression.CompressionCodec;
import org.apache.arrow.vector.compression.CompressionUtil;
import org.apache.commons.compress.compressors.lz4.FramedLZ4CompressorInputStream;

/**
 * The codecs of Arrow IPC record batch buffers that the server writes and the Java client reads:
 * Arrow's own zstd codec, and LZ4 frames through lz4-java. Arrow's own LZ4 codec goes through
 * commons-compress, whose pure-Java LZ4 frame encoder compressed about 60 KB/s here, which would
 * make {@code codecs=lz4}, the codec chosen for its speed, the slowest response of all; lz4-java
 * writes the same standard LZ4 frame format hundreds of times faster, and reads it too unless
 * its blocks are linked (see {@code Lz4FrameCodec.frameReader}).
 */
public final class BufferCodecs implements CompressionCodec.Factory {

    /** The factory to give Arrow's stream readers and writers. */
    public static final BufferCodecs INSTANCE = new BufferCodecs();

    private BufferCodecs() {}

    @Override
    public CompressionCodec createCodec(CompressionUtil.CodecType codecType) {
        return codecType == CompressionUtil.CodecType.LZ4_FRAME
                ? new Lz4FrameCodec()
                : CommonsCompressionFactory.INSTANCE.createCodec(codecType);
    }

    @Override
    public CompressionCodec createCodec(CompressionUtil.CodecType codecType, int compressionLevel) {
        return codecType == CompressionUtil.CodecType.LZ4_FRAME
                ? new Lz4FrameCodec()
                : CommonsCompressionFactory.INSTANCE.createCodec(codecType, compressionLevel);
    }

    /**
     * One buffer as one LZ4 frame. Arrow's base class frames the result: the uncompressed length
     * first, or the buffer left as it is when compressing does not make it smaller.
     */
    private static final class Lz4FrameCodec extends AbstractCompressionCodec {

        private static final long PREFIX = CompressionUtil.SIZE_OF_UNCOMPRESSED_LENGTH;

        /** The frame descriptor's flags follow the 4-byte magic number; bit 5 says blocks are independent. */
        private static final int FLAGS_BYTE = 4;

        private static final int BLOCK_INDEPENDENCE = 0x20;

        @Override
        protected ArrowBuf doCompress(BufferAllocator allocator, ArrowBuf uncompressed) {
            byte[] plain = new byte[checkedLength(uncompressed.writerIndex())];
            uncompressed.getBytes(0, plain);
            ByteArrayOutputStream frame = new ByteArrayOutputStream(plain.length / 2 + 64);
            // 64 KiB blocks: lz4-java's default of 4 MiB would allocate that much for every buffer.
            try (OutputStream lz4 = new LZ4FrameOutputStream(frame, LZ4FrameOutputStream.BLOCKSIZE.SIZE_64KB)) {
                lz4.write(plain);
            } catch (IOException inMemory) {
                throw new UncheckedIOException(inMemory);
            }
            byte[] compressed = frame.toByteArray();
            ArrowBuf result = allocator.buffer(PREFIX + compressed.length);
            result.setBytes(PREFIX, compressed);
            result.writerIndex(PREFIX + compressed.length);
            return result;
        }

        @Override
        protected ArrowBuf doDecompress(BufferAllocator allocator, ArrowBuf compressed) {
            int uncompressedLength = checkedLength(readUncompressedLength(compressed));
            byte[] frame = new byte[checkedLength(compressed.writerIndex() - PREFIX)];
            compressed.getBytes(PREFIX, frame);
            byte[] plain;
            boolean more;
            try (InputStream lz4 = frameReader(frame)) {
                plain = lz4.readNBytes(uncompressedLength);
                more = lz4.read() >= 0;
            } catch (IOException corrupt) {
                throw new UncheckedIOException("An LZ4-compressed Arrow buffer cannot be decompressed", corrupt);
            }
            if (plain.length != uncompressedLength || more) {
                throw new IllegalStateException("An LZ4-compressed Arrow buffer holds "
                        + (more ? "more than " + plain.length : plain.length) + " bytes, not the "
                        + uncompressedLength + " its header says");
            }
            ArrowBuf result = allocator.buffer(uncompressedLength);
            result.setBytes(0, plain);
            result.writerIndex(uncompressedLength);
            return result;
        }

        /**
         * lz4-java reads frames of independent blocks only; liblz4, which Arrow C++ (pyarrow,
         * Feather files from pandas) uses, links each block to the one before by default. Those
         * frames go through commons-compress, which reads both, at a fraction of the speed.
         */
        private static InputStream frameReader(byte[] frame) throws IOException {
            InputStream in = new ByteArrayInputStream(frame);
            boolean independentBlocks = frame.length > FLAGS_BYTE && (frame[FLAGS_BYTE] & BLOCK_INDEPENDENCE) != 0;
            return independentBlocks ? new LZ4FrameInputStream(in) : new FramedLZ4CompressorInputStream(in);
        }

        @Override
        public CompressionUtil.CodecType getCodecType() {
            return CompressionUtil.CodecType.LZ4_FRAME;
        }

        private static int checkedLength(long length) {
            if (length > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("An Arrow buffer of " + length + " bytes is too large to compress");
            }
            return (int) length;
        }
    }
}

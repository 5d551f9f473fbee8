package io.arrowhttp.internal.resource;

import io.arrowhttp.protocol.internal.BufferCodecs;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.compression.CompressionCodec;
import org.apache.arrow.vector.compression.CompressionUtil;

/**
 * The buffer codecs of one upload, which never throw while a batch loads. Arrow's vector loader
 * keeps the buffers it has decompressed for a column in a local list; when a later buffer fails
 * (corrupt data, or an uncompressed length past the upload's memory) it loses them, and their
 * memory stays allocated for good: a client sending such batches again and again would drain the
 * server's Arrow memory. Here a failing buffer is recorded and replaced by an empty one, the batch
 * loads whole, and {@link #failure()} tells the upload to refuse it.
 */
final class UploadCodecs implements CompressionCodec.Factory {

    private RuntimeException failure;

    /** What went wrong while the last batches loaded; null when nothing did. */
    RuntimeException failure() {
        return failure;
    }

    @Override
    public CompressionCodec createCodec(CompressionUtil.CodecType codecType) {
        return new Recording(BufferCodecs.INSTANCE.createCodec(codecType));
    }

    @Override
    public CompressionCodec createCodec(CompressionUtil.CodecType codecType, int compressionLevel) {
        return new Recording(BufferCodecs.INSTANCE.createCodec(codecType, compressionLevel));
    }

    private final class Recording implements CompressionCodec {

        private final CompressionCodec codec;

        Recording(CompressionCodec codec) {
            this.codec = codec;
        }

        @Override
        public ArrowBuf compress(BufferAllocator allocator, ArrowBuf uncompressed) {
            return codec.compress(allocator, uncompressed);
        }

        @Override
        public ArrowBuf decompress(BufferAllocator allocator, ArrowBuf compressed) {
            if (failure == null) {
                try {
                    return codec.decompress(allocator, compressed);
                } catch (RuntimeException e) {
                    // Arrow's codecs release the compressed buffer only once they have succeeded.
                    failure = e;
                }
            }
            compressed.close();
            return allocator.getEmpty();
        }

        @Override
        public CompressionUtil.CodecType getCodecType() {
            return codec.getCodecType();
        }
    }
}

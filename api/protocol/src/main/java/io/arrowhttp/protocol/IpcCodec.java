package io.arrowhttp.protocol;

import java.util.Locale;
import java.util.Optional;
import org.apache.arrow.vector.compression.CompressionUtil;

/**
 * A compression codec of Arrow IPC record batch buffers, as the Arrow format defines them. A
 * client lists those it decodes in the {@value ArrowMediaTypes#CODECS} parameter of an Arrow media
 * range in {@code Accept}, or in the {@value QueryParameters#CODECS} query parameter; the server
 * names the one it used in the same parameter of the Arrow stream's {@code Content-Type}.
 *
 * <p>The constants are in the server's order of preference.
 */
public enum IpcCodec {
    /** Zstandard: smaller than LZ4 at a little more CPU. */
    ZSTD("zstd", CompressionUtil.CodecType.ZSTD),
    /** The LZ4 frame format: the cheapest to compress and decompress. */
    LZ4("lz4", CompressionUtil.CodecType.LZ4_FRAME);

    private final String token;
    private final CompressionUtil.CodecType codecType;

    IpcCodec(String token, CompressionUtil.CodecType codecType) {
        this.token = token;
        this.codecType = codecType;
    }

    /** Arrow's name for the codec, for its stream writers and readers. */
    public CompressionUtil.CodecType codecType() {
        return codecType;
    }

    /** The name on the wire, as in {@code codecs=zstd}. */
    public String token() {
        return token;
    }

    /** The codec a token names, ignoring case; empty for one this protocol does not define. */
    public static Optional<IpcCodec> of(String token) {
        String wanted = token.trim().toLowerCase(Locale.ROOT);
        for (IpcCodec codec : values()) {
            if (codec.token.equals(wanted)) {
                return Optional.of(codec);
            }
        }
        return Optional.empty();
    }
}

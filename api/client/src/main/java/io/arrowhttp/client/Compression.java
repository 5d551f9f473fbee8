package io.arrowhttp.client;

import io.arrowhttp.protocol.ContentCoding;
import io.arrowhttp.protocol.IpcCodec;
import java.util.Locale;

/**
 * The compression a client asks for: of the Arrow buffers (an IPC codec, decoded by Arrow's
 * reader) or of the whole body (an HTTP content coding, decoded as it arrives). The server uses
 * at most one of them, and none when it offers none that was asked for; the client decodes
 * whatever the response says it carries.
 */
public enum Compression {
    /** Arrow IPC buffers compressed with zstd. */
    IPC_ZSTD("zstd", IpcCodec.ZSTD, null),
    /** Arrow IPC buffers compressed with LZ4 frames. */
    IPC_LZ4("lz4", IpcCodec.LZ4, null),
    /** The body coded with zstd. */
    HTTP_ZSTD("http-zstd", null, ContentCoding.ZSTD),
    /** The body coded with Brotli. */
    HTTP_BR("br", null, ContentCoding.BR),
    /** The body coded with gzip. */
    HTTP_GZIP("gzip", null, ContentCoding.GZIP);

    private final String option;
    private final IpcCodec ipcCodec;
    private final ContentCoding contentCoding;

    Compression(String option, IpcCodec ipcCodec, ContentCoding contentCoding) {
        this.option = option;
        this.ipcCodec = ipcCodec;
        this.contentCoding = contentCoding;
    }

    /** The name on a command line: {@code zstd}, {@code lz4}, {@code http-zstd}, {@code br}, {@code gzip}. */
    public String option() {
        return option;
    }

    /** The compression a command-line name stands for. */
    public static Compression ofOption(String name) {
        String wanted = name.trim().toLowerCase(Locale.ROOT);
        for (Compression compression : values()) {
            if (compression.option.equals(wanted)) {
                return compression;
            }
        }
        throw new IllegalArgumentException("Unknown compression '" + name
                + "': use zstd or lz4 (Arrow IPC buffers), or http-zstd, br or gzip (HTTP content coding)");
    }

    IpcCodec ipcCodec() {
        return ipcCodec;
    }

    ContentCoding contentCoding() {
        return contentCoding;
    }
}

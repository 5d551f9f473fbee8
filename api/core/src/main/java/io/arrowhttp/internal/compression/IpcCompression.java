package io.arrowhttp.internal.compression;

import com.github.luben.zstd.util.Native;
import io.arrowhttp.protocol.IpcCodec;

/** Whether the native parts of this protocol's IPC codecs load here. */
public final class IpcCompression {

    private static final boolean ZSTD_AVAILABLE = zstdLoads();

    private IpcCompression() {}

    /** Whether this JVM can apply the codec: zstd is a native library; lz4-java falls back to Java code. */
    public static boolean isAvailable(IpcCodec codec) {
        return codec != IpcCodec.ZSTD || ZSTD_AVAILABLE;
    }

    static boolean zstdAvailable() {
        return ZSTD_AVAILABLE;
    }

    private static boolean zstdLoads() {
        try {
            Native.load();
            return Native.isLoaded();
        } catch (LinkageError | RuntimeException unavailable) {
            return false;
        }
    }
}

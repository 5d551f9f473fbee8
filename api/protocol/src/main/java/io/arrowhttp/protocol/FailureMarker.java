package io.arrowhttp.protocol;

/**
 * The bytes a server writes into an Arrow IPC stream that fails after the response has started,
 * where the end-of-stream marker would otherwise go: a continuation marker ({@code 0xFFFFFFFF})
 * followed by the metadata length {@code -2147483648}, the most negative 32-bit integer. Every IPC
 * reader stops with an error there, since a message length cannot be negative, and none takes it
 * for the end of the stream ({@code 0xFFFFFFFF 0x00000000}).
 *
 * <p>Without it, a body cut on a batch boundary (HTTP/1.0, where the end of the body is the
 * closing of the connection, or a proxy that ends a broken upstream response with a proper last
 * chunk) reads as a complete, shorter dataset: Arrow readers treat the end of input as the end
 * of the stream. A complete stream never carries these bytes at its end. After them come, in a
 * multipart response, the parts that follow the Arrow part (the status part says what failed);
 * the response is then aborted.
 */
public final class FailureMarker {

    private static final byte[] BYTES = {
        (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x00, 0x00, 0x00, (byte) 0x80
    };

    private FailureMarker() {}

    /** The 8 bytes, a new array each time. */
    public static byte[] bytes() {
        return BYTES.clone();
    }

    public static int length() {
        return BYTES.length;
    }
}

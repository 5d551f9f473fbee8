package io.arrowhttp.protocol;

import java.util.Arrays;

/**
 * The bytes that end a complete Arrow IPC stream: a continuation marker ({@code 0xFFFFFFFF})
 * followed by a metadata length of zero. A server writes them after the last batch; an upload is
 * complete only when its body ends with them, since Arrow's readers also take a body that stops
 * between two messages for the end. See {@link FailureMarker} for what ends a failed stream.
 */
public final class EndOfStreamMarker {

    private static final byte[] BYTES = {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x00, 0x00, 0x00, 0x00};

    private EndOfStreamMarker() {}

    /** The 8 bytes, a new array each time. */
    public static byte[] bytes() {
        return BYTES.clone();
    }

    public static int length() {
        return BYTES.length;
    }

    /** Whether {@code last} holds exactly the marker. */
    public static boolean is(byte[] last) {
        return Arrays.equals(last, BYTES);
    }
}

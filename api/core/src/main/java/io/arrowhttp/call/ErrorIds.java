package io.arrowhttp.call;

import java.security.SecureRandom;

/** Short ids that tie a client's error response to the server log line with the details. */
public final class ErrorIds {

    private static final SecureRandom RANDOM = new SecureRandom();

    private ErrorIds() {}

    public static String next() {
        return String.format("%016x", RANDOM.nextLong());
    }
}

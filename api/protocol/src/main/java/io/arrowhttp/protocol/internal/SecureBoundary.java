package io.arrowhttp.protocol.internal;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * Multipart boundaries that no body can contain by accident or by design: 224 random
 * bits, new for every body (responses, and uploads from the client), so part contents never need scanning for the delimiter and a
 * boundary seen by one client says nothing about the next response.
 */
public final class SecureBoundary {

    /** 28 random bytes give 38 base64url characters, well under RFC 2046's 70. */
    private static final int RANDOM_BYTES = 28;

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

    private SecureBoundary() {}

    public static String next() {
        byte[] bytes = new byte[RANDOM_BYTES];
        RANDOM.nextBytes(bytes);
        return ENCODER.encodeToString(bytes);
    }
}

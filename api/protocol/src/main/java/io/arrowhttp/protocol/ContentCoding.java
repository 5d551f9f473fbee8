package io.arrowhttp.protocol;

import java.util.Locale;
import java.util.Optional;

/**
 * An HTTP content coding of a whole response body ({@code Content-Encoding}), chosen from the
 * client's {@code Accept-Encoding}. The constants are in the server's order of preference.
 */
public enum ContentCoding {
    /** Zstandard (RFC 8878). */
    ZSTD("zstd"),
    /** Brotli (RFC 7932). */
    BR("br"),
    /** gzip (RFC 1952). */
    GZIP("gzip");

    /** The coding that leaves the body as it is. */
    public static final String IDENTITY = "identity";

    private final String token;

    ContentCoding(String token) {
        this.token = token;
    }

    /** The name in {@code Accept-Encoding} and {@code Content-Encoding}. */
    public String token() {
        return token;
    }

    /** The coding a token names, ignoring case ({@code x-gzip} is gzip); empty for others. */
    public static Optional<ContentCoding> of(String token) {
        String wanted = token.trim().toLowerCase(Locale.ROOT);
        if (wanted.equals("x-gzip")) {
            return Optional.of(GZIP);
        }
        for (ContentCoding coding : values()) {
            if (coding.token.equals(wanted)) {
                return Optional.of(coding);
            }
        }
        return Optional.empty();
    }
}

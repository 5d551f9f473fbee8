package io.arrowhttp.protocol;

import java.time.Instant;

/**
 * The answer to {@code POST} {@link ResourcePaths#HANDSHAKE}: a bearer token to send as
 * {@code Authorization: Bearer <token>} until {@code expiresAt}.
 */
public record HandshakeResponse(String tokenType, String token, String expiresAt) {

    public static HandshakeResponse bearer(String token, Instant expiresAt) {
        return new HandshakeResponse("Bearer", token, expiresAt.toString());
    }

    /** {@code expiresAt}, an ISO-8601 instant on the wire. */
    public Instant expiry() {
        return Instant.parse(expiresAt);
    }
}

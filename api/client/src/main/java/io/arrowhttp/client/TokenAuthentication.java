package io.arrowhttp.client;

import jakarta.ws.rs.core.MultivaluedMap;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

/**
 * The client half of the handshake: gets a token on the first call, sends it with every call, and
 * gets a new one shortly before it expires. The handshake request itself goes without a token.
 */
final class TokenAuthentication implements ClientMiddleware {

    private static final Duration RENEW_BEFORE_EXPIRY = Duration.ofSeconds(30);

    record Token(String value, Instant expiresAt) {
    }

    private final Supplier<Token> handshake;
    private Token token;

    TokenAuthentication(Supplier<Token> handshake) {
        this.handshake = handshake;
    }

    @Override
    public void onBeforeRequest(URI uri, MultivaluedMap<String, Object> headers) {
        if (uri.getPath().endsWith("/auth/handshake")) {
            return;
        }
        headers.putSingle("Authorization", "Bearer " + current().value());
    }

    private synchronized Token current() {
        if (token == null || Instant.now().plus(RENEW_BEFORE_EXPIRY).isAfter(token.expiresAt())) {
            token = handshake.get();
        }
        return token;
    }
}

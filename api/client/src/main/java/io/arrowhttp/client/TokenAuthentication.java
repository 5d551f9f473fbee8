package io.arrowhttp.client;

import io.arrowhttp.protocol.HandshakeResponse;
import io.arrowhttp.protocol.ResourcePaths;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MultivaluedMap;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;

/**
 * The client half of the handshake: gets a token on the first call, sends it with every call, and
 * gets a new one shortly before it expires. The handshake request itself goes without a token.
 */
final class TokenAuthentication implements ClientMiddleware {

    private static final Duration RENEW_BEFORE_EXPIRY = Duration.ofSeconds(30);

    /** Performs the handshake. */
    @FunctionalInterface
    interface Handshake {
        HandshakeResponse run() throws IOException;
    }

    private final Handshake handshake;
    private HandshakeResponse token;

    TokenAuthentication(Handshake handshake) {
        this.handshake = handshake;
    }

    @Override
    public void onBeforeRequest(URI uri, MultivaluedMap<String, Object> headers) {
        if (uri.getPath().endsWith("/" + ResourcePaths.HANDSHAKE)) {
            return;
        }
        headers.putSingle(HttpHeaders.AUTHORIZATION, "Bearer " + current().token());
    }

    private synchronized HandshakeResponse current() {
        if (token == null || Instant.now().plus(RENEW_BEFORE_EXPIRY).isAfter(token.expiry())) {
            try {
                token = handshake.run();
            } catch (IOException e) {
                throw new UncheckedIOException("The handshake failed: " + e.getMessage(), e);
            }
        }
        return token;
    }
}

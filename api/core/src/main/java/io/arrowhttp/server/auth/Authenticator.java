package io.arrowhttp.server.auth;

import io.arrowhttp.call.RequestHeaders;
import io.arrowhttp.protocol.HandshakeResponse;
import io.arrowhttp.protocol.HeaderNames;
import java.util.Optional;

/**
 * Decides who makes each call, like Arrow Flight's {@code CallHeaderAuthenticator}. Register one
 * with {@code ArrowHttpFeature.Builder.authentication}; every call but the handshake and CORS
 * preflights then needs credentials it accepts, and the identity it returns becomes the call's
 * principal ({@code SecurityContext} and {@code DatasetRequest.principal()}).
 *
 * <p>{@link TokenAuthenticator} ships with the library: a password handshake, signed expiring
 * bearer tokens and static API tokens. Implement this interface to check something else, such as a
 * JWT from an OIDC provider, without touching the rest of the server. Implementations are called
 * concurrently and must be thread-safe.
 */
public interface Authenticator {

    /**
     * The identity of the caller who sent these headers.
     *
     * @throws io.arrowhttp.protocol.ArrowHttpException {@code UNAUTHENTICATED}, with a message for
     *     the client that never echoes the credentials, to refuse the call ({@code 401})
     */
    String authenticate(RequestHeaders headers);

    /**
     * The handshake at {@code POST /auth/handshake}: HTTP Basic credentials exchanged for a bearer
     * token that {@link #authenticate} accepts. Empty when they are wrong. The default has no
     * handshake: the endpoint answers {@code 401} to everyone.
     */
    default Optional<HandshakeResponse> handshake(String user, char[] password) {
        return Optional.empty();
    }

    /**
     * Whether credentials may come over plain HTTP, where anyone on the path reads them. False by
     * default: calls that are not over HTTPS are refused.
     */
    default boolean allowsInsecureHttp() {
        return false;
    }

    /** The challenge of a {@code 401}: the {@code WWW-Authenticate} value. */
    default String challenge() {
        return HeaderNames.BEARER_CHALLENGE;
    }
}

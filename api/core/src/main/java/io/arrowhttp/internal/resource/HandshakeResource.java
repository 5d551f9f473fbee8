package io.arrowhttp.internal.resource;

import io.arrowhttp.internal.provider.ProblemResponses;
import io.arrowhttp.protocol.HandshakeResponse;
import io.arrowhttp.protocol.HeaderNames;
import io.arrowhttp.protocol.ProtocolJson;
import io.arrowhttp.protocol.ResourcePaths;
import io.arrowhttp.server.auth.Authenticator;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /auth/handshake}: HTTP Basic credentials in, a {@link HandshakeResponse} out, like
 * Flight's handshake, behind a {@link HandshakeGuard}: bounded concurrent password checks and
 * failure limits per user name and client address. The client's address is the direct peer's,
 * or, when that peer is one of the {@link TrustedProxies}, the one its {@code X-Forwarded-For}
 * names. Failures are logged by the guard, never with the password.
 */
@Path(ResourcePaths.HANDSHAKE)
public final class HandshakeResource {

    private static final Logger LOG = LoggerFactory.getLogger(HandshakeResource.class);
    private static final String BASIC = "Basic ";

    private final Authenticator authenticator;
    private final HandshakeGuard guard;
    private final StreamMetrics metrics;
    private final TrustedProxies proxies;

    public HandshakeResource(
            Authenticator authenticator, HandshakeGuard guard, StreamMetrics metrics, TrustedProxies proxies) {
        this.authenticator = authenticator;
        this.guard = guard;
        this.metrics = metrics;
        this.proxies = proxies;
    }

    @POST
    @Produces(MediaType.APPLICATION_JSON)
    public Response handshake(
            @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
            @Context SecurityContext security,
            @Context ContainerRequestContext request) {
        if (!security.isSecure() && !authenticator.allowsInsecureHttp()) {
            return ProblemResponses.unauthenticated(
                    "This server accepts credentials over HTTPS only", challenge(request));
        }
        if (authorization == null || !authorization.regionMatches(true, 0, BASIC, 0, BASIC.length())) {
            return ProblemResponses.unauthenticated("The handshake needs HTTP Basic credentials", challenge(request));
        }
        String decoded;
        try {
            decoded = new String(
                    Base64.getDecoder()
                            .decode(authorization.substring(BASIC.length()).trim()),
                    StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            decoded = "";
        }
        int colon = decoded.indexOf(':');
        String user = colon < 0 ? decoded : decoded.substring(0, colon);
        char[] password = colon < 0 ? new char[0] : decoded.substring(colon + 1).toCharArray();
        String address = proxies.clientAddress(request);
        Optional<HandshakeResponse> token;
        try {
            token = guard.guard(address, user, () -> authenticator.handshake(user, password), Optional::isPresent);
        } catch (RuntimeException throttled) {
            metrics.handshakeRefused();
            throw throttled;
        } finally {
            Arrays.fill(password, '\0');
        }
        if (token.isEmpty()) {
            metrics.handshakeRefused();
            return ProblemResponses.unauthenticated("Unknown user or wrong password", challenge(request));
        }
        return Response.ok(ProtocolJson.toBytes(token.get()), MediaType.APPLICATION_JSON_TYPE)
                .build();
    }

    /**
     * Basic, except for a page's script: a Basic challenge makes the browser put up its own
     * password dialog over the page's sign-in form, so scripts get the bearer challenge instead.
     */
    private static String challenge(ContainerRequestContext request) {
        String mode = request.getHeaderString(HeaderNames.SEC_FETCH_MODE);
        return mode == null || mode.equalsIgnoreCase("navigate")
                ? HeaderNames.BASIC_CHALLENGE
                : HeaderNames.BEARER_CHALLENGE;
    }
}

package io.arrowhttp.internal.resource;

import io.arrowhttp.internal.provider.AuthenticationFilter;
import io.arrowhttp.protocol.internal.Json;
import io.arrowhttp.protocol.ArrowHttpException;
import io.arrowhttp.protocol.ErrorCode;
import io.arrowhttp.server.auth.Authentication;

import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /auth/handshake}: HTTP Basic credentials in, a bearer token out, like Flight's
 * handshake. Failed attempts are logged with the user name, never with the password.
 */
@Path("auth/handshake")
public final class HandshakeResource {

    private static final Logger LOG = LoggerFactory.getLogger(HandshakeResource.class);

    private final Authentication authentication;

    public HandshakeResource(Authentication authentication) {
        this.authentication = authentication;
    }

    @POST
    @Produces(MediaType.APPLICATION_JSON)
    public Response handshake(@HeaderParam("Authorization") String authorization, @Context SecurityContext security) {
        if (!security.isSecure() && !authentication.allowsInsecureHttp()) {
            return AuthenticationFilter.refusal(new ArrowHttpException(ErrorCode.UNAUTHENTICATED,
                    "This server accepts credentials over HTTPS only"));
        }
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return Response.fromResponse(AuthenticationFilter.refusal(new ArrowHttpException(ErrorCode.UNAUTHENTICATED,
                    "The handshake needs HTTP Basic credentials"))).header("WWW-Authenticate", "Basic realm=\"arrowhttp\"").build();
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            decoded = "";
        }
        int colon = decoded.indexOf(':');
        String user = colon < 0 ? decoded : decoded.substring(0, colon);
        char[] password = colon < 0 ? new char[0] : decoded.substring(colon + 1).toCharArray();
        Optional<String> identity = authentication.checkPassword(user, password);
        java.util.Arrays.fill(password, '\0');
        if (identity.isEmpty()) {
            LOG.info("Failed handshake for user '{}'", user.length() > 64 ? user.substring(0, 64) + "..." : user);
            return Response.fromResponse(AuthenticationFilter.refusal(new ArrowHttpException(ErrorCode.UNAUTHENTICATED,
                    "Unknown user or wrong password"))).header("WWW-Authenticate", "Basic realm=\"arrowhttp\"").build();
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("tokenType", "Bearer");
        body.put("token", authentication.issueToken(identity.get()));
        body.put("expiresAt", Instant.now().plus(authentication.tokenLifetime()).toString());
        return Response.ok(Json.toBytes(body), MediaType.APPLICATION_JSON_TYPE).build();
    }
}

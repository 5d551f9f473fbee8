package io.arrowhttp.internal.provider;

import io.arrowhttp.protocol.Problem;
import io.arrowhttp.protocol.ArrowHttpException;
import io.arrowhttp.protocol.ErrorCode;
import io.arrowhttp.server.auth.Authentication;

import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;

import java.security.Principal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Requires a valid bearer token on every call but the handshake and CORS preflights, and makes its
 * identity the call's {@link SecurityContext} principal, so resources and datasets see who calls.
 * Refusals are {@code 401} with {@code WWW-Authenticate} and a problem body; the log says why,
 * never with the token.
 */
@Priority(Priorities.AUTHENTICATION)
public final class AuthenticationFilter implements ContainerRequestFilter {

    static final String REALM = "Bearer realm=\"arrowhttp\"";
    private static final Logger LOG = LoggerFactory.getLogger(AuthenticationFilter.class);

    private final Authentication authentication;

    public AuthenticationFilter(Authentication authentication) {
        this.authentication = authentication;
    }

    @Override
    public void filter(ContainerRequestContext request) {
        String path = request.getUriInfo().getPath();
        if (path.equals("auth/handshake") || path.equals("/auth/handshake") || "OPTIONS".equals(request.getMethod())) {
            return;
        }
        SecurityContext original = request.getSecurityContext();
        if (!original.isSecure() && !authentication.allowsInsecureHttp()) {
            request.abortWith(refusal(new ArrowHttpException(ErrorCode.UNAUTHENTICATED,
                    "This server accepts credentials over HTTPS only")));
            return;
        }
        String header = request.getHeaderString("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            request.abortWith(refusal(new ArrowHttpException(ErrorCode.UNAUTHENTICATED,
                    "This server needs a bearer token: get one from POST /auth/handshake with HTTP Basic credentials")));
            return;
        }
        String identity;
        try {
            identity = authentication.verify(header.substring(7).trim());
        } catch (ArrowHttpException refused) {
            LOG.info("Refused a call to {}: {}", path, refused.getMessage());
            request.abortWith(refusal(refused));
            return;
        }
        Principal principal = () -> identity;
        request.setSecurityContext(new SecurityContext() {
            @Override
            public Principal getUserPrincipal() {
                return principal;
            }

            @Override
            public boolean isUserInRole(String role) {
                return false;
            }

            @Override
            public boolean isSecure() {
                return original.isSecure();
            }

            @Override
            public String getAuthenticationScheme() {
                return "Bearer";
            }
        });
    }

    public static Response refusal(ArrowHttpException refused) {
        return Response.fromResponse(Problem.of(401, ErrorCode.UNAUTHENTICATED, refused.getMessage()).toResponse())
                .header("WWW-Authenticate", REALM)
                .build();
    }
}

package io.arrowhttp.internal.provider;

import io.arrowhttp.call.RequestHeaders;
import io.arrowhttp.protocol.ArrowHttpException;
import io.arrowhttp.protocol.ClientText;
import io.arrowhttp.protocol.ResourcePaths;
import io.arrowhttp.server.auth.Authenticator;
import jakarta.annotation.Priority;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.SecurityContext;
import java.security.Principal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks the {@link Authenticator} who makes every call but the handshake, the health probes and
 * CORS preflights, and
 * makes that identity the call's {@link SecurityContext} principal, so resources and datasets see
 * who calls. Refusals are {@code 401} with {@code WWW-Authenticate} and a problem body; the log
 * says why, never with the credentials.
 */
@Priority(Priorities.AUTHENTICATION)
public final class AuthenticationFilter implements ContainerRequestFilter {

    private static final Logger LOG = LoggerFactory.getLogger(AuthenticationFilter.class);
    private static final int LOGGED_PATH_LIMIT = 256;
    private static final int LOGGED_MESSAGE_LIMIT = 512;

    private final Authenticator authenticator;

    public AuthenticationFilter(Authenticator authenticator) {
        this.authenticator = authenticator;
    }

    @Override
    public void filter(ContainerRequestContext request) {
        String path = request.getUriInfo().getPath();
        if (isHandshake(path) || isHealth(path) || isWebPage(path) || HttpMethod.OPTIONS.equals(request.getMethod())) {
            return;
        }
        SecurityContext original = request.getSecurityContext();
        if (!original.isSecure() && !authenticator.allowsInsecureHttp()) {
            request.abortWith(ProblemResponses.unauthenticated(
                    "This server accepts credentials over HTTPS only", authenticator.challenge()));
            return;
        }
        String identity;
        try {
            identity = authenticator.authenticate(RequestHeaders.of(request.getHeaders()));
        } catch (ArrowHttpException refused) {
            LOG.info(
                    "Refused a call to {}: {}",
                    ClientText.quote(path, LOGGED_PATH_LIMIT),
                    ClientText.escape(refused.getMessage(), LOGGED_MESSAGE_LIMIT));
            request.abortWith(ProblemResponses.unauthenticated(refused.getMessage(), authenticator.challenge()));
            return;
        }
        request.setSecurityContext(new Authenticated(identity, original.isSecure()));
    }

    /** The probes: orchestrators call them without credentials, and they say nothing of the data. */
    private static boolean isHealth(String path) {
        String relative = path.startsWith("/") ? path.substring(1) : path;
        return relative.equals(ResourcePaths.HEALTH_LIVE) || relative.equals(ResourcePaths.HEALTH_READY);
    }

    /** The web page's static files: the page must load to show its sign-in form. */
    private static boolean isWebPage(String path) {
        String relative = path.startsWith("/") ? path.substring(1) : path;
        return relative.equals(ResourcePaths.UI) || relative.startsWith(ResourcePaths.UI + "/");
    }

    public static boolean isHandshake(String path) {
        return path.equals(ResourcePaths.HANDSHAKE) || path.equals("/" + ResourcePaths.HANDSHAKE);
    }

    /** The security context of a call the authenticator accepted. */
    private record Authenticated(String identity, boolean secure) implements SecurityContext {

        @Override
        public Principal getUserPrincipal() {
            return () -> identity;
        }

        @Override
        public boolean isUserInRole(String role) {
            return false;
        }

        @Override
        public boolean isSecure() {
            return secure;
        }

        @Override
        public String getAuthenticationScheme() {
            return "Bearer";
        }
    }
}

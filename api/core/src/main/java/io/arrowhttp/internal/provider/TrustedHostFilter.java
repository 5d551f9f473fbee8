package io.arrowhttp.internal.provider;

import io.arrowhttp.internal.container.ServerConnection;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Makes the request's base URI, from which every absolute URL of a response is built (the
 * catalog's locations, redirects, and the {@code Location} headers Jersey completes), come from
 * configuration or the connection, never from a {@code Host} header nobody checked: the public base
 * URL when there is one, else the {@code Host} when it is on the allowed list, else the address
 * and port the connection was accepted on. Only the scheme and authority are replaced; the path,
 * and so the matching of resources, stays as it was.
 */
@PreMatching
@Priority(Priorities.AUTHENTICATION - 300)
public final class TrustedHostFilter implements ContainerRequestFilter {

    private final URI publicBase;
    private final List<AllowedHost> allowed;

    /**
     * @param publicBase the address clients reach the application at, or null
     * @param allowedHosts {@code host} or {@code host:port} values accepted from the {@code Host}
     *     header when there is no public base; a host without port is accepted on any port
     */
    public TrustedHostFilter(URI publicBase, Collection<String> allowedHosts) {
        this.publicBase = publicBase;
        this.allowed = allowedHosts.stream().map(AllowedHost::parse).toList();
    }

    /**
     * Checks one entry of the allowed list.
     *
     * @throws IllegalArgumentException when it is not {@code host} or {@code host:port}
     */
    public static void checkAllowedHost(String entry) {
        AllowedHost.parse(entry);
    }

    @Override
    public void filter(ContainerRequestContext request) {
        URI base = request.getUriInfo().getBaseUri();
        URI requested = request.getUriInfo().getRequestUri();
        String scheme;
        String authority;
        if (publicBase != null) {
            scheme = publicBase.getScheme();
            authority = publicBase.getRawAuthority();
        } else if (allowed.stream().anyMatch(host -> host.matches(base))) {
            return;
        } else {
            InetSocketAddress local =
                    request.getProperty(ClientAddressFilter.CONNECTION) instanceof ServerConnection connection
                            ? connection.localAddress()
                            : null;
            if (local == null) {
                return;
            }
            scheme = base.getScheme();
            String address = local.getHostString();
            authority = (address.indexOf(':') >= 0 ? "[" + address + "]" : address) + ":" + local.getPort();
        }
        request.setRequestUri(replace(base, scheme, authority), replace(requested, scheme, authority));
    }

    private static URI replace(URI uri, String scheme, String authority) {
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        String query = uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery();
        return URI.create(scheme + "://" + authority + path + query);
    }

    /** One entry of the allowed list: a host name or address, and a port or -1 for any. */
    private record AllowedHost(String host, int port) {

        private static final Pattern SYNTAX =
                Pattern.compile("([a-z0-9]([a-z0-9.-]*[a-z0-9])?|\\[[0-9a-f:.]+\\])(:([0-9]{1,5}))?");

        static AllowedHost parse(String entry) {
            Matcher matcher = SYNTAX.matcher(entry.trim().toLowerCase(Locale.ROOT));
            if (!matcher.matches() || matcher.group(4) != null && Integer.parseInt(matcher.group(4)) > 65535) {
                throw new IllegalArgumentException(
                        "An allowed host is host or host:port, such as data.example.com:8443; got '" + entry + "'");
            }
            return new AllowedHost(
                    matcher.group(1), matcher.group(4) == null ? -1 : Integer.parseInt(matcher.group(4)));
        }

        boolean matches(URI base) {
            if (base.getHost() == null || !host.equals(base.getHost().toLowerCase(Locale.ROOT))) {
                return false;
            }
            if (port < 0) {
                return true;
            }
            int actual = base.getPort() >= 0 ? base.getPort() : "https".equalsIgnoreCase(base.getScheme()) ? 443 : 80;
            return actual == port;
        }
    }
}

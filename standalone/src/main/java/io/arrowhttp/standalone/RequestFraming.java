package io.arrowhttp.standalone;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.glassfish.grizzly.http.server.Request;

/**
 * The routing header this server refuses rather than guesses at, because a proxy in front, or the
 * absolute URLs the server builds, may read it otherwise (RFC 9112, section 3.2; RFC 9110,
 * section 7.2): a missing (in HTTP/1.1), repeated or malformed {@code Host}. A good one is
 * {@code host[:port]}: a registered name, an IPv4 address or a bracketed IPv6 address, with a
 * port of 1 to 5 digits. Grizzly failed on such values with a stack trace in the log and the raw
 * value in it; here they get a {@code 400} problem and the connection is closed.
 *
 * <p>Pure, thread-safe; Grizzly has parsed the request line and headers by now, not the body.
 */
final class RequestFraming {

    private static final Pattern HOST =
            Pattern.compile("(\\[[0-9A-Fa-f:.]{2,45}\\]|[A-Za-z0-9._~!$&'()*+,;=%-]{1,253})(:[0-9]{1,5})?");

    private RequestFraming() {}

    /** Why {@code request} is refused, for its problem's detail; empty when it is framed well. */
    static Optional<String> refusal(Request request) {
        List<String> hosts = new ArrayList<>();
        request.getHeaders("Host").forEach(hosts::add);
        boolean http11 = !"HTTP/1.0".equals(request.getProtocol().getProtocolString());
        if (hosts.size() > 1 || (hosts.isEmpty() && http11)) {
            return Optional.of("An HTTP/1.1 request has exactly one Host header (RFC 9112, section 3.2)");
        }
        if (!hosts.isEmpty() && !HOST.matcher(hosts.get(0)).matches()) {
            return Optional.of("The Host header is not host[:port] (RFC 9110, section 7.2)");
        }
        return Optional.empty();
    }
}

package io.arrowhttp.internal.resource;

import io.arrowhttp.internal.provider.ClientAddressFilter;
import jakarta.ws.rs.container.ContainerRequestContext;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The reverse proxies whose {@code X-Forwarded-For} the server believes, configured explicitly as
 * addresses or CIDR ranges. Behind a proxy every client arrives from the proxy's address, so the
 * handshake's failure limits and the stream limits per address need the address the proxy saw;
 * but anyone can
 * send the header, so it is read only when the direct peer is one of these proxies, and then
 * from the right: the rightmost hop that is not a trusted proxy is the client, since everything
 * to its left was written by the client itself. Without trusted proxies the header is ignored.
 */
public final class TrustedProxies {

    /** Only literal addresses are parsed: a name must never cause a DNS lookup per request. */
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

    private static final String FORWARDED_FOR = "X-Forwarded-For";

    private static final TrustedProxies NONE = new TrustedProxies(List.of());

    private final List<Range> ranges;

    private TrustedProxies(List<Range> ranges) {
        this.ranges = List.copyOf(ranges);
    }

    /** No trusted proxy: {@code X-Forwarded-For} is never read. */
    public static TrustedProxies none() {
        return NONE;
    }

    /**
     * @param entries addresses ({@code 10.0.0.5}, {@code ::1}) or CIDR ranges ({@code 10.0.0.0/8})
     * @throws IllegalArgumentException naming an entry that is neither
     */
    public static TrustedProxies of(Collection<String> entries) {
        List<Range> ranges = new ArrayList<>();
        for (String entry : entries) {
            ranges.add(Range.parse(entry == null ? "" : entry.trim()));
        }
        return new TrustedProxies(ranges);
    }

    public boolean isEmpty() {
        return ranges.isEmpty();
    }

    /** Whether {@code address}, a literal, is one of the trusted proxies. */
    public boolean trusts(String address) {
        byte[] bytes = literal(address);
        if (bytes == null) {
            return false;
        }
        for (Range range : ranges) {
            if (range.contains(bytes)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The client's address: {@code peer} itself unless it is a trusted proxy that says, in
     * {@code forwardedFor} (the {@code X-Forwarded-For} headers in order, null or empty when
     * absent), whom it forwards for.
     */
    public String clientAddress(String peer, List<String> forwardedFor) {
        if (peer == null || ranges.isEmpty() || forwardedFor == null || forwardedFor.isEmpty() || !trusts(peer)) {
            return peer;
        }
        List<String> hops = new ArrayList<>();
        for (String header : forwardedFor) {
            for (String hop : header.split(",")) {
                hops.add(hop.trim());
            }
        }
        String client = peer;
        for (int i = hops.size() - 1; i >= 0; i--) {
            String hop = hops.get(i);
            if (literal(hop) == null) {
                // Garbage the trusted proxy passed on from its client: the proxy's own view
                // stops here, so the last hop it vouched for is the best known address.
                return client;
            }
            client = hop;
            if (!trusts(hop)) {
                return hop;
            }
        }
        return client;
    }

    /**
     * The address of {@code request}'s client: its direct peer, as {@link ClientAddressFilter}
     * kept it, or the client a trusted proxy names; null when the server does not say.
     */
    public String clientAddress(ContainerRequestContext request) {
        Object peer = request.getProperty(ClientAddressFilter.PROPERTY);
        return clientAddress(
                peer == null ? null : peer.toString(), request.getHeaders().get(FORWARDED_FOR));
    }

    /** The bytes of a literal IPv4 or IPv6 address, or null for anything else. */
    static byte[] literal(String text) {
        if (text == null || text.isEmpty() || text.length() > 45) {
            return null;
        }
        String bare = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
        if (!IPV4.matcher(bare).matches() && !IPV6.matcher(bare).matches()) {
            return null;
        }
        try {
            return InetAddress.getByName(bare).getAddress();
        } catch (UnknownHostException | SecurityException e) {
            return null;
        }
    }

    private record Range(byte[] network, int prefix) {

        static Range parse(String entry) {
            int slash = entry.indexOf('/');
            byte[] network = literal(slash < 0 ? entry : entry.substring(0, slash));
            if (network == null) {
                throw invalid(entry);
            }
            int prefix = network.length * 8;
            if (slash >= 0) {
                try {
                    prefix = Integer.parseInt(entry.substring(slash + 1));
                } catch (NumberFormatException e) {
                    throw invalid(entry);
                }
                if (prefix < 0 || prefix > network.length * 8) {
                    throw invalid(entry);
                }
            }
            return new Range(network, prefix);
        }

        private static IllegalArgumentException invalid(String entry) {
            return new IllegalArgumentException("A trusted proxy is an IP address such as 10.0.0.5 or a CIDR range"
                    + " such as 10.0.0.0/8; got '" + entry + "'");
        }

        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            int whole = prefix / 8;
            for (int i = 0; i < whole; i++) {
                if (address[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefix % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xff << (8 - rest)) & 0xff;
            return (address[whole] & mask) == (network[whole] & mask);
        }
    }
}

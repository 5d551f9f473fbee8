package io.arrowhttp.internal.resource;

import jakarta.ws.rs.core.HttpHeaders;
import java.util.List;
import java.util.Locale;

/** The client's request to bypass the Arrow cache. */
final class CacheBypass {

    static final String CACHE_CONTROL = "Cache-Control";

    private CacheBypass() {}

    /**
     * Whether the client asked for a response read from the source, as HTTP caches are asked:
     * {@code Cache-Control: no-cache} or {@code no-store}.
     */
    static boolean asked(HttpHeaders headers) {
        List<String> values = headers.getRequestHeader(CACHE_CONTROL);
        if (values == null) {
            return false;
        }
        for (String value : values) {
            for (String directive : value.split(",")) {
                String name = directive.trim().toLowerCase(Locale.ROOT);
                int equals = name.indexOf('=');
                if (equals >= 0) {
                    name = name.substring(0, equals).trim();
                }
                if (name.equals("no-cache") || name.equals("no-store")) {
                    return true;
                }
            }
        }
        return false;
    }
}

package io.arrowhttp.server.middleware;

import io.arrowhttp.protocol.HeaderNames;
import jakarta.ws.rs.core.MultivaluedMap;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;
import org.slf4j.MDC;

/**
 * Gives every call an id: the client's {@code X-Request-Id} when it sends a sensible one, a new
 * one otherwise. The id is echoed in the response and put in the SLF4J MDC under
 * {@code requestId} while the call's middleware is set up, and the access log prints it.
 */
public final class RequestIds implements ServerMiddleware.Factory {

    /** The header that carries the id: {@link HeaderNames#REQUEST_ID}. */
    public static final String HEADER = HeaderNames.REQUEST_ID;

    /** The SLF4J MDC key that holds the id while the call runs: {@code %X{requestId}} in a pattern. */
    public static final String MDC_KEY = "requestId";

    private static final Pattern SENSIBLE = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
    private static final SecureRandom RANDOM = new SecureRandom();

    @Override
    public ServerMiddleware onCallStarted(CallInfo call) {
        String given = call.header(HEADER);
        String id = given != null && SENSIBLE.matcher(given).matches() ? given : newId();
        MDC.put(MDC_KEY, id);
        return new ServerMiddleware() {
            @Override
            public void onBeforeSendingHeaders(MultivaluedMap<String, Object> headers) {
                headers.putSingle(HEADER, id);
            }

            @Override
            public void onCallCompleted(CallOutcome outcome) {
                MDC.remove(MDC_KEY);
            }
        };
    }

    /** A new id: 24 hex digits from a secure random source, as every server-made id is. */
    public static String newId() {
        byte[] bytes = new byte[12];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}

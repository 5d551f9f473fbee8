package io.arrowhttp.server.middleware;

import io.arrowhttp.protocol.ArrowHttpException;
import io.arrowhttp.protocol.ClientText;
import jakarta.ws.rs.core.MultivaluedMap;
import java.util.Locale;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One log line per call, when it is over, at INFO on logger {@code io.arrowhttp.access}:
 * {@code GET /datasets/tickers?rows=10 200 4523 bytes 10 rows 12.3 ms id=...}. Failed calls say
 * why, without internals.
 */
public final class AccessLog implements ServerMiddleware.Factory {

    private static final Logger LOG = LoggerFactory.getLogger("io.arrowhttp.access");
    private static final int METHOD_LIMIT = 16;
    private static final int PATH_LIMIT = 512;
    private static final int ID_LIMIT = 128;
    private static final Pattern SECRET_PARAMETER = Pattern.compile(
            "(?i)([?&;](?:[\\w.-]*[_.-])?(?:token|password|passwd|secret|api[_-]?key|apikey|signature|sig|auth"
                    + "|authorization|credentials?)=)[^&;#]*");

    @Override
    public ServerMiddleware onCallStarted(CallInfo call) {
        String requestId = call.header(RequestIds.HEADER);
        return new ServerMiddleware() {
            private String echoedId = requestId;
            /** The id the response carries: chosen by {@link RequestIds}, so safe for the MDC. */
            private String sentId;

            @Override
            public void onBeforeSendingHeaders(MultivaluedMap<String, Object> headers) {
                Object id = headers.getFirst(RequestIds.HEADER);
                if (id != null) {
                    echoedId = id.toString();
                    sentId = echoedId;
                }
            }

            @Override
            public void onCallCompleted(CallOutcome outcome) {
                if (sentId == null || sentId.equals(MDC.get(RequestIds.MDC_KEY))) {
                    LOG.info(line(call, outcome, echoedId));
                    return;
                }
                // A call Jersey ended on another path (a request line it could not parse) can
                // complete where the MDC no longer holds its id: the line still gets it.
                MDC.put(RequestIds.MDC_KEY, sentId);
                try {
                    LOG.info(line(call, outcome, echoedId));
                } finally {
                    MDC.remove(RequestIds.MDC_KEY);
                }
            }
        };
    }

    /**
     * Writes the line of a call the application never saw (a request the HTTP parser refused),
     * with {@code requestId} in the MDC as for every other line.
     */
    public static void write(CallInfo call, CallOutcome outcome, String requestId) {
        MDC.put(RequestIds.MDC_KEY, requestId);
        try {
            LOG.info(line(call, outcome, requestId));
        } finally {
            MDC.remove(RequestIds.MDC_KEY);
        }
    }

    /**
     * The path with the values of query parameters that carry secrets replaced: a token sent by
     * mistake in the URL ({@code ?token=}, {@code ?access_token=}) never reaches the log.
     */
    static String redacted(String path) {
        return SECRET_PARAMETER.matcher(path).replaceAll("$1REDACTED");
    }

    static String line(CallInfo call, CallOutcome outcome, String requestId) {
        // Method, path and id come from the client: escaped and bounded, so no request can write
        // a line of its own into the log or flood it.
        StringBuilder line = new StringBuilder(String.format(
                Locale.ROOT,
                "%s %s %d %d bytes",
                ClientText.escape(call.method(), METHOD_LIMIT),
                ClientText.escape(redacted(call.path()), PATH_LIMIT),
                outcome.status(),
                outcome.bytes()));
        if (outcome.rows() >= 0) {
            line.append(' ').append(outcome.rows()).append(" rows");
        }
        line.append(String.format(Locale.ROOT, " %.1f ms", outcome.duration().toNanos() / 1e6));
        if (requestId != null) {
            line.append(" id=").append(ClientText.escape(requestId, ID_LIMIT));
        }
        if (outcome.error() != null) {
            line.append(" failed: ")
                    .append(
                            outcome.error() instanceof ArrowHttpException known
                                    ? known.code().name()
                                    : outcome.error().getClass().getSimpleName());
        }
        return line.toString();
    }
}

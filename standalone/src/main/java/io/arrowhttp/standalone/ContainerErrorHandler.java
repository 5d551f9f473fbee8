package io.arrowhttp.standalone;

import io.arrowhttp.call.ErrorIds;
import io.arrowhttp.protocol.ArrowHttpException;
import io.arrowhttp.protocol.ArrowMediaTypes;
import io.arrowhttp.protocol.ErrorCode;
import io.arrowhttp.protocol.Problem;
import io.arrowhttp.protocol.ProtocolJson;
import io.arrowhttp.server.middleware.AccessLog;
import io.arrowhttp.server.middleware.CallInfo;
import io.arrowhttp.server.middleware.CallOutcome;
import io.arrowhttp.server.middleware.RequestIds;
import io.arrowhttp.server.middleware.ServerMiddleware;
import jakarta.ws.rs.core.MultivaluedHashMap;
import jakarta.ws.rs.core.MultivaluedMap;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.glassfish.grizzly.http.server.HttpHandler;
import org.glassfish.grizzly.http.server.Request;
import org.glassfish.grizzly.http.server.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Jersey's Grizzly container in front of which it stands answers what the container itself
 * cannot: a request whose target Jersey cannot even parse ({@code /datasets/<script>},
 * {@code ?rows=10%}) made Jersey throw before any exception mapper ran, and Grizzly answered with
 * an HTML page carrying the stack trace and the input unescaped. Here such a request gets a
 * {@code 400} problem with a request id and its access-log line, like every other refusal; any
 * other failure that escapes the container a {@code 500} problem with a logged error id.
 */
final class ContainerErrorHandler extends HttpHandler {

    private static final Logger LOG = LoggerFactory.getLogger(ContainerErrorHandler.class);

    private final HttpHandler container;

    ContainerErrorHandler(HttpHandler container) {
        this.container = container;
    }

    @Override
    public void service(Request request, Response response) throws Exception {
        long started = System.nanoTime();
        Optional<String> refused = RequestFraming.refusal(request);
        if (refused.isPresent()) {
            // Nothing of the body is read: the connection closes after the answer.
            response.setHeader("Connection", "close");
            answer(request, response, Problem.of(ErrorCode.INVALID_ARGUMENT, refused.get()), null, started);
            return;
        }
        try {
            container.service(request, response);
        } catch (Exception | Error failure) {
            if (response.isCommitted()) {
                throw failure;
            }
            answer(request, response, failure, started);
        }
    }

    private static void answer(Request request, Response response, Throwable failure, long started) throws Exception {
        Problem problem;
        if (failure instanceof IllegalArgumentException) {
            problem = Problem.of(
                    ErrorCode.INVALID_ARGUMENT,
                    "The request's target is not a valid URI; percent-encode"
                            + " reserved and non-ASCII characters (RFC 3986)");
        } else {
            String id = ErrorIds.next();
            LOG.error("A request failed before the application saw it, error id {}", id, failure);
            problem = Problem.of(
                            ErrorCode.INTERNAL,
                            "The server failed to answer this request; quote error id " + id + " to its operators")
                    .withErrorId(id);
        }
        answer(request, response, problem, failure, started);
    }

    private static void answer(Request request, Response response, Problem problem, Throwable failure, long started)
            throws Exception {
        MultivaluedMap<String, String> requestHeaders = new MultivaluedHashMap<>();
        for (String name : request.getHeaderNames()) {
            requestHeaders.put(name, List.copyOf(toList(request.getHeaders(name))));
        }
        CallInfo call = new CallInfo(request.getMethod().getMethodString(), request.getRequestURI(), requestHeaders);
        List<ServerMiddleware> middleware =
                List.of(new RequestIds().onCallStarted(call), new AccessLog().onCallStarted(call));
        MultivaluedMap<String, Object> headers = new MultivaluedHashMap<>();
        middleware.forEach(each -> each.onBeforeSendingHeaders(headers));
        byte[] body = ProtocolJson.toBytes(problem);
        String connection = response.getHeader("Connection");
        response.reset();
        if (connection != null) {
            response.setHeader("Connection", connection);
        }
        response.setStatus(problem.status());
        response.setContentType(ArrowMediaTypes.PROBLEM_JSON);
        response.setContentLength(body.length);
        headers.forEach((name, values) -> values.forEach(value -> response.addHeader(name, String.valueOf(value))));
        response.getOutputStream().write(body);
        CallOutcome outcome = new CallOutcome(
                problem.status(),
                body.length,
                -1,
                Duration.ofNanos(System.nanoTime() - started),
                failure != null ? failure : new ArrowHttpException(problem.errorCode(), problem.detail()));
        middleware.forEach(each -> each.onCallCompleted(outcome));
    }

    private static List<String> toList(Iterable<String> values) {
        List<String> list = new ArrayList<>();
        values.forEach(list::add);
        return list;
    }

    @Override
    public void start() {
        container.start();
    }

    @Override
    public void destroy() {
        container.destroy();
    }
}

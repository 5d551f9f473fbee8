package io.arrowhttp.standalone;

import io.arrowhttp.call.ContinueAfterChecks;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.glassfish.grizzly.http.server.HttpHandler;
import org.glassfish.grizzly.http.server.Request;
import org.glassfish.grizzly.http.server.Response;
import org.glassfish.grizzly.http.util.HttpStatus;

/**
 * Grizzly answers {@code Expect: 100-continue} before any application code runs, so a client
 * refused for its credentials or its dataset would send the whole body first. In front of the
 * application's handler, this leaves the {@code 100 Continue} to the application: see
 * {@link ContinueAfterChecks}. A request the application refuses gets its final answer only.
 */
final class DeferredContinueHandler extends HttpHandler {

    private final HttpHandler application;

    DeferredContinueHandler(HttpHandler application) {
        this.application = application;
    }

    @Override
    protected boolean sendAcknowledgment(Request request, Response response) {
        if (!"100-continue".equalsIgnoreCase(request.getHeader("Expect"))) {
            response.setStatus(HttpStatus.EXPECTATION_FAILED_417);
            return false;
        }
        request.setAttribute(ContinueAfterChecks.PROPERTY, (Runnable) () -> acknowledge(response));
        return true;
    }

    private static void acknowledge(Response response) {
        try {
            response.setStatus(HttpStatus.CONINTUE_100);
            response.sendAcknowledgement();
        } catch (IOException e) {
            throw new UncheckedIOException("Sending 100 Continue failed", e);
        }
    }

    @Override
    public void service(Request request, Response response) throws Exception {
        application.service(request, response);
    }

    @Override
    public void start() {
        application.start();
    }

    @Override
    public void destroy() {
        application.destroy();
    }
}

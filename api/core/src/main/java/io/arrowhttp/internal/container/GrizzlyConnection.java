package io.arrowhttp.internal.container;

import java.io.IOException;
import org.glassfish.grizzly.CloseListener;
import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.http.Protocol;
import org.glassfish.grizzly.http.server.Request;
import org.glassfish.jersey.internal.inject.InjectionManager;

/**
 * {@link ServerConnection} on Grizzly. Loaded only where Grizzly's classes are present.
 *
 * <p>Grizzly marks every response of unknown length as chunked, also for HTTP/1.0 requests, whose
 * clients cannot decode chunks. Clearing the mark after Jersey has set the headers makes Grizzly
 * send the body as it is and end it by closing the connection, as HTTP/1.0 expects.
 */
final class GrizzlyConnection implements ServerConnection {

    private final Request request;

    private GrizzlyConnection(Request request) {
        this.request = request;
    }

    static ServerConnection current(InjectionManager injectionManager) {
        Request request;
        try {
            request = injectionManager.getInstance(Request.class);
        } catch (RuntimeException notOnGrizzly) {
            return null;
        }
        return request == null ? null : new GrizzlyConnection(request);
    }

    @Override
    public boolean abort() {
        // Not closeSilently(): a graceful close would still send what is written after it, the
        // last chunk included, and the broken response would look complete.
        request.getContext()
                .getConnection()
                .terminateWithReason(new IOException("arrowhttp aborted a response that failed after it had started"));
        return true;
    }

    @Override
    public String remoteAddress() {
        return request.getRemoteAddr();
    }

    /** Grizzly's connections may be terminated from any thread. */
    @Override
    public boolean abortFromAnotherThread() {
        return abort();
    }

    @Override
    public Runnable onClientGone(Runnable callback) {
        Connection<?> connection = request.getContext().getConnection();
        CloseListener listener = (closeable, type) -> callback.run();
        connection.addCloseListener(listener);
        return () -> connection.removeCloseListener(listener);
    }

    @Override
    public boolean wantsEarlyCommit() {
        return request.getProtocol() == Protocol.HTTP_1_0;
    }

    @Override
    public void afterHeadersCommitted() {
        if (request.getProtocol() == Protocol.HTTP_1_0) {
            request.getResponse().getResponse().setChunked(false);
        }
    }
}

package io.arrowhttp.internal;

import jakarta.servlet.http.HttpServletResponse;

import org.glassfish.jersey.internal.inject.InjectionManager;

/**
 * {@link ServerConnection} in a servlet container. Loaded only where the servlet API is present.
 *
 * <p>Containers cut any write larger than the response buffer (8 KiB in Tomcat) into buffer-sized
 * chunks; a larger buffer keeps a record batch in one chunk. An exception escaping a committed
 * response makes the container drop the connection, so aborting is left to it, and containers do
 * not send chunked bodies to HTTP/1.0 clients.
 */
final class ServletConnection implements ServerConnection {

    /** Batches up to this size leave in one chunk; larger ones in chunks of this size. */
    static final int RESPONSE_BUFFER_BYTES = 512 * 1024;

    private final HttpServletResponse response;

    private ServletConnection(HttpServletResponse response) {
        this.response = response;
    }

    static ServerConnection current(InjectionManager injectionManager) {
        HttpServletResponse response;
        try {
            response = injectionManager.getInstance(HttpServletResponse.class);
        } catch (RuntimeException notInAServletContainer) {
            return null;
        }
        return response == null ? null : new ServletConnection(response);
    }

    @Override
    public void beforeBody() {
        if (!response.isCommitted() && response.getBufferSize() < RESPONSE_BUFFER_BYTES) {
            response.setBufferSize(RESPONSE_BUFFER_BYTES);
        }
    }
}

package io.arrowhttp.internal;

import org.glassfish.jersey.internal.inject.InjectionManager;

/**
 * What the library needs of the HTTP server underneath Jersey beyond JAX-RS: ending a response
 * whose status line has gone out so that the client sees it fail, and, on Grizzly, sending HTTP/1.0
 * clients a body they can read.
 *
 * <p>Servlet containers get {@link #NONE}: an exception escaping a committed response makes them
 * drop the connection, and they never send chunked bodies to HTTP/1.0 clients.
 */
public interface ServerConnection {

    /**
     * Drops the connection under a response that has started, so that no complete-looking end is
     * sent.
     *
     * @return false when this server cannot do it; the failure must then reach the container
     */
    boolean abort();

    /**
     * Whether the response's headers must be handed to the server before the body starts, so that
     * {@link #afterHeadersCommitted()} can adjust them.
     */
    boolean wantsEarlyCommit();

    /** Called once the headers are committed and before any body byte is written. */
    void afterHeadersCommitted();

    /** For servers that need none of the above. */
    ServerConnection NONE = new ServerConnection() {
        @Override
        public boolean abort() {
            return false;
        }

        @Override
        public boolean wantsEarlyCommit() {
            return false;
        }

        @Override
        public void afterHeadersCommitted() {
        }
    };

    /** The connection of the request being processed on this thread. */
    static ServerConnection current(InjectionManager injectionManager) {
        if (GrizzlyPresence.PRESENT) {
            ServerConnection grizzly = GrizzlyConnection.current(injectionManager);
            if (grizzly != null) {
                return grizzly;
            }
        }
        return NONE;
    }

    /** Whether Grizzly's server classes can be loaded, checked once, without loading them. */
    final class GrizzlyPresence {
        static final boolean PRESENT = present();

        private GrizzlyPresence() {
        }

        private static boolean present() {
            try {
                Class.forName("org.glassfish.grizzly.http.server.Request", false,
                        ServerConnection.class.getClassLoader());
                return true;
            } catch (ClassNotFoundException | LinkageError e) {
                return false;
            }
        }
    }
}

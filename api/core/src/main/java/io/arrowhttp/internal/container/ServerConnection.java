package io.arrowhttp.internal.container;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import org.glassfish.jersey.internal.inject.InjectionManager;

/**
 * What the library needs of the HTTP server underneath Jersey beyond JAX-RS: a response buffer
 * that holds a whole record batch, ending a response whose status line has gone out so that the
 * client sees it fail, and, on Grizzly, sending HTTP/1.0 clients a body they can read.
 */
public interface ServerConnection {

    /**
     * Drops the connection under a response that has started, so that no complete-looking end is
     * sent.
     *
     * @return false when this server cannot do it; the failure must then reach the container
     */
    default boolean abort() {
        return false;
    }

    /**
     * Drops the connection from a thread other than the one writing the response, so that a
     * write blocked on a client that reads nothing fails at once.
     *
     * @return false when this server cannot do it safely; its own write timeout applies then
     */
    default boolean abortFromAnotherThread() {
        return false;
    }

    /**
     * Whether the response's headers must be handed to the server before the body starts, so that
     * {@link #afterHeadersCommitted()} can adjust them.
     */
    default boolean wantsEarlyCommit() {
        return false;
    }

    /** Called once the headers are committed and before any body byte is written. */
    default void afterHeadersCommitted() {}

    /**
     * Runs {@code callback} if the client closes its connection before the response ends, on
     * servers that notice it without writing; returns what stops the watching.
     */
    default Runnable onClientGone(Runnable callback) {
        return () -> {};
    }

    /**
     * Whether {@link #sendBuffers} works here: this server can send direct buffers without copying
     * them and has sent them when it returns.
     */
    default boolean sendsBuffers() {
        return false;
    }

    /**
     * Sends the buffers' remaining bytes as the next piece of the body, one HTTP chunk, before
     * returning; keeps no reference to them afterwards. Leaves the buffers' positions alone. Only
     * where {@link #sendsBuffers()}, once the headers are committed.
     */
    default void sendBuffers(ByteBuffer[] buffers, int offset, int length) throws IOException {
        throw new UnsupportedOperationException("This server cannot send buffers; check sendsBuffers() first");
    }

    /** Called before anything of the body is written, headers not yet committed. */
    default void beforeBody() {}

    /** The client's address (the peer of the connection), or null when the server does not say. */
    default String remoteAddress() {
        return null;
    }

    /**
     * The address and port this connection was accepted on (the listener's own side), or null when
     * the server does not say.
     */
    default InetSocketAddress localAddress() {
        return null;
    }

    /** For servers that need none of the above. */
    ServerConnection NONE = new ServerConnection() {};

    /** The connection of the request being processed on this thread. */
    static ServerConnection current(InjectionManager injectionManager) {
        if (Presence.GRIZZLY) {
            ServerConnection grizzly = GrizzlyConnection.current(injectionManager);
            if (grizzly != null) {
                return grizzly;
            }
        }
        if (Presence.SERVLET) {
            ServerConnection servlet = ServletConnection.current(injectionManager);
            if (servlet != null) {
                return servlet;
            }
        }
        return NONE;
    }

    /**
     * Which server APIs can be loaded, checked once without loading them, so that the classes
     * using them are loaded only where they work.
     */
    final class Presence {
        static final boolean GRIZZLY = loadable("org.glassfish.grizzly.http.server.Request");
        static final boolean SERVLET = loadable("jakarta.servlet.http.HttpServletResponse");

        private Presence() {}

        private static boolean loadable(String className) {
            try {
                Class.forName(className, false, ServerConnection.class.getClassLoader());
                return true;
            } catch (ClassNotFoundException | LinkageError e) {
                return false;
            }
        }
    }
}

package io.arrowhttp.internal.provider;

import io.arrowhttp.internal.container.ServerConnection;
import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import org.glassfish.jersey.internal.inject.InjectionManager;

/**
 * Puts the address of the connection's peer in a request property, for the handshake's failure
 * limits and the stream limits per address, and the connection itself, for uploads that must be
 * dropped: JAX-RS itself does not give them, so they are asked of the server underneath.
 */
@PreMatching
@Priority(Priorities.AUTHENTICATION - 400)
public final class ClientAddressFilter implements ContainerRequestFilter {

    /** The request property holding the peer's address, or absent when the server does not say. */
    public static final String PROPERTY = "io.arrowhttp.clientAddress";

    /** The request property holding the request's {@link ServerConnection}. */
    public static final String CONNECTION = "io.arrowhttp.connection";

    private final InjectionManager injectionManager;

    @Inject
    public ClientAddressFilter(InjectionManager injectionManager) {
        this.injectionManager = injectionManager;
    }

    @Override
    public void filter(ContainerRequestContext request) {
        ServerConnection connection = ServerConnection.current(injectionManager);
        request.setProperty(CONNECTION, connection);
        String address = connection.remoteAddress();
        if (address != null) {
            request.setProperty(PROPERTY, address);
        }
    }

    /**
     * Drops the connection of {@code request} from another thread, where the server can.
     *
     * @return false when it cannot
     */
    public static boolean abortFromAnotherThread(ContainerRequestContext request) {
        return request.getProperty(CONNECTION) instanceof ServerConnection connection
                && connection.abortFromAnotherThread();
    }

    /**
     * Runs {@code callback} once the client of {@code request} has closed its connection (at once
     * when it already has), where the server notices it; returns what stops the watching.
     */
    public static Runnable onClientGone(ContainerRequestContext request, Runnable callback) {
        return request.getProperty(CONNECTION) instanceof ServerConnection connection
                ? connection.onClientGone(callback)
                : () -> {};
    }
}

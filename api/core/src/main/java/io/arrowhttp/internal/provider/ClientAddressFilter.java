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
 * limits and the stream limits per address: JAX-RS itself does not give it, so it is asked of
 * the server underneath.
 */
@PreMatching
@Priority(Priorities.AUTHENTICATION - 100)
public final class ClientAddressFilter implements ContainerRequestFilter {

    /** The request property holding the peer's address, or absent when the server does not say. */
    public static final String PROPERTY = "io.arrowhttp.clientAddress";

    private final InjectionManager injectionManager;

    @Inject
    public ClientAddressFilter(InjectionManager injectionManager) {
        this.injectionManager = injectionManager;
    }

    @Override
    public void filter(ContainerRequestContext request) {
        String address = ServerConnection.current(injectionManager).remoteAddress();
        if (address != null) {
            request.setProperty(PROPERTY, address);
        }
    }
}

package io.arrowhttp.internal.provider;

import io.arrowhttp.response.ArrowStream;
import jakarta.inject.Inject;
import jakarta.inject.Provider;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import org.glassfish.jersey.media.multipart.BodyPart;
import org.glassfish.jersey.media.multipart.MultiPart;
import org.glassfish.jersey.server.CloseableService;

/**
 * Makes sure the Arrow memory of a response is released when its request ends, also when the body
 * is never written: the client went away, a later filter failed. Writing the stream releases it
 * earlier; closing twice is harmless.
 */
public final class ArrowStreamReleaseFilter implements ContainerResponseFilter {

    private final Provider<CloseableService> closeables;

    @Inject
    public ArrowStreamReleaseFilter(Provider<CloseableService> closeables) {
        this.closeables = closeables;
    }

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        Object entity = response.getEntity();
        if (entity instanceof ArrowStream stream) {
            closeables.get().add(stream);
        } else if (entity instanceof MultiPart multiPart) {
            for (BodyPart part : multiPart.getBodyParts()) {
                if (part.getEntity() instanceof ArrowStream stream) {
                    closeables.get().add(stream);
                }
            }
        }
    }
}

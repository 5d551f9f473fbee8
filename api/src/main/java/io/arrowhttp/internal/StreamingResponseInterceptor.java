package io.arrowhttp.internal;

import io.arrowhttp.ArrowStream;

import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.ext.WriterInterceptor;
import jakarta.ws.rs.ext.WriterInterceptorContext;

import java.io.IOException;
import java.io.OutputStream;

import org.glassfish.jersey.internal.inject.InjectionManager;
import org.glassfish.jersey.media.multipart.BodyPart;
import org.glassfish.jersey.media.multipart.MultiPart;
import org.glassfish.jersey.message.internal.CommittingOutputStream;

/**
 * Lets responses that carry an Arrow stream reach the client batch by batch.
 *
 * <p>Jersey holds the first 8 KiB of every response (jersey.config.server.contentLength.buffer)
 * to compute a Content-Length, and ignores flushes until then: a first small batch, or the
 * schema, would wait for more data. For these responses only, the buffer is turned off, so the
 * rest of the application keeps its Content-Length headers.
 */
@Priority(Priorities.ENTITY_CODER - 100)
public final class StreamingResponseInterceptor implements WriterInterceptor {

    private final InjectionManager injectionManager;

    @Inject
    public StreamingResponseInterceptor(InjectionManager injectionManager) {
        this.injectionManager = injectionManager;
    }

    @Override
    public void aroundWriteTo(WriterInterceptorContext context) throws IOException {
        if (carriesArrow(context.getEntity())) {
            OutputStream out = context.getOutputStream();
            if (out instanceof CommittingOutputStream committing && !committing.isCommitted()) {
                committing.enableBuffering(0);
                ServerConnection connection = ServerConnection.current(injectionManager);
                if (connection.wantsEarlyCommit()) {
                    committing.commit();
                    connection.afterHeadersCommitted();
                }
            }
        }
        context.proceed();
    }

    static boolean carriesArrow(Object entity) {
        if (entity instanceof ArrowStream) {
            return true;
        }
        if (entity instanceof MultiPart multiPart) {
            for (BodyPart part : multiPart.getBodyParts()) {
                if (part.getEntity() instanceof ArrowStream) {
                    return true;
                }
            }
        }
        return false;
    }
}

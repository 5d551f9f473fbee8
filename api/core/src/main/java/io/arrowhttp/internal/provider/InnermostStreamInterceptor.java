package io.arrowhttp.internal.provider;

import jakarta.annotation.Priority;
import jakarta.ws.rs.ext.WriterInterceptor;
import jakarta.ws.rs.ext.WriterInterceptorContext;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.GatheringByteChannel;
import org.glassfish.jersey.internal.PropertiesDelegate;

/**
 * Lets {@link ArrowStreamBodyWriter} hand record batches to the response as buffers.
 *
 * <p>Jersey gives a body writer the stream of the last interceptor wrapped in one that only ignores
 * {@code close()}, which hides that the stream takes buffers ({@link GatheringByteChannel}). Running
 * after every other interceptor, this one sees the stream exactly as the writer gets it, and puts it
 * in the request's property {@link #PROPERTY} for as long as the body is written, where the writer
 * reads it: a value of the request, not of the thread. Any interceptor that wraps the stream in one
 * that does not take buffers (a content coding) runs before, and then there is nothing to lend.
 */
@Priority(Integer.MAX_VALUE)
public final class InnermostStreamInterceptor implements WriterInterceptor {

    /** The request property that holds the stream taking buffers while the body is written. */
    static final String PROPERTY = InnermostStreamInterceptor.class.getName();

    @Override
    public void aroundWriteTo(WriterInterceptorContext context) throws IOException {
        OutputStream out = context.getOutputStream();
        if (!(out instanceof GatheringByteChannel)) {
            context.proceed();
            return;
        }
        Object outer = context.getProperty(PROPERTY);
        context.setProperty(PROPERTY, out);
        try {
            context.proceed();
        } finally {
            if (outer == null) {
                context.removeProperty(PROPERTY);
            } else {
                context.setProperty(PROPERTY, outer);
            }
        }
    }

    /**
     * The stream that takes buffers behind {@code out}, the stream a body writer was given, as the
     * request's {@code properties} hold it; or {@code out} itself when there is none.
     */
    static OutputStream unwrap(OutputStream out, PropertiesDelegate properties) {
        Object gathering = properties == null ? null : properties.getProperty(PROPERTY);
        return gathering instanceof OutputStream stream ? stream : out;
    }
}

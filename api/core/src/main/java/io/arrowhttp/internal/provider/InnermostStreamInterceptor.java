package io.arrowhttp.internal.provider;

import jakarta.annotation.Priority;
import jakarta.ws.rs.ext.WriterInterceptor;
import jakarta.ws.rs.ext.WriterInterceptorContext;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.GatheringByteChannel;

/**
 * Lets {@link ArrowStreamBodyWriter} hand record batches to the response as buffers.
 *
 * <p>Jersey gives a body writer the stream of the last interceptor wrapped in one that only ignores
 * {@code close()}, which hides that the stream takes buffers ({@link GatheringByteChannel}). Running
 * after every other interceptor, this one sees the stream exactly as the writer gets it, and lends
 * it to the writer, on the writing thread, for as long as the body is written. Any interceptor that
 * wraps the stream in one that does not take buffers (a content coding of the application) runs
 * before, and then there is nothing to lend.
 */
@Priority(Integer.MAX_VALUE)
public final class InnermostStreamInterceptor implements WriterInterceptor {

    private static final ThreadLocal<OutputStream> GATHERING = new ThreadLocal<>();

    @Override
    public void aroundWriteTo(WriterInterceptorContext context) throws IOException {
        OutputStream out = context.getOutputStream();
        if (!(out instanceof GatheringByteChannel)) {
            context.proceed();
            return;
        }
        OutputStream outer = GATHERING.get();
        GATHERING.set(out);
        try {
            context.proceed();
        } finally {
            if (outer == null) {
                GATHERING.remove();
            } else {
                GATHERING.set(outer);
            }
        }
    }

    /**
     * The stream that takes buffers behind {@code out}, the stream a body writer was given, or
     * {@code out} itself when there is none.
     */
    static OutputStream unwrap(OutputStream out) {
        OutputStream gathering = GATHERING.get();
        return gathering != null ? gathering : out;
    }
}

package io.arrowhttp.internal.provider;

import io.arrowhttp.call.StreamOutcome;
import io.arrowhttp.internal.wire.BufferTaking;
import io.arrowhttp.protocol.ArrowHttpException;
import io.arrowhttp.protocol.HttpStatus;
import io.arrowhttp.response.ArrowStream;
import io.arrowhttp.server.middleware.CallOutcome;
import io.arrowhttp.server.middleware.ServerMiddleware;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.ext.WriterInterceptor;
import jakarta.ws.rs.ext.WriterInterceptorContext;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.glassfish.jersey.server.ContainerRequest;
import org.glassfish.jersey.server.ContainerResponse;
import org.glassfish.jersey.server.monitoring.ApplicationEvent;
import org.glassfish.jersey.server.monitoring.ApplicationEventListener;
import org.glassfish.jersey.server.monitoring.RequestEvent;
import org.glassfish.jersey.server.monitoring.RequestEventListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells middleware how each call ended, once Jersey has finished it, after the whole body has been
 * written: the status, the body bytes (counted by the {@link Counting} interceptor), the Arrow
 * rows, and the failure if any, an aborted Arrow stream included.
 */
public final class MiddlewareCompletion implements ApplicationEventListener {

    static final String BYTES = "io.arrowhttp.bytes";

    private static final Logger LOG = LoggerFactory.getLogger(MiddlewareCompletion.class);

    @Override
    public void onEvent(ApplicationEvent event) {}

    @Override
    public RequestEventListener onRequest(RequestEvent start) {
        return event -> {
            if (event.getType() == RequestEvent.Type.FINISHED) {
                finished(event);
            }
        };
    }

    @SuppressWarnings("unchecked")
    private static void finished(RequestEvent event) {
        ContainerRequest request = event.getContainerRequest();
        if (!(request.getProperty(MiddlewareFilter.MIDDLEWARE) instanceof List<?> middleware) || middleware.isEmpty()) {
            return;
        }
        ContainerResponse response = event.getContainerResponse();
        Object started = request.getProperty(MiddlewareFilter.STARTED);
        Duration duration =
                Duration.ofNanos(System.nanoTime() - (started instanceof Long nanos ? nanos : System.nanoTime()));
        Object counted = request.getProperty(BYTES);
        long bytes = counted instanceof AtomicLong count ? count.get() : 0;
        // An exception mapped to a response (a 404, a problem body) is told by the status.
        Throwable error = event.isResponseSuccessfullyMapped() ? null : event.getException();
        if (error == null && request.getProperty(MiddlewareFilter.REFUSAL) instanceof Throwable refusal) {
            error = refusal;
        }
        long rows = -1;
        ArrowStream arrow = response == null ? null : StreamingResponseInterceptor.arrowStreamOf(response.getEntity());
        if (arrow != null) {
            rows = arrow.statistics().rows();
            StreamOutcome outcome = arrow.outcome().orElse(null);
            if (error == null && outcome != null && !outcome.isOk()) {
                error = new ArrowHttpException(
                        outcome.error(), outcome.message() == null ? outcome.code() : outcome.message());
            }
        }
        CallOutcome outcome = new CallOutcome(
                response == null ? HttpStatus.INTERNAL_SERVER_ERROR : response.getStatus(),
                bytes,
                rows,
                duration,
                error);
        // Last started, first told: the request id (put in the MDC by the first) is still there
        // while the others, the access log among them, write their lines.
        List<ServerMiddleware> inOrder = (List<ServerMiddleware>) middleware;
        for (int i = inOrder.size() - 1; i >= 0; i--) {
            ServerMiddleware each = inOrder.get(i);
            try {
                each.onCallCompleted(outcome);
            } catch (RuntimeException e) {
                LOG.warn("Middleware {} failed on completion", each.getClass().getName(), e);
            }
        }
    }

    /** Counts the body bytes of every response, inside the Arrow stream's own wrapping. */
    @Priority(Priorities.ENTITY_CODER + 100)
    public static final class Counting implements WriterInterceptor {
        @Override
        public void aroundWriteTo(WriterInterceptorContext context) throws IOException {
            AtomicLong count = new AtomicLong();
            context.setProperty(BYTES, count);
            OutputStream out = context.getOutputStream();
            context.setOutputStream(
                    out instanceof GatheringByteChannel
                            ? new CountingGatheringStream(out, count)
                            : new CountingStream(out, count));
            context.proceed();
        }
    }

    /** Counts the bytes written through it. */
    private static class CountingStream extends FilterOutputStream {

        final AtomicLong count;

        CountingStream(OutputStream out, AtomicLong count) {
            super(out);
            this.count = count;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count.incrementAndGet();
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            out.write(bytes, offset, length);
            count.addAndGet(length);
        }
    }

    /** Counts, and passes buffers on as buffers, so that they still reach the server uncopied. */
    private static final class CountingGatheringStream extends CountingStream implements BufferTaking {

        private final GatheringByteChannel channel;

        CountingGatheringStream(OutputStream out, AtomicLong count) {
            super(out, count);
            this.channel = (GatheringByteChannel) out;
        }

        @Override
        public long write(ByteBuffer[] sources, int offset, int length) throws IOException {
            long written = channel.write(sources, offset, length);
            count.addAndGet(written);
            return written;
        }

        @Override
        public boolean isOpen() {
            return channel.isOpen();
        }
    }
}

package io.arrowhttp.internal.provider;

import io.arrowhttp.call.ErrorIds;
import io.arrowhttp.call.StreamOutcome;
import io.arrowhttp.internal.compression.ResponseCompression;
import io.arrowhttp.internal.container.ResponseOutput;
import io.arrowhttp.internal.container.ServerConnection;
import io.arrowhttp.internal.container.StalledWrites;
import io.arrowhttp.internal.wire.UnsizedEmptyBody;
import io.arrowhttp.protocol.ArrowHttpException;
import io.arrowhttp.protocol.ClientText;
import io.arrowhttp.protocol.ErrorCode;
import io.arrowhttp.protocol.ErrorCode.Fault;
import io.arrowhttp.response.ArrowStream;
import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.core.Configuration;
import jakarta.ws.rs.core.Request;
import jakarta.ws.rs.ext.WriterInterceptor;
import jakarta.ws.rs.ext.WriterInterceptorContext;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Optional;
import org.glassfish.jersey.internal.inject.InjectionManager;
import org.glassfish.jersey.media.multipart.BodyPart;
import org.glassfish.jersey.media.multipart.MultiPart;
import org.glassfish.jersey.message.internal.CommittingOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes responses that carry an Arrow stream so that they reach the client batch by batch, and so
 * that a failure part way can never pass for a complete response.
 *
 * <p>Jersey holds the first 8 KiB of every response (jersey.config.server.contentLength.buffer)
 * to compute a Content-Length, and ignores flushes until then: a first small batch, or the
 * schema, would wait for more data. For these responses only, the buffer is turned off, so the
 * rest of the application keeps its Content-Length headers.
 *
 * <p>When writing fails after the status line has gone out, the connection is dropped: the
 * client sees a broken response (no last chunk, no closing delimiter, no end-of-stream marker).
 * A client that went away is logged at debug level, any other failure as an error under an id.
 * Where the library cannot drop the connection itself (servlet containers), such a failure is
 * rethrown for the container to do it.
 */
@Priority(Priorities.ENTITY_CODER - 100)
public final class StreamingResponseInterceptor implements WriterInterceptor {

    private static final Logger LOG = LoggerFactory.getLogger(StreamingResponseInterceptor.class);
    // Messages may quote what the client sent; sources written by others may not escape it.
    private static final int MESSAGE_LIMIT = 512;

    private final InjectionManager injectionManager;
    private final StalledWrites stalledWrites;

    @Inject
    public StreamingResponseInterceptor(InjectionManager injectionManager) {
        this.injectionManager = injectionManager;
        Object configured = injectionManager.getInstance(Configuration.class).getProperty(StalledWrites.PROPERTY);
        this.stalledWrites = configured instanceof StalledWrites watchdog ? watchdog : null;
    }

    @Override
    public void aroundWriteTo(WriterInterceptorContext context) throws IOException {
        if (context.getEntity() instanceof UnsizedEmptyBody
                && context.getOutputStream() instanceof CommittingOutputStream committing) {
            committing.enableBuffering(0);
        }
        ArrowStream arrow = arrowStreamOf(context.getEntity());
        if (arrow == null) {
            context.proceed();
            return;
        }
        if (isHead()) {
            // A resource without a HEAD method of its own is answered by running its GET method:
            // the headers are set by now, and producing a body only to discard it could cost
            // minutes of work. (The dataset resources answer HEAD without opening a stream.)
            arrow.close();
            return;
        }
        OutputStream out = context.getOutputStream();
        ServerConnection connection = ServerConnection.current(injectionManager);
        if (out instanceof CommittingOutputStream committing && !committing.isCommitted()) {
            committing.enableBuffering(0);
            connection.beforeBody();
            if (connection.wantsEarlyCommit()) {
                committing.commit();
                connection.afterHeadersCommitted();
            }
        }
        ResponseOutput output = ResponseOutput.of(out, connection);
        context.setOutputStream(output);
        Runnable stopWatching = connection.onClientGone(() -> arrow.call().cancel(ErrorCode.CANCELLED));
        Runnable stopWatchingWrites =
                stalledWrites == null ? () -> {} : stalledWrites.watch(output, () -> endStalled(arrow, connection));
        if (stalledWrites != null) {
            // A deadline (or the server's stop) cancels the call from the timer; a write blocked on
            // a client that reads nothing would only see it once the write timeout passed.
            arrow.call().onCancel(() -> stalledWrites.abortIfBlocked(output, connection::abortFromAnotherThread));
        }
        try {
            Optional<ResponseCompression> compression = ResponseCompression.of(context::getProperty);
            if (compression.isPresent()) {
                context.setOutputStream(compression.get().encode(output));
            }
            context.proceed();
        } catch (IOException clientGone) {
            LOG.debug("Client went away after {}: {}", arrow.statistics(), clientGone.toString());
            output.abandon();
        } catch (RuntimeException failure) {
            if (!output.abortIfStarted()) {
                throw failure;
            }
            logAborted(arrow, failure);
        } finally {
            stopWatchingWrites.run();
            stopWatching.run();
        }
    }

    /**
     * Ends a response whose client has taken nothing for the write timeout: the producer stops,
     * and where the server allows it the connection is dropped so the blocked write fails now.
     * Elsewhere the container's own write timeout ends the write (see docs/deployment.md).
     */
    private void endStalled(ArrowStream arrow, ServerConnection connection) {
        LOG.info(
                "Ending a response whose client took no data for {} s, after {}",
                stalledWrites.timeout().toSeconds(),
                arrow.statistics());
        arrow.call().cancel(ErrorCode.CANCELLED);
        connection.abortFromAnotherThread();
    }

    private static void logAborted(ArrowStream arrow, RuntimeException failure) {
        ErrorCode code = failure instanceof ArrowHttpException known ? known.code() : ErrorCode.INTERNAL;
        Fault fault = code.fault();
        if (fault == Fault.CLIENT) {
            LOG.debug("Response ended with {} after {}", code, arrow.statistics());
        } else if (fault == Fault.LIMIT) {
            LOG.info("Response ended with {} after {} and was aborted", code, arrow.statistics());
        } else if (arrow.call().cancellation().orElse(null) == ErrorCode.UNAVAILABLE) {
            LOG.warn("Response ended by the server's stop after {}", arrow.statistics());
        } else {
            String id = arrow.outcome().map(StreamOutcome::errorId).orElse(null);
            if (fault == Fault.OUTAGE) {
                LOG.warn(
                        "Response failed with {} after {} and was aborted, error id {}: {}",
                        code,
                        arrow.statistics(),
                        id != null ? id : ErrorIds.next(),
                        ClientText.escape(String.valueOf(failure.getMessage()), MESSAGE_LIMIT));
            } else {
                LOG.error(
                        "Response failed with {} after {} and was aborted, error id {}",
                        code,
                        arrow.statistics(),
                        id != null ? id : ErrorIds.next(),
                        failure);
            }
        }
    }

    private boolean isHead() {
        try {
            Request request = injectionManager.getInstance(Request.class);
            return request != null && "HEAD".equals(request.getMethod());
        } catch (RuntimeException outsideARequest) {
            return false;
        }
    }

    static ArrowStream arrowStreamOf(Object entity) {
        if (entity instanceof ArrowStream stream) {
            return stream;
        }
        if (entity instanceof MultiPart multiPart) {
            for (BodyPart part : multiPart.getBodyParts()) {
                if (part.getEntity() instanceof ArrowStream stream) {
                    return stream;
                }
            }
        }
        return null;
    }
}

package io.arrowhttp.internal;

import io.arrowhttp.ArrowMediaTypes;
import io.arrowhttp.ArrowStream;

import jakarta.inject.Inject;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.ext.MessageBodyWriter;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.annotation.Annotation;
import java.lang.reflect.Type;

import org.glassfish.jersey.internal.inject.InjectionManager;
import org.glassfish.jersey.message.internal.CommittingOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes an {@link ArrowStream} as {@code application/vnd.apache.arrow.stream}, on its own or as a
 * part of a multipart body. The stream's size is unknown until it has been written, so HTTP/1.1
 * responses go out chunked, one chunk per record batch.
 *
 * <p>When the stream fails after the response has started, the status line has gone out: the
 * connection is dropped so that the client sees a broken response (no last chunk, no closing
 * delimiter, no end-of-stream marker) instead of a short one that looks complete. A client that
 * went away is logged at debug level; a failing producer is logged as an error under an id.
 */
@Produces(ArrowMediaTypes.ARROW_STREAM)
public final class ArrowStreamBodyWriter implements MessageBodyWriter<ArrowStream> {

    private static final Logger LOG = LoggerFactory.getLogger(ArrowStreamBodyWriter.class);

    private final InjectionManager injectionManager;

    @Inject
    public ArrowStreamBodyWriter(InjectionManager injectionManager) {
        this.injectionManager = injectionManager;
    }

    @Override
    public boolean isWriteable(Class<?> type, Type genericType, Annotation[] annotations, MediaType mediaType) {
        return ArrowStream.class.isAssignableFrom(type);
    }

    @Override
    public long getSize(ArrowStream stream, Class<?> type, Type genericType, Annotation[] annotations,
            MediaType mediaType) {
        return -1;
    }

    @Override
    public void writeTo(ArrowStream stream, Class<?> type, Type genericType, Annotation[] annotations,
            MediaType mediaType, MultivaluedMap<String, Object> headers, OutputStream out) throws IOException {
        try {
            stream.writeTo(out);
        } catch (IOException clientGone) {
            LOG.debug("Client went away after {} of an Arrow stream: {}", stream.statistics(), clientGone.toString());
            abortIfStarted(out);
            throw clientGone;
        } catch (RuntimeException | Error failure) {
            String id = ErrorIds.next();
            LOG.error("Arrow stream failed after {}; response aborted, error id {}", stream.statistics(), id, failure);
            abortIfStarted(out);
            throw failure;
        }
    }

    private void abortIfStarted(OutputStream out) {
        boolean started = !(out instanceof CommittingOutputStream committing) || committing.isCommitted();
        if (started) {
            ServerConnection.current(injectionManager).abort();
        }
    }
}

package io.arrowhttp.internal.provider;

import io.arrowhttp.protocol.ArrowMediaTypes;
import io.arrowhttp.response.ArrowStream;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.ext.MessageBodyWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.annotation.Annotation;
import java.lang.reflect.Type;

/**
 * Writes an {@link ArrowStream} as {@code application/vnd.apache.arrow.stream}, on its own or as a
 * part of a multipart body. The stream's size is unknown until it has been written, so HTTP/1.1
 * responses go out chunked, one chunk per record batch. Failures part way are handled around the
 * whole body by {@link StreamingResponseInterceptor}.
 */
@Produces(ArrowMediaTypes.ARROW_STREAM)
public final class ArrowStreamBodyWriter implements MessageBodyWriter<ArrowStream> {

    @Override
    public boolean isWriteable(Class<?> type, Type genericType, Annotation[] annotations, MediaType mediaType) {
        return ArrowStream.class.isAssignableFrom(type);
    }

    @Override
    public long getSize(
            ArrowStream stream, Class<?> type, Type genericType, Annotation[] annotations, MediaType mediaType) {
        return -1;
    }

    @Override
    public void writeTo(
            ArrowStream stream,
            Class<?> type,
            Type genericType,
            Annotation[] annotations,
            MediaType mediaType,
            MultivaluedMap<String, Object> headers,
            OutputStream out)
            throws IOException {
        stream.writeTo(InnermostStreamInterceptor.unwrap(out));
    }
}

package io.arrowhttp.internal.wire;

import jakarta.ws.rs.core.StreamingOutput;
import java.io.IOException;
import java.io.OutputStream;

/**
 * The entity of a {@code HEAD} answer for a streamed response: no bytes, and no length either,
 * so the headers are those of the {@code GET} (chunked, no {@code Content-Length}) rather than a
 * {@code Content-Length: 0} the GET would contradict.
 */
public final class UnsizedEmptyBody implements StreamingOutput {

    public static final UnsizedEmptyBody INSTANCE = new UnsizedEmptyBody();

    private UnsizedEmptyBody() {}

    /**
     * Writes nothing but flushes, which commits the headers before the response completes: a
     * container that would otherwise count the empty body (Payara) sends no length then.
     */
    @Override
    public void write(OutputStream output) throws IOException {
        output.flush();
    }
}

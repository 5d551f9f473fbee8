package io.arrowhttp.internal.container;

import java.io.IOException;
import java.lang.reflect.Field;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import org.glassfish.grizzly.Buffer;
import org.glassfish.grizzly.CloseListener;
import org.glassfish.grizzly.CloseType;
import org.glassfish.grizzly.Closeable;
import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.http.Protocol;
import org.glassfish.grizzly.http.io.OutputBuffer;
import org.glassfish.grizzly.http.server.Request;
import org.glassfish.grizzly.memory.Buffers;
import org.glassfish.grizzly.memory.CompositeBuffer;
import org.glassfish.grizzly.memory.MemoryManager;
import org.glassfish.jersey.internal.inject.InjectionManager;

/**
 * {@link ServerConnection} on Grizzly. Loaded only where Grizzly's classes are present.
 *
 * <p>Grizzly marks every response of unknown length as chunked, also for HTTP/1.0 requests, whose
 * clients cannot decode chunks. Clearing the mark after Jersey has set the headers makes Grizzly
 * send the body as it is and end it by closing the connection, as HTTP/1.0 expects.
 *
 * <p>With blocking writes ({@code org.glassfish.grizzly.http.io.OutputBuffer.isBlocking}, which the
 * standalone server sets) Grizzly writes a flushed body in the flushing thread and returns once the
 * socket has taken it, passing direct buffers to the socket as they are: Arrow's buffers can then
 * be sent without a copy. Without it, Grizzly may queue a write and send it after the flush has
 * returned, when Arrow has reused the memory, so buffers are not offered.
 */
final class GrizzlyConnection implements ServerConnection {

    private static final boolean BLOCKING_WRITES = blockingWrites();

    private final Request request;

    private GrizzlyConnection(Request request) {
        this.request = request;
    }

    static ServerConnection current(InjectionManager injectionManager) {
        Request request;
        try {
            request = injectionManager.getInstance(Request.class);
        } catch (RuntimeException notOnGrizzly) {
            return null;
        }
        return request == null ? null : new GrizzlyConnection(request);
    }

    @Override
    public boolean abort() {
        // Not closeSilently(): a graceful close would still send what is written after it, the
        // last chunk included, and the broken response would look complete.
        request.getContext()
                .getConnection()
                .terminateWithReason(new IOException("arrowhttp aborted a response that failed after it had started"));
        return true;
    }

    @Override
    public boolean sendsBuffers() {
        return BLOCKING_WRITES;
    }

    @Override
    public void sendBuffers(ByteBuffer[] buffers, int offset, int length) throws IOException {
        MemoryManager<?> memory = request.getContext().getMemoryManager();
        Buffer[] wrapped = new Buffer[length];
        for (int i = 0; i < length; i++) {
            // Grizzly moves the positions of what it writes; the caller's buffers stay as they are.
            Buffer buffer = Buffers.wrap(memory, buffers[offset + i].duplicate());
            // Never released into Grizzly's pools: the memory belongs to the caller.
            buffer.allowBufferDispose(false);
            wrapped[i] = buffer;
        }
        CompositeBuffer piece = CompositeBuffer.newBuffer(memory, wrapped);
        piece.allowBufferDispose(false);
        piece.allowInternalBuffersDispose(false);
        OutputBuffer output = request.getResponse().getOutputBuffer();
        output.writeBuffer(piece);
        output.flush();
    }

    /** Grizzly's own reading of the setting, which it makes once, when its class loads. */
    private static boolean blockingWrites() {
        try {
            Field blocking = OutputBuffer.class.getDeclaredField("IS_BLOCKING");
            blocking.setAccessible(true);
            return blocking.getBoolean(null);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return false;
        }
    }

    @Override
    public InetSocketAddress localAddress() {
        return request.getLocalAddr() == null
                ? null
                : InetSocketAddress.createUnresolved(request.getLocalAddr(), request.getLocalPort());
    }

    @Override
    public String remoteAddress() {
        return request.getRemoteAddr();
    }

    /** Grizzly's connections may be terminated from any thread. */
    @Override
    public boolean abortFromAnotherThread() {
        return abort();
    }

    @Override
    public Runnable onClientGone(Runnable callback) {
        Connection<?> connection = request.getContext().getConnection();
        CloseListener<Closeable, CloseType> listener = (closeable, type) -> callback.run();
        connection.addCloseListener(listener);
        return () -> connection.removeCloseListener(listener);
    }

    @Override
    public boolean wantsEarlyCommit() {
        return request.getProtocol() == Protocol.HTTP_1_0;
    }

    @Override
    public void afterHeadersCommitted() {
        if (request.getProtocol() == Protocol.HTTP_1_0) {
            request.getResponse().getResponse().setChunked(false);
        }
    }
}

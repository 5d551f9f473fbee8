package io.arrowhttp.internal.container;

import io.arrowhttp.internal.wire.BufferTaking;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;
import org.glassfish.jersey.message.internal.CommittingOutputStream;

/**
 * The body stream of a response that carries an Arrow stream, able to abort the response once it
 * has started. After an abort every write, flush and close is dropped: the connection is gone,
 * and the writers still running (the rest of a multipart body, Jersey closing the response) must
 * neither fail nor log a second time.
 */
public class ResponseOutput extends OutputStream {

    private final OutputStream delegate;
    private final ServerConnection connection;
    private volatile boolean aborted;
    private volatile long writingSince;

    private ResponseOutput(OutputStream delegate, ServerConnection connection) {
        this.delegate = delegate;
        this.connection = connection;
    }

    /**
     * The body stream over {@code delegate}, Jersey's stream of the response. Where the server can
     * send direct buffers as they are ({@link ServerConnection#sendsBuffers()}) it is also a
     * {@link GatheringByteChannel}, so that Arrow's buffers reach the socket without a copy.
     */
    public static ResponseOutput of(OutputStream delegate, ServerConnection connection) {
        return connection.sendsBuffers() && delegate instanceof CommittingOutputStream
                ? new Gathering(delegate, connection)
                : new ResponseOutput(delegate, connection);
    }

    /**
     * Drops the connection if the response has started and the server lets the library do it.
     *
     * @return whether the response was aborted; when not, the caller must rethrow its failure so
     *     that Jersey and the container end the response
     */
    public boolean abortIfStarted() {
        boolean started = !(delegate instanceof CommittingOutputStream committing) || committing.isCommitted();
        if (started && connection.abort()) {
            aborted = true;
            closeQuietly();
        }
        return aborted;
    }

    /**
     * Stops writing to a connection the client has closed, or whose write failed (the server's
     * own write timeout): later writes are dropped, so the rest of the body and Jersey's own close
     * neither fail nor log. The connection is dropped first where the server allows it, so that
     * the close does not try to send what is still buffered to a client that reads nothing. The
     * client is gone, so what it would have seen no longer matters.
     */
    public void abandon() {
        aborted = true;
        connection.abort();
        closeQuietly();
    }

    /**
     * Jersey closes the stream it made once the body is done, and logs an error when that fails,
     * as it must on a dropped connection. Closing it here first, expecting the failure, leaves
     * Jersey nothing to do: the stream marks itself closed before it touches the connection.
     */
    private void closeQuietly() {
        try {
            delegate.close();
        } catch (IOException | RuntimeException expected) {
            // The connection is gone; that is the point.
        }
    }

    /**
     * When the write or flush in progress started ({@link System#nanoTime()}, never 0), or 0 when
     * none is: for {@link StalledWrites}.
     */
    long writingSince() {
        return writingSince;
    }

    @Override
    public void write(int b) throws IOException {
        if (!aborted) {
            writingSince = System.nanoTime() | 1;
            try {
                delegate.write(b);
            } finally {
                writingSince = 0;
            }
        }
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        if (!aborted) {
            writingSince = System.nanoTime() | 1;
            try {
                delegate.write(bytes, offset, length);
            } finally {
                writingSince = 0;
            }
        }
    }

    @Override
    public void flush() throws IOException {
        if (!aborted) {
            writingSince = System.nanoTime() | 1;
            try {
                delegate.flush();
            } finally {
                writingSince = 0;
            }
        }
    }

    @Override
    public void close() throws IOException {
        if (!aborted) {
            delegate.close();
        }
    }

    /**
     * Sends the buffers through the server, after the headers; the buffers are consumed. See
     * {@link Gathering}.
     */
    final long sendBuffers(ByteBuffer[] sources, int offset, int length) throws IOException {
        long total = 0;
        for (int i = offset; i < offset + length; i++) {
            total += sources[i].remaining();
        }
        if (!aborted) {
            writingSince = System.nanoTime() | 1;
            try {
                CommittingOutputStream committing = (CommittingOutputStream) delegate;
                if (!committing.isCommitted()) {
                    // The status line and headers go out through Jersey, before the first buffer.
                    committing.commit();
                }
                connection.sendBuffers(sources, offset, length);
            } finally {
                writingSince = 0;
            }
        }
        for (int i = offset; i < offset + length; i++) {
            sources[i].position(sources[i].limit());
        }
        return total;
    }

    final boolean isAborted() {
        return aborted;
    }

    /**
     * Also takes buffers, sent by the server as they are and before {@code write} returns: the
     * caller may then reuse or free their memory.
     */
    private static final class Gathering extends ResponseOutput implements BufferTaking {

        Gathering(OutputStream delegate, ServerConnection connection) {
            super(delegate, connection);
        }

        @Override
        public long write(ByteBuffer[] sources, int offset, int length) throws IOException {
            return sendBuffers(sources, offset, length);
        }

        @Override
        public boolean isOpen() {
            return !isAborted();
        }
    }
}

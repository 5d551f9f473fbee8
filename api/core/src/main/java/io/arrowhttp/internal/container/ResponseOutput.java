package io.arrowhttp.internal.container;

import java.io.IOException;
import java.io.OutputStream;
import org.glassfish.jersey.message.internal.CommittingOutputStream;

/**
 * The body stream of a response that carries an Arrow stream, able to abort the response once it
 * has started. After an abort every write, flush and close is dropped: the connection is gone,
 * and the writers still running (the rest of a multipart body, Jersey closing the response) must
 * neither fail nor log a second time.
 */
public final class ResponseOutput extends OutputStream {

    private final OutputStream delegate;
    private final ServerConnection connection;
    private volatile boolean aborted;
    private volatile long writingSince;

    public ResponseOutput(OutputStream delegate, ServerConnection connection) {
        this.delegate = delegate;
        this.connection = connection;
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
     * Stops writing to a connection the client has closed: later writes are dropped, so the
     * rest of the body and Jersey's own close neither fail nor log. The client is gone, so what it
     * would have seen no longer matters.
     */
    public void abandon() {
        aborted = true;
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
}

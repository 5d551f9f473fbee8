package io.arrowhttp.standalone;

import java.io.IOException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.glassfish.grizzly.Buffer;
import org.glassfish.grizzly.filterchain.FilterChainContext;
import org.glassfish.grizzly.filterchain.NextAction;
import org.glassfish.grizzly.filterchain.TransportFilter;
import org.glassfish.grizzly.http.server.AddOn;
import org.glassfish.grizzly.nio.tmpselectors.TemporarySelectorPool;
import org.glassfish.grizzly.nio.transport.TCPNIOConnection;
import org.glassfish.grizzly.nio.transport.TCPNIOTransport;
import org.glassfish.grizzly.nio.transport.TCPNIOUtils;
import org.glassfish.grizzly.utils.Holder;

/**
 * Grizzly's transport filter, except that the end of a client's input met while the application
 * reads a request body (a client that half-closed its connection mid-body, after sending part of
 * it) fails that read without closing the connection: the application answers, {@code 400} for a
 * cut upload, and the client, which still reads, gets the answer. Grizzly itself closes the
 * connection on the spot, so such a client saw only the connection closed.
 *
 * <p>Only the reads of a worker thread waiting for more of a body (Grizzly's blocking reads) are
 * its own; every other read, and everything else, is Grizzly's. Like Grizzly, it waits for bytes
 * on a temporary selector for at most the connection's read timeout.
 */
final class HalfClosedInput extends TransportFilter {

    /** Puts this filter in place of Grizzly's transport filter of a listener. */
    static AddOn addOn() {
        return (listener, builder) -> {
            int transport = builder.indexOfType(TransportFilter.class);
            if (transport >= 0) {
                builder.set(transport, new HalfClosedInput());
            }
        };
    }

    @Override
    public NextAction handleRead(FilterChainContext ctx) throws IOException {
        if (!ctx.getTransportContext().isBlocking()
                || ctx.getMessage() != null
                || !(ctx.getConnection() instanceof TCPNIOConnection connection)
                || !(connection.getTransport() instanceof TCPNIOTransport transport)) {
            return super.handleRead(ctx);
        }
        Buffer buffer = read(connection, transport);
        buffer.trim();
        ctx.setMessage(buffer);
        ctx.setAddressHolder(Holder.staticHolder(connection.getPeerAddress()));
        return ctx.getInvokeAction();
    }

    /**
     * The next bytes of the connection, waiting for them up to its read timeout.
     *
     * @throws java.io.EOFException at the end of the client's input, the connection left open for
     *     the answer
     */
    private static Buffer read(TCPNIOConnection connection, TCPNIOTransport transport) throws IOException {
        Buffer buffer = TCPNIOUtils.allocateAndReadBuffer(connection);
        if (buffer.position() > 0) {
            return buffer;
        }
        long timeout = connection.getReadTimeout(TimeUnit.MILLISECONDS);
        long deadline =
                System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeout <= 0 ? Long.MAX_VALUE / 2_000_000 : timeout);
        TemporarySelectorPool pool = transport.getTemporarySelectorIO().getSelectorPool();
        Selector selector = pool.poll();
        if (selector == null) {
            throw new IOException("No temporary selector to wait for the request body on");
        }
        SelectionKey key = null;
        try {
            key = connection.getChannel().register(selector, SelectionKey.OP_READ);
            while (buffer.position() == 0) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    throw new IOException(
                            "The request body did not come within the read timeout", new TimeoutException());
                }
                selector.select(left);
                selector.selectedKeys().clear();
                buffer = TCPNIOUtils.allocateAndReadBuffer(connection);
            }
            return buffer;
        } finally {
            if (key != null) {
                key.cancel();
                selector.selectNow();
            }
            pool.offer(selector);
        }
    }
}

package io.arrowhttp.response;

/**
 * When the server compresses a response body with a content coding ({@code Accept-Encoding}) that
 * the client offers but does not insist on. A client that refuses an uncompressed body
 * ({@code identity;q=0}, or {@code *;q=0} without {@code identity}) always gets the coding it
 * prefers, and one that lists IPC codecs in {@code Accept} or {@code ?codecs=} always gets one:
 * no client sends those by default, so they are always meant.
 *
 * <p>Set with {@link io.arrowhttp.server.ArrowHttpFeature.Builder#compression}. docs/protocol.md gives the table of
 * who gets what, with the measurements behind it.
 */
public enum CompressionPolicy {

    /**
     * The default: no content coding unless the client is on another host and offers
     * {@code zstd}. Python's {@code requests} and urllib3, Node's {@code fetch} and most HTTP
     * libraries offer {@code gzip} (and {@code deflate}, {@code br}) by default; gzip and br
     * compress slower than a LAN or loopback carries an Arrow stream, so offering them gets the
     * stream uncompressed. zstd keeps up with a 1 Gbit/s link and wins on slower ones; on loopback
     * nothing does, so a client on the same host (127.0.0.0/8, ::1) gets no coding it can refuse.
     */
    AUTO,

    /**
     * The coding the client prefers of those offered, whatever it costs: {@code gzip} for
     * {@code Accept-Encoding: gzip}, as the Arrow project's {@code get_compressed} server does.
     * For links slower than the server compresses, and clients that offer only what they mean.
     */
    ASKED,

    /**
     * Never a content coding: the body is uncompressed, and a client that refuses that is answered
     * {@code 406}. IPC codecs asked for are still applied.
     */
    NEVER
}

package io.arrowhttp.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A hostile client: asks for a dataset with a 4 KiB receive buffer, reads the response's head,
 * then reads nothing more while holding the connection open, so the server's writes block.
 */
public final class StalledClient implements AutoCloseable {

    private static final int RECEIVE_BUFFER = 4096;

    private final Socket socket;
    private final String head;

    private StalledClient(Socket socket, String head) {
        this.socket = socket;
        this.head = head;
    }

    /** Sends the request and reads up to the end of the response's headers, or its first 2 KiB. */
    public static StalledClient request(int port, String path) throws IOException {
        return request(port, path, "");
    }

    /** As {@link #request(int, String)}, with extra header lines, each ending in CRLF. */
    public static StalledClient request(int port, String path, String headerLines) throws IOException {
        return requestFrom(null, port, path, headerLines);
    }

    /**
     * As {@link #request(int, String, String)}, from the local address {@code localAddress}
     * (such as {@code 127.0.0.2}, another client to the server), or the system's choice when null.
     */
    public static StalledClient requestFrom(String localAddress, int port, String path, String headerLines)
            throws IOException {
        Socket socket = new Socket();
        if (localAddress != null) {
            socket.bind(new InetSocketAddress(localAddress, 0));
        }
        socket.setReceiveBufferSize(RECEIVE_BUFFER);
        socket.setSoTimeout(10_000);
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        socket.getOutputStream()
                .write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + headerLines + "\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (head.size() < 2048) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.write(b);
            if (head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                break;
            }
        }
        return new StalledClient(socket, head.toString(StandardCharsets.ISO_8859_1));
    }

    /** The status line and headers as received. */
    public String head() {
        return head;
    }

    public boolean isOk() {
        return head.startsWith("HTTP/1.1 200");
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}

package io.arrowhttp.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An HTTP/1.x exchange over a plain socket, showing what HTTP clients hide: the chunks of a
 * chunked body, and whether the body ended properly or the connection was dropped.
 */
public final class RawHttp {

    /** What came back. {@code chunks} is empty for a body that was not chunked. */
    public record Exchange(
            String statusLine, Map<String, String> headers, byte[] body, List<byte[]> chunks, boolean endedProperly) {

        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        public String bodyText() {
            return new String(body, StandardCharsets.ISO_8859_1);
        }
    }

    private RawHttp() {}

    public static Exchange get(int port, String path, String version) throws IOException {
        return send(port, "GET", path, version, Map.of());
    }

    /**
     * Any request, with headers an HTTP client library might refuse to send (such as
     * {@code Origin}).
     */
    public static Exchange send(
            int port, String method, String path, String version, Map<String, String> requestHeaders)
            throws IOException {
        return sendFrom(null, port, method, path, version, requestHeaders);
    }

    /**
     * As {@link #send}, from the local address {@code localAddress} (such as {@code 127.0.0.2},
     * another client to the server), or the system's choice when null.
     */
    public static Exchange sendFrom(
            String localAddress,
            int port,
            String method,
            String path,
            String version,
            Map<String, String> requestHeaders)
            throws IOException {
        try (Socket socket = new Socket()) {
            if (localAddress != null) {
                socket.bind(new InetSocketAddress(localAddress, 0));
            }
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            socket.setSoTimeout(30_000);
            StringBuilder extra = new StringBuilder();
            requestHeaders.forEach((name, value) ->
                    extra.append(name).append(": ").append(value).append("\r\n"));
            boolean hostGiven = requestHeaders.keySet().stream().anyMatch("Host"::equalsIgnoreCase);
            String request = method + " " + path + " HTTP/" + version + "\r\n"
                    + (hostGiven ? "" : "Host: 127.0.0.1:" + port + "\r\n")
                    + "Connection: close\r\n" + extra + "\r\n";
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            InputStream in = socket.getInputStream();
            String statusLine = line(in);
            Map<String, String> headers = new LinkedHashMap<>();
            for (String line = line(in); line != null && !line.isEmpty(); line = line(in)) {
                int colon = line.indexOf(':');
                headers.put(
                        line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
                        line.substring(colon + 1).trim());
            }
            if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
                return readChunked(statusLine, headers, in);
            }
            byte[] body = in.readAllBytes();
            String length = headers.get("content-length");
            boolean complete = length == null || Long.parseLong(length) == body.length;
            return new Exchange(statusLine, headers, body, List.of(), complete);
        }
    }

    private static Exchange readChunked(String statusLine, Map<String, String> headers, InputStream in)
            throws IOException {
        List<byte[]> chunks = new ArrayList<>();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String sizeLine = line(in);
            if (sizeLine == null) {
                return new Exchange(statusLine, headers, body.toByteArray(), chunks, false);
            }
            int size = Integer.parseInt(sizeLine.trim(), 16);
            if (size == 0) {
                line(in);
                return new Exchange(statusLine, headers, body.toByteArray(), chunks, true);
            }
            byte[] chunk = in.readNBytes(size);
            if (chunk.length < size) {
                return new Exchange(statusLine, headers, body.toByteArray(), chunks, false);
            }
            chunks.add(chunk);
            body.write(chunk);
            line(in);
        }
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                String text = line.toString(StandardCharsets.ISO_8859_1);
                return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
            }
            line.write(b);
        }
        return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
    }
}

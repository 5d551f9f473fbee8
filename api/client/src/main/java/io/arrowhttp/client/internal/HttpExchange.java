package io.arrowhttp.client.internal;

import io.arrowhttp.protocol.HttpStatus;
import jakarta.ws.rs.core.MultivaluedHashMap;
import jakarta.ws.rs.core.MultivaluedMap;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;

/**
 * One HTTP request and its response, on a connection of its own, so that any thread may end it
 * with {@link #disconnect()} while another reads its body. The JDK's {@link HttpURLConnection}
 * pools connections between exchanges that read their bodies to the end.
 */
public final class HttpExchange {

    /** Chunks of an upload's body: each goes out when full, a few batches' worth in flight at most. */
    private static final int CHUNK_BYTES = 256 * 1024;

    private final HttpURLConnection connection;
    private final URI uri;

    private HttpExchange(HttpURLConnection connection, URI uri) {
        this.connection = connection;
        this.uri = uri;
    }

    /**
     * Sends a request and waits for the status line and headers.
     *
     * @param body the request body, or null for none
     */
    public static HttpExchange send(
            URI uri,
            String method,
            MultivaluedMap<String, Object> headers,
            byte[] body,
            SSLContext tls,
            Duration connectTimeout,
            Duration readTimeout)
            throws IOException {
        HttpURLConnection connection = open(uri, method, headers, tls, connectTimeout, readTimeout);
        HttpExchange exchange = new HttpExchange(connection, uri);
        try {
            if (body != null) {
                connection.setDoOutput(true);
                connection.setFixedLengthStreamingMode(body.length);
                try (OutputStream out = connection.getOutputStream()) {
                    out.write(body);
                }
            }
            connection.getResponseCode();
        } catch (IOException | RuntimeException e) {
            exchange.disconnect();
            throw e;
        }
        return exchange;
    }

    /** Writes a request body as it is made. */
    @FunctionalInterface
    public interface BodyWriter {
        /** @throws Abandoned when the body cannot be finished: the request is then broken off */
        void writeTo(OutputStream body) throws IOException;
    }

    /**
     * The writer gave up on the body (it was cancelled, or its data failed): the connection is
     * dropped, so the server never takes what was sent for a whole body.
     */
    public static class Abandoned extends IOException {
        public Abandoned(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * Sends a request whose body {@code writer} writes, in chunks as it goes, and waits for the
     * status line and headers. When the server answers before the body is all sent (an early
     * refusal), its answer is returned, not the broken write. When the writer abandons the body,
     * the connection is dropped before the body's end.
     */
    public static HttpExchange sendChunked(
            URI uri,
            String method,
            MultivaluedMap<String, Object> headers,
            BodyWriter writer,
            SSLContext tls,
            Duration connectTimeout,
            Duration readTimeout)
            throws IOException {
        HttpURLConnection connection = open(uri, method, headers, tls, connectTimeout, readTimeout);
        HttpExchange exchange = new HttpExchange(connection, uri);
        try {
            connection.setDoOutput(true);
            connection.setChunkedStreamingMode(CHUNK_BYTES);
            OutputStream out = connection.getOutputStream();
            try {
                writer.writeTo(out);
            } catch (Abandoned abandoned) {
                // Closing the stream would end the chunked body as if it were whole.
                throw abandoned;
            } catch (IOException broken) {
                if (!answeredWithError(connection)) {
                    throw broken;
                }
            }
            out.close();
            connection.getResponseCode();
        } catch (IOException | RuntimeException e) {
            exchange.disconnect();
            throw e;
        }
        return exchange;
    }

    private static boolean answeredWithError(HttpURLConnection connection) {
        try {
            return HttpStatus.isError(connection.getResponseCode());
        } catch (IOException noAnswer) {
            return false;
        }
    }

    private static HttpURLConnection open(
            URI uri,
            String method,
            MultivaluedMap<String, Object> headers,
            SSLContext tls,
            Duration connectTimeout,
            Duration readTimeout)
            throws IOException {
        HttpURLConnection connection = (HttpURLConnection) uri.toURL().openConnection();
        if (tls != null && connection instanceof HttpsURLConnection https) {
            https.setSSLSocketFactory(tls.getSocketFactory());
        }
        connection.setRequestMethod(method);
        connection.setConnectTimeout(Math.toIntExact(connectTimeout.toMillis()));
        connection.setReadTimeout(Math.toIntExact(readTimeout.toMillis()));
        connection.setInstanceFollowRedirects(false);
        headers.forEach(
                (name, values) -> values.forEach(value -> connection.addRequestProperty(name, String.valueOf(value))));
        return connection;
    }

    public URI uri() {
        return uri;
    }

    public int status() throws IOException {
        return connection.getResponseCode();
    }

    /** The response's headers, names as the server sent them. */
    public MultivaluedMap<String, String> headers() {
        MultivaluedMap<String, String> headers = new MultivaluedHashMap<>();
        for (Map.Entry<String, List<String>> header :
                connection.getHeaderFields().entrySet()) {
            if (header.getKey() != null) {
                headers.put(header.getKey(), List.copyOf(header.getValue()));
            }
        }
        return headers;
    }

    /** A response header, or null. */
    public String header(String name) {
        return connection.getHeaderField(name);
    }

    /** The response body, error responses' included; empty when there is none. */
    public InputStream body() throws IOException {
        InputStream body = HttpStatus.isError(status()) ? connection.getErrorStream() : connection.getInputStream();
        return body != null ? body : InputStream.nullInputStream();
    }

    /** Drops the connection at once, from any thread: a read in progress fails. */
    public void disconnect() {
        connection.disconnect();
    }
}

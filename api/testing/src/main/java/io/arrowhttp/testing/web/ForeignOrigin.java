package io.arrowhttp.testing.web;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * A web site on another origin (127.0.0.1, another port): one page that fetches a dataset from
 * each of two arrowhttp servers with the JavaScript client, and shows the rows or the error, and the
 * client module itself, served from this site as such a site would.
 */
public final class ForeignOrigin implements AutoCloseable {

    private static final String PAGE = """
            <!doctype html>
            <meta charset="utf-8">
            <title>another origin</title>
            <p id="allowed"></p>
            <p id="refused"></p>
            <script type="module">
              import { fetchDataset } from './arrowhttp-client.js';
              const query = new URLSearchParams(location.search);
              async function count(id) {
                const out = document.getElementById(id);
                try {
                  let rows = 0;
                  for await (const batch of fetchDataset(query.get(id))) rows += batch.numRows;
                  out.textContent = `rows ${rows}`;
                } catch (error) {
                  out.textContent = `error ${error.name}: ${error.message}`;
                }
                out.dataset.done = 'true';
              }
              await count('allowed');
              await count('refused');
            </script>
            """;

    private final HttpServer server;

    private ForeignOrigin(HttpServer server) {
        this.server = server;
    }

    public static ForeignOrigin start() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext(
                "/page.html", exchange -> send(exchange, "text/html", PAGE.getBytes(StandardCharsets.UTF_8)));
        server.createContext("/arrowhttp-client.js", exchange -> {
            try (InputStream client = ForeignOrigin.class
                    .getClassLoader()
                    .getResourceAsStream("io/arrowhttp/web/ui/arrowhttp-client.js")) {
                send(exchange, "text/javascript", client.readAllBytes());
            }
        });
        server.start();
        return new ForeignOrigin(server);
    }

    /** This site's origin, as a browser sends it in {@code Origin}. */
    public String origin() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The page, fetching {@code allowed} and then {@code refused}. */
    public URI page(URI allowed, URI refused) {
        return URI.create(origin() + "/page.html?allowed=" + allowed + "&refused=" + refused);
    }

    private static void send(HttpExchange exchange, String type, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}

package io.arrowhttp.war;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.arrowhttp.testing.RawHttp;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;

/**
 * A deployment whose responses may hold less Arrow memory than one record batch
 * ({@code arrowhttp.response-memory-limit=100000}): the JSON part goes out, the status line with
 * it, and the first batch fails to allocate. The client must see a failure.
 */
final class BrokenResponses {

    static final String TOO_SMALL_RESPONSE_MEMORY = "100000";

    private BrokenResponses() {}

    static void assertFailureIsVisible(URI base) throws IOException {
        RawHttp.Exchange exchange = RawHttp.get(base.getPort(), base.getPath() + "?rows=100000", "1.1");
        assertTrue(exchange.statusLine().startsWith("HTTP/1.1 200"), exchange.statusLine());
        assertFalse(exchange.endedProperly(), "the last chunk was sent: the broken response looks complete");
        String boundary = exchange.header("Content-Type").replaceAll(".*boundary=", "");
        assertFalse(exchange.bodyText().contains("--" + boundary + "--"), "the close delimiter was sent");

        assertThrows(
                IOException.class,
                () -> {
                    HttpURLConnection connection = (HttpURLConnection)
                            base.resolve("?rows=100000").toURL().openConnection();
                    connection.setReadTimeout(30_000);
                    try (InputStream in = connection.getInputStream()) {
                        in.readAllBytes();
                    }
                },
                "an HTTP client reading the body must fail");
    }
}

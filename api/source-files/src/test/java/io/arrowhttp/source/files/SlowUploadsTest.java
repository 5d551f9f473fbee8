package io.arrowhttp.source.files;

import static io.arrowhttp.source.files.ArrowFileStoreTest.send;
import static io.arrowhttp.source.files.ArrowFileStoreTest.stream;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.arrowhttp.server.auth.WritePermission;
import io.arrowhttp.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Uploads slower than the least pace cannot hold the upload places: a body trickled a few bytes a
 * second gets {@code 408} within the pace's window plus a second, one that sends nothing has its
 * connection dropped within that bound, and neither writes anything or keeps Arrow memory, while
 * an upload at an ordinary pace still gets in.
 */
class SlowUploadsTest {

    private static final String ARROW = "application/vnd.apache.arrow.stream";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WINDOW = Duration.ofSeconds(2);
    /**
     * The documented bound, the window plus a second and a half, and three more for a machine busy
     * with other builds; the trickle itself would take over three minutes to send its body.
     */
    private static final long BOUND_MILLIS = WINDOW.toMillis() + 1500 + 3000;

    @TempDir
    static Path temporary;

    private static Path directory;
    private static TestServer server;

    @BeforeAll
    static void start() {
        directory = temporary.resolve("uploads");
        server = TestServer.withFeature(builder -> builder.maxConcurrentUploads(2)
                .minUploadRate(1024, WINDOW)
                .uploads(new ArrowFileStore(directory), WritePermission.anyone()));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void aBodyTrickledAFewBytesASecondGets408WithinTheWindowAndWritesNothing() throws Exception {
        byte[] body = stream(0, 1, 1000, null);
        try (Socket socket = connect()) {
            OutputStream out = socket.getOutputStream();
            out.write(head("trickled", body.length));
            long start = System.nanoTime();
            String answer = null;
            InputStream in = socket.getInputStream();
            socket.setSoTimeout(200);
            for (int i = 0; i < body.length && answer == null; i++) {
                try {
                    out.write(body[i]);
                    out.flush();
                } catch (SocketException dropped) {
                    break;
                }
                answer = readIfAny(in);
            }
            socket.setSoTimeout(5_000);
            if (answer == null) {
                answer = readAll(in);
            }
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(answer.startsWith("HTTP/1.1 408"), answer);
            assertTrue(millis >= WINDOW.toMillis() && millis <= BOUND_MILLIS, millis + " ms");
            assertTrue(answer.contains("application/problem+json"), answer);
            JsonNode problem = JSON.readTree(answer.substring(answer.indexOf("\r\n\r\n") + 4));
            assertEquals("TIMED_OUT", problem.get("code").asText());
            assertTrue(problem.get("detail").asText().contains("1024 bytes per second"), problem.toString());
            assertTrue(answer.contains("X-Request-Id: "), answer);
        }
        assertNothingWrittenNorHeld("trickled");
    }

    @Test
    void aBodyThatSendsNothingHasItsConnectionDroppedWithinTheWindow() throws Exception {
        try (Socket socket = connect()) {
            socket.getOutputStream().write(head("silent", 100_000));
            long start = System.nanoTime();
            socket.setSoTimeout((int) BOUND_MILLIS + 5_000);
            String answer = readAll(socket.getInputStream());
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertFalse(answer.startsWith("HTTP/1.1 2"), answer);
            assertTrue(millis >= WINDOW.toMillis() && millis <= BOUND_MILLIS, millis + " ms: " + answer);
        }
        assertNothingWrittenNorHeld("silent");
    }

    @Test
    void aBodyThatStopsAfterAGoodStartHasItsConnectionDroppedAWindowLater() throws Exception {
        byte[] body = stream(0, 3, 1000, null);
        try (Socket socket = connect()) {
            OutputStream out = socket.getOutputStream();
            out.write(head("stalled", body.length));
            // More than the pace asks of the first window, then nothing.
            out.write(body, 0, 4096);
            out.flush();
            long start = System.nanoTime();
            socket.setSoTimeout((int) (WINDOW.toMillis() + BOUND_MILLIS) + 5_000);
            String answer = readAll(socket.getInputStream());
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertFalse(answer.startsWith("HTTP/1.1 2"), answer);
            assertTrue(
                    millis >= 2 * WINDOW.toMillis() && millis <= WINDOW.toMillis() + BOUND_MILLIS,
                    millis + " ms: " + answer);
        }
        assertNothingWrittenNorHeld("stalled");
    }

    @Test
    void anUploadAtAnOrdinaryPaceIsStored() throws Exception {
        assertEquals(
                201,
                send(server, "PUT", "/datasets/ordinary", stream(0, 3, 1000, null), ARROW)
                        .getResponseCode());
    }

    private static void assertNothingWrittenNorHeld(String name) throws Exception {
        long deadline = System.nanoTime() + 5_000_000_000L;
        // The server's reading thread ends the upload after the client has seen it end: wait for it.
        while ((server.allocator().getAllocatedMemory() != 0
                        || !server.allocator().getChildAllocators().isEmpty())
                && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(0, server.allocator().getAllocatedMemory(), "Arrow memory held after the slow upload");
        assertEquals(0, server.allocator().getChildAllocators().size(), "allocators left open");
        if (Files.isDirectory(directory)) {
            try (Stream<Path> files = Files.list(directory)) {
                assertTrue(
                        files.noneMatch(file -> file.getFileName().toString().contains(name)),
                        "a file of the slow upload was left in " + directory);
            }
        }
        HttpURLConnection info = (HttpURLConnection)
                server.uri("/datasets/" + name + "/info").toURL().openConnection();
        assertEquals(404, info.getResponseCode());
    }

    private static Socket connect() throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 5_000);
        return socket;
    }

    private static byte[] head(String name, int length) {
        return ("PUT /datasets/" + name + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: " + ARROW
                        + "\r\nContent-Length: " + length + "\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    /** What has come back by now, after a short wait, or null when nothing has. */
    private static String readIfAny(InputStream in) throws IOException {
        byte[] buffer = new byte[8192];
        int n;
        try {
            n = in.read(buffer);
        } catch (SocketTimeoutException nothingYet) {
            return null;
        }
        if (n < 0) {
            return "";
        }
        ByteArrayOutputStream answer = new ByteArrayOutputStream();
        answer.write(buffer, 0, n);
        answer.write(readAllQuietly(in));
        return answer.toString(StandardCharsets.ISO_8859_1);
    }

    private static String readAll(InputStream in) {
        return new String(readAllQuietly(in), StandardCharsets.ISO_8859_1);
    }

    /** Everything until the server closes (or resets) the connection. */
    private static byte[] readAllQuietly(InputStream in) {
        ByteArrayOutputStream answer = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                answer.write(buffer, 0, n);
            }
        } catch (IOException closed) {
            // A reset after the answer: what came before it is the answer.
        }
        return answer.toByteArray();
    }
}

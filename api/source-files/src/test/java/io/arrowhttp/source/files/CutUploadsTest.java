package io.arrowhttp.source.files;

import static io.arrowhttp.source.files.ArrowFileStoreTest.send;
import static io.arrowhttp.source.files.ArrowFileStoreTest.stream;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.arrowhttp.server.auth.WritePermission;
import io.arrowhttp.testing.TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A body cut short whose client then closes or half-closes its connection gives its upload place
 * back as soon as the server sees the client gone, also while it waits for its dataset's write
 * lock behind a slow upload: cut bodies sent one after another cannot fill the places and turn
 * real writers away with {@code 429}.
 *
 * <p>Three places; a body whose head came but none of its bytes, from one address, holds one of them and the write lock of
 * dataset {@code held}; two clients, each from a loopback address of its own, cut a body to
 * {@code held}. A real upload to another dataset must then get {@code 201} while the trickle
 * still runs, and the places must all come back once it has ended.
 */
class CutUploadsTest {

    private static final String ARROW = "application/vnd.apache.arrow.stream";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Long enough for the cut bodies and the real upload to run while the trickle holds its place. */
    private static final Duration WINDOW = Duration.ofSeconds(6);
    /** How long the server may take to see a client gone, on a machine busy with other builds. */
    private static final long GONE_MILLIS = 3_000;

    @TempDir
    static Path temporary;

    private static Path directory;
    private static TestServer server;

    @BeforeAll
    static void start() {
        directory = temporary.resolve("uploads");
        server = TestServer.withFeature(builder -> builder.maxConcurrentUploads(3)
                .minUploadRate(1, WINDOW)
                .statusEndpoint()
                .uploads(new ArrowFileStore(directory), WritePermission.anyone()));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @ParameterizedTest(name = "half-closed: {0}")
    @ValueSource(booleans = {false, true})
    void cutBodiesWaitingBehindASlowUploadGiveTheirPlacesBackAndARealUploadGetsIn(boolean halfClose) throws Exception {
        String held = "held-" + halfClose;
        byte[] body = stream(0, 1, 1000, null);
        List<Socket> halfClosed = new ArrayList<>();
        try (Socket trickle = connect(InetAddress.getByName("127.0.1.10"))) {
            long started = System.nanoTime();
            OutputStream slow = trickle.getOutputStream();
            // The head only: the body never comes, and the pace's sweep drops it after its window.
            slow.write(head(held, body.length));
            slow.flush();
            awaitActiveUploads(1, "the trickled upload");
            for (int client = 1; client <= 2; client++) {
                Socket cut = connect(InetAddress.getByName("127.0.1." + client));
                OutputStream out = cut.getOutputStream();
                out.write(head(held, body.length));
                out.write(body, 0, body.length / 2);
                out.flush();
                if (halfClose) {
                    cut.shutdownOutput();
                    halfClosed.add(cut);
                } else {
                    cut.close();
                }
            }
            // Time for the server to take the cut requests in (each gets a place and waits for the
            // write lock of their dataset) before it checks that they have given the places back.
            Thread.sleep(500);
            awaitActiveUploads(1, "the cut uploads gone, the trickled one left");
            int status = send(server, "PUT", "/datasets/real-" + halfClose, stream(0, 2, 1000, null), ARROW)
                    .getResponseCode();
            assertEquals(201, status, "a real upload while the cut ones are gone");
            assertTrue(
                    System.nanoTime() - started < WINDOW.toNanos(),
                    "the trickled upload must still hold its place for the check to mean anything");
            assertEquals(0, trickle.getInputStream().available(), "the trickled upload still runs");
        }
        for (Socket cut : halfClosed) {
            try (cut) {
                // Answered once the trickle has ended, if the server still had the connection then.
                String answer = new String(cut.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
                assertTrue(answer.isEmpty() || answer.startsWith("HTTP/1.1 400 "), answer);
            }
        }
        awaitActiveUploads(0, "every place back once the trickle ended");
        assertEquals(0, server.allocator().getAllocatedMemory());
        // The place is given back before the upload's temporary file is deleted, on another thread.
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (anyFileOf(held) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        try (Stream<Path> files = Files.list(directory)) {
            List<String> left = files.map(file -> file.getFileName().toString())
                    .filter(name -> name.contains(held))
                    .toList();
            assertEquals(List.of(), left, "nothing of " + held);
        }
    }

    private static boolean anyFileOf(String dataset) throws Exception {
        try (Stream<Path> files = Files.list(directory)) {
            return files.anyMatch(file -> file.getFileName().toString().contains(dataset));
        }
    }

    /** Waits at most {@link #GONE_MILLIS} past the pace's window for {@code /status} to show {@code expected}. */
    private static void awaitActiveUploads(int expected, String what) throws Exception {
        long deadline =
                System.nanoTime() + Duration.ofMillis(GONE_MILLIS).toNanos() + (expected == 0 ? WINDOW.toNanos() : 0);
        int active = -1;
        while (System.nanoTime() < deadline) {
            active = activeUploads();
            if (active == expected) {
                return;
            }
            Thread.sleep(20);
        }
        assertEquals(expected, active, what);
    }

    private static int activeUploads() throws IOException {
        try (InputStream in = server.uri("/status").toURL().openStream()) {
            return JSON.readTree(in).get("activeUploads").asInt();
        }
    }

    @ParameterizedTest(name = "Content-Length: {0}")
    @ValueSource(longs = {2_147_483_648L, 9_000_000_000_000L})
    void aDeclaredLengthOfTwoGibibytesOrMoreIsRefusedAsTooLargeBeforeTheBody(long length) throws Exception {
        try (Socket client = connect(InetAddress.getByName("127.0.1.20"))) {
            client.getOutputStream()
                    .write(new String(head("huge", 0), StandardCharsets.US_ASCII)
                            .replace("Content-Length: 0", "Content-Length: " + length)
                            .getBytes(StandardCharsets.US_ASCII));
            // The answer comes before the body, which the server does not wait for.
            StringBuilder answer = new StringBuilder();
            InputStream in = client.getInputStream();
            int read;
            while (answer.indexOf("}") < 0 && (read = in.read()) >= 0) {
                answer.append((char) read);
            }
            assertTrue(answer.toString().startsWith("HTTP/1.1 413 "), answer.toString());
            assertTrue(answer.indexOf("\"code\":\"TOO_LARGE\"") > 0, answer.toString());
        }
    }

    private static Socket connect(InetAddress from) throws IOException {
        Socket socket = new Socket();
        socket.bind(new InetSocketAddress(from, 0));
        socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 5_000);
        socket.setSoTimeout(20_000);
        return socket;
    }

    private static byte[] head(String name, int length) {
        return ("PUT /datasets/" + name + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: " + ARROW
                        + "\r\nContent-Length: " + length + "\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
    }
}

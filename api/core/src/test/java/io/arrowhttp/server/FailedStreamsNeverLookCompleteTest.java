package io.arrowhttp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.arrowhttp.client.ArrowHttpClient;
import io.arrowhttp.client.DatasetStream;
import io.arrowhttp.client.GetOptions;
import io.arrowhttp.protocol.ArrowHttpException;
import io.arrowhttp.protocol.ArrowMediaTypes;
import io.arrowhttp.protocol.ErrorCode;
import io.arrowhttp.protocol.FailureMarker;
import io.arrowhttp.testing.IpcMessages;
import io.arrowhttp.testing.Nginx;
import io.arrowhttp.testing.PacedDataset;
import io.arrowhttp.testing.RawHttp;
import io.arrowhttp.testing.ScriptedDataset;
import io.arrowhttp.testing.TestServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A response that fails after its status line can never be read as a complete, shorter dataset by
 * a standard Arrow reader, whatever carries it: HTTP/1.0 (the body ends when the connection
 * closes) or nginx with its default proxy settings (which ends a broken upstream body with a
 * proper last chunk). Arrow Java's own reader is the judge.
 */
class FailedStreamsNeverLookCompleteTest {

    private static final Map<String, String> BARE_STREAM_WITH_SHORT_DEADLINE =
            Map.of("Accept", ArrowMediaTypes.ARROW_STREAM, "X-Request-Timeout", "0.3");

    private static TestServer server;
    private static Nginx nginx;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.withFeature(feature -> feature.dataset(new PacedDataset("paced", 100, 50))
                .dataset(ScriptedDataset.failing("failing", 10, 1000, 4))
                .dataset(ScriptedDataset.of("small", 3, 1000)));
        nginx = Nginx.start(server.port());
    }

    @AfterAll
    static void stop() throws Exception {
        if (nginx != null) {
            nginx.close();
        }
        server.close();
    }

    @Test
    void aTimedOutBareStreamOverHttp10IsAnErrorForArrowsReader() throws Exception {
        RawHttp.Exchange exchange =
                RawHttp.send(server.port(), "GET", "/datasets/paced", "1.0", BARE_STREAM_WITH_SHORT_DEADLINE);
        assertEquals("HTTP/1.1 200 OK", exchange.statusLine());
        assertTrue(exchange.endedProperly(), "over HTTP/1.0 the transport cannot tell");
        assertArrowReaderFailsAfterSomeBatches(exchange.body());
    }

    @Test
    void aTimedOutBareStreamThroughNginxIsAnErrorForArrowsReader() throws Exception {
        RawHttp.Exchange exchange =
                RawHttp.send(nginx.port(), "GET", "/datasets/paced", "1.1", BARE_STREAM_WITH_SHORT_DEADLINE);
        assertTrue(exchange.statusLine().startsWith("HTTP/1.1 200"), exchange.statusLine());
        assertArrowReaderFailsAfterSomeBatches(exchange.body());
    }

    @Test
    void aFailedMultipartResponseThroughNginxIsAnErrorForTheJavaClientWithTheServersCode() throws Exception {
        try (ArrowHttpClient client = ArrowHttpClient.builder(URI.create("http://127.0.0.1:" + nginx.port() + "/"))
                        .readTimeout(Duration.ofSeconds(20))
                        .build();
                BufferAllocator reading = new RootAllocator()) {
            IOException failure = assertThrows(IOException.class, () -> {
                try (DatasetStream stream =
                        client.get("failing", GetOptions.defaults().status(), reading)) {
                    while (stream.reader().loadNextBatch()) {
                        // Reads the four batches before the failure.
                    }
                }
            });
            ArrowHttpException reported = (ArrowHttpException) failure.getCause();
            assertEquals(ErrorCode.INTERNAL, reported.code(), failure.toString());
        }
    }

    @Test
    void aCompleteStreamThroughNginxEndsWithTheEndOfStreamMarkerAndNoFailureMarker() throws Exception {
        RawHttp.Exchange exchange = RawHttp.send(
                nginx.port(), "GET", "/datasets/small", "1.1", Map.of("Accept", ArrowMediaTypes.ARROW_STREAM));
        byte[] body = exchange.body();
        List<IpcMessages.Located> messages = IpcMessages.locate(body, 0);
        assertEquals(
                IpcMessages.END_OF_STREAM, messages.get(messages.size() - 1).type());
        byte[] tail = Arrays.copyOfRange(body, body.length - FailureMarker.length(), body.length);
        assertFalse(Arrays.equals(FailureMarker.bytes(), tail));
        try (ArrowStreamReader reader = new ArrowStreamReader(new ByteArrayInputStream(body), server.allocator())) {
            int batches = 0;
            while (reader.loadNextBatch()) {
                batches++;
            }
            assertEquals(3, batches);
        }
    }

    private static void assertArrowReaderFailsAfterSomeBatches(byte[] body) throws IOException {
        int[] batches = new int[1];
        try (ArrowStreamReader reader = new ArrowStreamReader(new ByteArrayInputStream(body), server.allocator())) {
            assertThrows(RuntimeException.class, () -> {
                while (reader.loadNextBatch()) {
                    batches[0]++;
                }
            });
        }
        assertTrue(batches[0] > 0 && batches[0] < 100, "batches read before the failure: " + batches[0]);
        byte[] tail = Arrays.copyOfRange(body, body.length - FailureMarker.length(), body.length);
        assertTrue(Arrays.equals(FailureMarker.bytes(), tail), "the body ends with the failure marker");
    }
}

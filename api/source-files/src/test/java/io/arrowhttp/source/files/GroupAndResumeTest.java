package io.arrowhttp.source.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.arrowhttp.client.ArrowHttpClient;
import io.arrowhttp.client.GetOptions;
import io.arrowhttp.server.auth.WritePermission;
import io.arrowhttp.testing.TestServer;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two servers of one group, each with the same uploads: the catalog lists every endpoint on both,
 * a response resumes at a batch ({@code start_batch}) with exactly the batches a full one sends
 * from there, and a parallel fetch finishes from one member when the other is gone.
 */
class GroupAndResumeTest {

    private static final String ARROW = "application/vnd.apache.arrow.stream";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path temporary;

    private static TestServer first;
    private static TestServer second;
    private static BufferAllocator allocator;

    @BeforeAll
    static void start() throws IOException {
        allocator = new RootAllocator();
        int firstPort = TestServer.freePort();
        int secondPort = TestServer.freePort();
        List<URI> group = List.of(
                URI.create("http://127.0.0.1:" + firstPort + "/"), URI.create("http://127.0.0.1:" + secondPort + "/"));
        first = TestServer.withFeature(
                firstPort,
                feature -> feature.group(group)
                        .uploads(new ArrowFileStore(temporary.resolve("first")), WritePermission.anyone()));
        second = TestServer.withFeature(
                secondPort,
                feature -> feature.group(group)
                        .uploads(new ArrowFileStore(temporary.resolve("second")), WritePermission.anyone()));
        upload(first);
        upload(second);
    }

    /** Three parts of 4, 2 and 3 batches of 10 rows: three partitions, the same on every member. */
    private static void upload(TestServer member) throws IOException {
        assertEquals(201, send(member, "PUT", ArrowFileStoreTest.stream(0, 4, 10, null)));
        assertEquals(200, send(member, "POST", ArrowFileStoreTest.stream(40, 2, 10, null)));
        assertEquals(200, send(member, "POST", ArrowFileStoreTest.stream(60, 3, 10, null)));
    }

    private static int send(TestServer member, String method, byte[] stream) throws IOException {
        return ArrowFileStoreTest.send(member, method, "/datasets/trades", stream, ARROW)
                .getResponseCode();
    }

    @AfterAll
    static void stop() {
        if (first != null) {
            first.close();
        }
        if (second != null) {
            second.close();
        }
        allocator.close();
    }

    @Test
    void everyEndpointHasALocationOnEachMemberBeginningWithAnotherMemberInTurn() throws IOException {
        JsonNode info = JSON.readTree(first.uri("/datasets/trades/info").toURL());
        assertEquals(
                first.uri("/datasets/trades").toString(), info.get("location").asText());
        JsonNode endpoints = info.get("endpoints");
        assertEquals(3, endpoints.size());
        for (int partition = 0; partition < 3; partition++) {
            List<String> locations = new ArrayList<>();
            endpoints.get(partition).get("locations").forEach(location -> locations.add(location.asText()));
            TestServer starts = partition % 2 == 0 ? first : second;
            TestServer then = partition % 2 == 0 ? second : first;
            assertEquals(
                    List.of(
                            starts.uri("/datasets/trades?partition=" + partition)
                                    .toString(),
                            then.uri("/datasets/trades?partition=" + partition).toString()),
                    locations);
        }
    }

    @Test
    void aResponseResumedAtABatchSendsTheRestOfTheSameResponse() throws IOException {
        assertEquals(ids(first, "/datasets/trades"), range(0, 90));
        assertEquals(range(20, 40), ids(second, "/datasets/trades?partition=0&start_batch=2"), "as stored");
        assertEquals(range(20, 40), ids(second, "/datasets/trades?partition=0&columns=id&start_batch=2"), "re-encoded");
        assertEquals(range(50, 90), ids(first, "/datasets/trades?start_batch=5"), "across parts");
        assertEquals(range(70, 75), ids(first, "/datasets/trades?limit=75&start_batch=7"), "after the limit");
        assertEquals(List.of(), ids(first, "/datasets/trades?partition=1&start_batch=9"), "past the end: no batches");

        HttpURLConnection negative = (HttpURLConnection)
                first.uri("/datasets/trades?start_batch=-1").toURL().openConnection();
        assertEquals(400, negative.getResponseCode());
        assertTrue(ArrowFileStoreTest.text(negative.getErrorStream()).contains("'start_batch'"));
    }

    @Test
    void aParallelFetchFinishesFromTheMembersThatAreUp() throws IOException {
        int port = TestServer.freePort();
        URI gone = URI.create("http://127.0.0.1:" + TestServer.freePort() + "/");
        List<Long> fetched = new ArrayList<>();
        // A group of two whose first member is gone: the endpoints that begin with it fall back
        // on the member that is up.
        try (TestServer survivor = TestServer.withFeature(
                        port,
                        feature -> feature.group(List.of(gone, URI.create("http://127.0.0.1:" + port + "/")))
                                .uploads(new ArrowFileStore(temporary.resolve("survivor")), WritePermission.anyone()));
                ArrowHttpClient client = ArrowHttpClient.builder(survivor.uri("/"))
                        .readTimeout(Duration.ofSeconds(20))
                        .build()) {
            upload(survivor);
            ArrowHttpClient.PartitionTotals totals =
                    client.fetchPartitions("trades", GetOptions.defaults(), 3, allocator, (endpoint, batch) -> {
                        BigIntVector id = (BigIntVector) batch.getVector("id");
                        for (int row = 0; row < batch.getRowCount(); row++) {
                            fetched.add(id.get(row));
                        }
                    });
            assertEquals(3, totals.endpoints());
        }
        assertEquals(range(0, 90), fetched);
    }

    private static List<Long> ids(TestServer server, String pathAndQuery) throws IOException {
        return ArrowFileStoreTest.idsAt(server.uri(pathAndQuery), allocator);
    }

    private static List<Long> range(long from, long to) {
        return ArrowFileStoreTest.range(from, to);
    }
}

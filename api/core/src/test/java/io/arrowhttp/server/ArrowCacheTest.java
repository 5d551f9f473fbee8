package io.arrowhttp.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.arrowhttp.dataset.Cacheable;
import io.arrowhttp.dataset.Dataset;
import io.arrowhttp.dataset.DatasetRequest;
import io.arrowhttp.protocol.ArrowMediaTypes;
import io.arrowhttp.protocol.HeaderNames;
import io.arrowhttp.testing.MultipartBody;
import io.arrowhttp.testing.ScriptedDataset;
import io.arrowhttp.testing.TestServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Arrow cache of bare streams, over HTTP: a miss fills it while streaming, a hit sends the same
 * bytes as a stored stream (length, ETag, ranges) without opening the source; a changed source,
 * an expired entry or {@code Cache-Control: no-cache} read the source again; a failed or cut fill,
 * a second reader during a fill, the byte bound and a restart leave the folder consistent.
 */
class ArrowCacheTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path folder;

    /** A scripted dataset whose source version the test changes, as a file's size and time change. */
    static final class VersionedDataset implements Dataset, Cacheable {
        final ScriptedDataset rows;
        final AtomicReference<String> version = new AtomicReference<>("v1");
        final Duration ttl;

        VersionedDataset(ScriptedDataset rows, Duration ttl) {
            this.rows = rows;
            this.ttl = ttl;
        }

        @Override
        public String name() {
            return rows.name();
        }

        @Override
        public String description() {
            return rows.description();
        }

        @Override
        public Schema schema() {
            return rows.schema();
        }

        @Override
        public Object metadata(DatasetRequest request) {
            return rows.metadata(request);
        }

        @Override
        public ArrowReader open(DatasetRequest request, BufferAllocator allocator) {
            return rows.open(request, allocator);
        }

        @Override
        public Optional<String> cacheVersion() {
            return Optional.of(version.get());
        }

        @Override
        public Optional<Duration> cacheTtl() {
            return Optional.ofNullable(ttl);
        }
    }

    private static HttpResponse<byte[]> get(TestServer server, String path, String... headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(server.uri(path)).header("Accept", ArrowMediaTypes.ARROW_STREAM);
        if (headers.length > 0) {
            request.headers(headers);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static String cache(HttpResponse<?> response) {
        return response.headers().firstValue(HeaderNames.CACHE).orElse("none");
    }

    private List<Path> files() throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(file -> !file.getFileName().toString().equals(".lock"))
                    .sorted()
                    .toList();
        }
    }

    private static long rowsOf(byte[] body) throws IOException {
        try (BufferAllocator allocator = new RootAllocator();
                ArrowStreamReader reader = new ArrowStreamReader(new ByteArrayInputStream(body), allocator)) {
            long rows = 0;
            while (reader.loadNextBatch()) {
                rows += reader.getVectorSchemaRoot().getRowCount();
            }
            return rows;
        }
    }

    @Test
    void aHitSendsTheMissesBytesWithLengthEtagAndRangesWithoutReadingTheSource() throws Exception {
        VersionedDataset dataset = new VersionedDataset(ScriptedDataset.of("numbers", 5, 1000), null);
        try (TestServer server =
                TestServer.withFeature(feature -> feature.dataset(dataset).cache(folder, 1 << 20))) {
            HttpResponse<byte[]> miss = get(server, "/datasets/numbers");
            assertEquals(200, miss.statusCode());
            assertEquals("miss", cache(miss));
            assertEquals(5000, rowsOf(miss.body()));

            HttpResponse<byte[]> hit = get(server, "/datasets/numbers");
            assertEquals("hit", cache(hit));
            assertArrayEquals(miss.body(), hit.body(), "the hit's body is the miss's, byte for byte");
            assertEquals(
                    String.valueOf(miss.body().length),
                    hit.headers().firstValue("Content-Length").orElseThrow());
            String etag = hit.headers().firstValue("ETag").orElseThrow();
            assertEquals(
                    etag,
                    get(server, "/datasets/numbers")
                            .headers()
                            .firstValue("ETag")
                            .orElseThrow());
            assertEquals(1, dataset.rows.opened(), "hits never open the source");

            HttpResponse<byte[]> range = get(server, "/datasets/numbers", "Range", "bytes=100-199");
            assertEquals(206, range.statusCode());
            assertArrayEquals(Arrays.copyOfRange(miss.body(), 100, 200), range.body());

            HttpResponse<Void> head = HTTP.send(
                    HttpRequest.newBuilder(server.uri("/datasets/numbers"))
                            .header("Accept", ArrowMediaTypes.ARROW_STREAM)
                            .method("HEAD", HttpRequest.BodyPublishers.noBody())
                            .build(),
                    HttpResponse.BodyHandlers.discarding());
            assertEquals(etag, head.headers().firstValue("ETag").orElseThrow());
            assertEquals(1, dataset.rows.opened());

            HttpResponse<byte[]> other = get(server, "/datasets/numbers?limit=50");
            assertEquals("miss", cache(other), "other parameters are another entry");
            assertEquals(2, dataset.rows.opened());
            assertEquals(2, files().size());

            HttpResponse<byte[]> madeUp = get(server, "/datasets/numbers?junk=1");
            assertEquals("bypass", cache(madeUp), "a parameter the dataset does not read makes no entry");
            assertEquals(2, files().size());
        }
    }

    @Test
    void aChangedSourceAnExpiredEntryAndNoCacheReadTheSourceAgain() throws Exception {
        VersionedDataset dataset = new VersionedDataset(ScriptedDataset.of("numbers", 2, 100), null);
        VersionedDataset expiring = new VersionedDataset(ScriptedDataset.of("query", 2, 100), Duration.ofNanos(1));
        try (TestServer server = TestServer.withFeature(
                feature -> feature.dataset(dataset).dataset(expiring).cache(folder, 1 << 20))) {
            assertEquals("miss", cache(get(server, "/datasets/numbers")));
            assertEquals("bypass", cache(get(server, "/datasets/numbers", "Cache-Control", "no-cache")));
            assertEquals("hit", cache(get(server, "/datasets/numbers", "Cache-Control", "max-age=60")));
            dataset.version.set("v2");
            assertEquals("miss", cache(get(server, "/datasets/numbers")), "a changed source is a miss");
            assertEquals("hit", cache(get(server, "/datasets/numbers")));
            assertEquals(2, dataset.rows.opened() - 1, "the bypass and the changed source read it");

            assertEquals("miss", cache(get(server, "/datasets/query")));
            Thread.sleep(2);
            assertEquals("miss", cache(get(server, "/datasets/query")), "an expired entry is a miss");

            HttpResponse<byte[]> compressed = get(server, "/datasets/numbers?codecs=zstd");
            assertEquals(200, compressed.statusCode());
            assertEquals("hit", cache(compressed), "a compressed response is read from the kept entry");
            assertEquals(200, rowsOf(compressed.body()));
            int opened = dataset.rows.opened();
            HttpResponse<byte[]> notKept = get(server, "/datasets/numbers?limit=7&codecs=zstd");
            assertEquals("bypass", cache(notKept), "nothing is kept of a compressed response");
            assertEquals(opened + 1, dataset.rows.opened());
            assertEquals("miss", cache(get(server, "/datasets/numbers?limit=7")));
        }
    }

    @Test
    void multipartResponsesFillAndHitTheCacheWithTheSameBatchesFootnotesAndStatus() throws Exception {
        VersionedDataset dataset = new VersionedDataset(ScriptedDataset.of("numbers", 5, 1000), null);
        try (TestServer server =
                TestServer.withFeature(feature -> feature.dataset(dataset).cache(folder, 1 << 20))) {
            String path = "/datasets/numbers?include_status=true&include_footnotes=true";
            HttpResponse<byte[]> miss = getMultipart(server, path);
            assertEquals(200, miss.statusCode());
            assertEquals("miss", cache(miss));
            HttpResponse<byte[]> hit = getMultipart(server, path);
            assertEquals("hit", cache(hit), "the multipart miss filled the entry");
            assertEquals(1, dataset.rows.opened(), "hits never open the source");
            assertArrayEquals(arrowPart(miss.body()), arrowPart(hit.body()), "the same Arrow part, byte for byte");
            String status = new String(hit.body(), StandardCharsets.UTF_8);
            assertTrue(status.contains("\"code\":\"OK\"") && status.contains("\"rows\":5000"), status);
            assertTrue(
                    status.contains("5 Arrow record batch(es) with 5000 rows"), "the footnotes count the batches sent");

            HttpResponse<byte[]> bare = get(server, "/datasets/numbers");
            assertEquals("hit", cache(bare), "multipart and the bare stream share the entry");
            assertArrayEquals(arrowPart(miss.body()), bare.body());
            assertEquals(1, files().size());
        }
    }

    @Test
    void fillsUnderWayCountAgainstTheBoundSoManyAtOnceNeverHoldMoreOfTheDisk() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        VersionedDataset held = new VersionedDataset(ScriptedDataset.holding("held", 40, 10_000, 2, release), null);
        long bound = 400_000;
        try (TestServer server =
                TestServer.withFeature(feature -> feature.dataset(held).cache(folder, bound))) {
            List<InputStream> bodies = new ArrayList<>();
            try {
                fillAtOnceAndCheckTheBound(server, bodies, bound);
            } finally {
                release.countDown();
            }
            for (InputStream body : bodies) {
                try (body) {
                    body.readAllBytes();
                }
            }
            awaitAtMost(bound);
        }
    }

    private void fillAtOnceAndCheckTheBound(TestServer server, List<InputStream> bodies, long bound) throws Exception {
        for (int limit = 300_000; limit < 300_004; limit++) {
            HttpResponse<InputStream> response = HTTP.send(
                    HttpRequest.newBuilder(server.uri("/datasets/held?limit=" + limit))
                            .header("Accept", ArrowMediaTypes.ARROW_STREAM)
                            .build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            assertEquals("miss", cache(response));
            bodies.add(response.body());
            // Each fill copies its first two batches (160 KB) before the source holds.
            bodies.get(bodies.size() - 1).readNBytes(100_000);
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline && files().size() > 2) {
            Thread.sleep(20);
        }
        assertTrue(heldBytes() <= bound, "four fills at once hold " + heldBytes() + " bytes, bound " + bound);
        assertTrue(files().size() <= 2, "fills beyond the bound stop: " + files());
    }

    private long heldBytes() throws IOException {
        long held = 0;
        for (Path file : files()) {
            held += Files.exists(file) ? Files.size(file) : 0;
        }
        return held;
    }

    private void awaitAtMost(long bound) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (heldBytes() > bound && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(heldBytes() <= bound, "the folder holds " + heldBytes() + " bytes");
    }

    private static HttpResponse<byte[]> getMultipart(TestServer server, String path)
            throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(server.uri(path)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** The Arrow part of a multipart body, up to and including its end-of-stream marker. */
    private static byte[] arrowPart(byte[] body) {
        int start = MultipartBody.partBodyStart(body, MultipartBody.ARROW_PART_HEADER);
        byte[] end = {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0, 0, 0, 0};
        for (int at = start; at + end.length <= body.length; at++) {
            if (Arrays.equals(body, at, at + end.length, end, 0, end.length)
                    && (at + end.length == body.length || body[at + end.length] == '\r')) {
                return Arrays.copyOfRange(body, start, at + end.length);
            }
        }
        throw new AssertionError("no end-of-stream marker in the Arrow part");
    }

    @Test
    void aFailedFillLeavesNothingAndTheNextRequestFillsAgain() throws Exception {
        VersionedDataset failing = new VersionedDataset(ScriptedDataset.failing("failing", 4, 1000, 2), null);
        try (TestServer server =
                TestServer.withFeature(feature -> feature.dataset(failing).cache(folder, 1 << 20))) {
            for (int attempt = 0; attempt < 2; attempt++) {
                HttpResponse<InputStream> response = HTTP.send(
                        HttpRequest.newBuilder(server.uri("/datasets/failing"))
                                .header("Accept", ArrowMediaTypes.ARROW_STREAM)
                                .build(),
                        HttpResponse.BodyHandlers.ofInputStream());
                assertEquals("miss", cache(response), "nothing was kept of the failed fill");
                try (InputStream body = response.body()) {
                    body.readAllBytes();
                } catch (IOException aborted) {
                    // Failed streams are aborted after their first batches.
                }
                awaitNoFiles();
            }
        }
    }

    @Test
    void aClientThatLeavesMidFillLeavesNothing() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        VersionedDataset held = new VersionedDataset(ScriptedDataset.holding("held", 50, 10_000, 2, release), null);
        try (TestServer server =
                TestServer.withFeature(feature -> feature.dataset(held).cache(folder, 64 << 20))) {
            HttpResponse<InputStream> response = HTTP.send(
                    HttpRequest.newBuilder(server.uri("/datasets/held"))
                            .header("Accept", ArrowMediaTypes.ARROW_STREAM)
                            .build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            assertEquals("miss", cache(response));
            InputStream body = response.body();
            assertTrue(body.readNBytes(1000).length == 1000);
            assertEquals(1, files().size(), "the fill's temporary file");
            body.close();
            release.countDown();
            awaitNoFiles();
        }
    }

    private void awaitNoFiles() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!files().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(List.of(), files(), "a cut fill leaves nothing");
    }

    @Test
    void aSecondReaderDuringAFillReadsTheSourceAndOneEntryIsKept() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        VersionedDataset held = new VersionedDataset(ScriptedDataset.holding("held", 4, 1000, 1, release), null);
        try (TestServer server =
                TestServer.withFeature(feature -> feature.dataset(held).cache(folder, 1 << 20))) {
            CompletableFuture<HttpResponse<byte[]>> first = HTTP.sendAsync(
                    HttpRequest.newBuilder(server.uri("/datasets/held"))
                            .header("Accept", ArrowMediaTypes.ARROW_STREAM)
                            .build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            awaitOpened(held, 1);
            CompletableFuture<HttpResponse<byte[]>> second = HTTP.sendAsync(
                    HttpRequest.newBuilder(server.uri("/datasets/held"))
                            .header("Accept", ArrowMediaTypes.ARROW_STREAM)
                            .build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            awaitOpened(held, 2);
            release.countDown();
            HttpResponse<byte[]> a = first.get();
            HttpResponse<byte[]> b = second.get();
            assertEquals(List.of("miss", "bypass"), List.of(cache(a), cache(b)));
            assertArrayEquals(a.body(), b.body());
            HttpResponse<byte[]> hit = get(server, "/datasets/held");
            assertEquals("hit", cache(hit));
            assertArrayEquals(a.body(), hit.body());
            assertEquals(1, files().size());
        }
    }

    private static void awaitOpened(VersionedDataset dataset, int count) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (dataset.rows.opened() < count && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(count, dataset.rows.opened());
    }

    @Test
    void theLeastRecentlyUsedEntriesLeaveToStayWithinTheBoundAndCountInMetrics() throws Exception {
        VersionedDataset dataset = new VersionedDataset(ScriptedDataset.of("numbers", 4, 1000), null);
        long entry;
        Path probe = folder.resolve("probe");
        try (TestServer server =
                TestServer.withFeature(feature -> feature.dataset(dataset).cache(probe, 1 << 20))) {
            entry = get(server, "/datasets/numbers").body().length;
        }
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        Path bounded = folder.resolve("bounded");
        try (TestServer server = TestServer.withFeature(feature ->
                feature.dataset(dataset).cache(bounded, 2 * entry + entry / 2).metrics(meters))) {
            assertEquals("miss", cache(get(server, "/datasets/numbers?limit=3999")));
            assertEquals("miss", cache(get(server, "/datasets/numbers?limit=3998")));
            assertEquals(
                    "hit", cache(get(server, "/datasets/numbers?limit=3999")), "limit=3999 is now the most recent");
            assertEquals("miss", cache(get(server, "/datasets/numbers?limit=3997")));
            assertEquals("hit", cache(get(server, "/datasets/numbers?limit=3999")));
            assertEquals("miss", cache(get(server, "/datasets/numbers?limit=3998")), "limit=3998 was evicted");
            long held;
            try (Stream<Path> files = Files.list(bounded)) {
                held = files.mapToLong(file -> file.toFile().length()).sum();
            }
            assertTrue(held <= 2 * entry + entry / 2, "the folder holds " + held + " bytes");
            assertEquals(
                    2.0,
                    meters.get("arrowhttp.cache.requests")
                            .tag("result", "hit")
                            .functionCounter()
                            .count());
            assertEquals(
                    4.0,
                    meters.get("arrowhttp.cache.requests")
                            .tag("result", "miss")
                            .functionCounter()
                            .count());
            assertEquals(
                    4.0, meters.get("arrowhttp.cache.fills").functionCounter().count());
            assertEquals(
                    2.0,
                    meters.get("arrowhttp.cache.evictions").functionCounter().count());
            assertEquals(held, meters.get("arrowhttp.cache.size").gauge().value());
        }
    }

    @Test
    void aFolderServesOneServerAtATime() {
        VersionedDataset dataset = new VersionedDataset(ScriptedDataset.of("numbers", 1, 10), null);
        try (TestServer server =
                TestServer.withFeature(feature -> feature.dataset(dataset).cache(folder, 1 << 20))) {
            IllegalStateException refused = assertThrows(
                    IllegalStateException.class,
                    () -> ArrowHttpFeature.builder(server.allocator())
                            .dataset(dataset)
                            .cache(folder, 1 << 20)
                            .build());
            assertTrue(refused.getMessage().contains("used by another server"), refused.getMessage());
        }
    }

    @Test
    void entriesSurviveARestartAndLeftoverTemporaryFilesAreDeleted() throws Exception {
        VersionedDataset dataset = new VersionedDataset(ScriptedDataset.of("numbers", 3, 1000), null);
        HttpResponse<byte[]> before;
        try (TestServer server =
                TestServer.withFeature(feature -> feature.dataset(dataset).cache(folder, 1 << 20))) {
            get(server, "/datasets/numbers");
            before = get(server, "/datasets/numbers");
            assertEquals("hit", cache(before));
        }
        Path leftover = folder.resolve("0123.456.tmp");
        Files.write(leftover, new byte[] {1, 2, 3});
        try (TestServer server =
                TestServer.withFeature(feature -> feature.dataset(dataset).cache(folder, 1 << 20))) {
            assertFalse(Files.exists(leftover), "a fill cut by a stop is deleted at start");
            HttpResponse<byte[]> after = get(server, "/datasets/numbers");
            assertEquals("hit", cache(after));
            assertArrayEquals(before.body(), after.body());
            assertEquals(before.headers().firstValue("ETag"), after.headers().firstValue("ETag"));
            assertEquals(1, dataset.rows.opened());
            assertNotEquals(0, after.body().length);
        }
    }
}

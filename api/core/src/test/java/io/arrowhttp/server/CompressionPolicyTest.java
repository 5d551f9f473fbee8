package io.arrowhttp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.arrowhttp.response.CompressionPolicy;
import io.arrowhttp.testing.ScriptedDataset;
import io.arrowhttp.testing.TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.util.zip.GZIPInputStream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The default compression policy over loopback: the {@code Accept-Encoding} that common clients
 * send on their own gets the uncompressed stream, which is the fastest there; a client that
 * refuses identity gets what it insists on; {@link CompressionPolicy#NEVER} refuses such a client.
 */
class CompressionPolicyTest {

    private static TestServer auto;
    private static TestServer never;

    @BeforeAll
    static void start() {
        auto = TestServer.withFeature(feature -> feature.dataset(ScriptedDataset.of("numbers", 4, 1000)));
        never = TestServer.withFeature(feature ->
                feature.compression(CompressionPolicy.NEVER).dataset(ScriptedDataset.of("numbers", 4, 1000)));
    }

    @AfterAll
    static void stop() {
        auto.close();
        never.close();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "gzip, deflate", // Python requests, urllib3
                "gzip, deflate, br", // Node's fetch (undici)
                "gzip, deflate, br, zstd", // Chromium
                "deflate, gzip, br, zstd", // curl --compressed
                "zstd",
                "*"
            })
    void whatCommonClientsOfferOnTheirOwnGetsTheUncompressedStreamOnLoopback(String offered) throws IOException {
        HttpURLConnection connection = get(auto, offered);
        assertEquals(200, connection.getResponseCode());
        assertNull(connection.getHeaderField("Content-Encoding"), offered);
        assertEquals(4000, rows(connection.getInputStream()));
    }

    @Test
    void aClientThatRefusesIdentityGetsTheCodingItInsistsOn() throws IOException {
        HttpURLConnection connection = get(auto, "gzip, *;q=0");
        assertEquals("gzip", connection.getHeaderField("Content-Encoding"));
        assertEquals(4000, rows(new GZIPInputStream(connection.getInputStream())));
        HttpURLConnection identityRefused = get(auto, "zstd, identity;q=0");
        assertEquals("zstd", identityRefused.getHeaderField("Content-Encoding"));
        identityRefused.getInputStream().readAllBytes();
    }

    @Test
    void neverSendsNoCodingAndRefusesAClientThatInsists() throws IOException {
        HttpURLConnection offered = get(never, "gzip, deflate, br, zstd");
        assertNull(offered.getHeaderField("Content-Encoding"));
        assertEquals(4000, rows(offered.getInputStream()));
        HttpURLConnection insisting = get(never, "gzip, *;q=0");
        assertEquals(406, insisting.getResponseCode());
        assertEquals("application/problem+json", insisting.getContentType());
    }

    private static HttpURLConnection get(TestServer server, String acceptEncoding) throws IOException {
        HttpURLConnection connection = (HttpURLConnection)
                server.uri("/datasets/numbers.arrows").toURL().openConnection();
        connection.setConnectTimeout(5_000);
        connection.setReadTimeout(20_000);
        connection.setRequestProperty("Accept-Encoding", acceptEncoding);
        return connection;
    }

    private static long rows(InputStream body) throws IOException {
        long rows = 0;
        try (BufferAllocator allocator = new RootAllocator();
                InputStream in = body;
                ArrowStreamReader reader = new ArrowStreamReader(in, allocator)) {
            while (reader.loadNextBatch()) {
                rows += reader.getVectorSchemaRoot().getRowCount();
            }
        }
        return rows;
    }
}

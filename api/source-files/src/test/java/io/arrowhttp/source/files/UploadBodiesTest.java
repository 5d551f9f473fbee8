package io.arrowhttp.source.files;

import static io.arrowhttp.source.files.ArrowFileStoreTest.send;
import static io.arrowhttp.source.files.ArrowFileStoreTest.stream;
import static io.arrowhttp.source.files.ArrowFileStoreTest.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.luben.zstd.ZstdOutputStream;
import io.arrowhttp.server.auth.TokenAuthenticator;
import io.arrowhttp.server.auth.WritePermission;
import io.arrowhttp.testing.RawHttp;
import io.arrowhttp.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The forms an upload's body may take (content codings, multipart with a JSON part), who may send
 * one, and what a browser's preflight is told: each refusal leaves nothing written.
 */
class UploadBodiesTest {

    private static final String ARROW = "application/vnd.apache.arrow.stream";
    private static final String WRITER_TOKEN = "writer-token-0123456789abcdef-0123456789";
    private static final String READER_TOKEN = "reader-token-0123456789abcdef-0123456789";
    private static final String PAGE = "https://page.example";

    @TempDir
    static Path temporary;

    private static Path directory;
    private static TestServer server;
    private static BufferAllocator allocator;

    @BeforeAll
    static void start() {
        allocator = new RootAllocator();
        directory = temporary.resolve("uploads");
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        server = TestServer.withFeature(
                builder -> builder.uploads(new ArrowFileStore(directory), WritePermission.identities(List.of("etl")))
                        .corsOrigins(List.of(PAGE))
                        .authentication(TokenAuthenticator.builder(key)
                                .apiTokens(Map.of("etl", WRITER_TOKEN, "analyst", READER_TOKEN))
                                .allowInsecureHttp()
                                .build()));
    }

    @AfterAll
    static void stop() {
        server.close();
        allocator.close();
    }

    @Test
    void gzipAndZstdBodiesAreDecodedAsTheyArrive() throws IOException {
        byte[] plain = stream(0, 3, 2000, null);
        ByteArrayOutputStream gzip = new ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(gzip)) {
            out.write(plain);
        }
        ByteArrayOutputStream zstd = new ByteArrayOutputStream();
        try (OutputStream out = new ZstdOutputStream(zstd)) {
            out.write(plain);
        }
        HttpURLConnection gzipped = upload("PUT", "coded", gzip.toByteArray(), ARROW, "gzip");
        assertEquals(201, gzipped.getResponseCode());
        assertTrue(text(gzipped.getInputStream()).contains("\"rows\":6000,"));
        HttpURLConnection zstdCoded = upload("POST", "coded", zstd.toByteArray(), ARROW, "zstd");
        assertEquals(200, zstdCoded.getResponseCode());
        assertEquals(12_000, rows("coded"));
    }

    @Test
    void aCodingTheServerDoesNotDecodeIsRefusedNamingThoseItDoes() throws IOException {
        HttpURLConnection refused = upload("PUT", "squeezed", stream(0, 1, 10, null), ARROW, "compress");
        assertEquals(415, refused.getResponseCode());
        assertTrue(refused.getHeaderField("Accept-Encoding").contains("gzip"));
        assertTrue(text(refused.getErrorStream()).contains("send the body as one of: identity, zstd"));
        HttpURLConnection notGzip = upload("PUT", "squeezed", stream(0, 1, 10, null), ARROW, "gzip");
        assertEquals(400, notGzip.getResponseCode());
        assertEquals(404, read("squeezed").getResponseCode());
    }

    @Test
    void anUploadWithoutAContentTypeIsRefusedNamingTheTypeWithNothingWritten() throws IOException {
        byte[] body = stream(0, 1, 10, null);
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(20_000);
            String head = "PUT /datasets/untyped HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + WRITER_TOKEN
                    + "\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n\r\n";
            socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().write(body);
            String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertTrue(response.startsWith("HTTP/1.1 415 "), response);
            assertTrue(response.contains("application/problem+json"), response);
            assertTrue(response.contains("needs a Content-Type: application/vnd.apache.arrow.stream"), response);
        }
        assertEquals(404, read("untyped").getResponseCode());
    }

    @Test
    void aMultipartUploadKeepsItsDescriptionAndMetadataAcrossAppendsAndRestarts() throws IOException {
        String boundary = "b0undary-between-parts";
        byte[] body = multipart(
                boundary,
                "{\"description\":\"Nightly trades\",\"metadata\":{\"source\":\"exchange\",\"version\":3}}",
                stream(0, 2, 100, null));
        HttpURLConnection put = upload("PUT", "described", body, "multipart/mixed; boundary=" + boundary, null);
        assertEquals(201, put.getResponseCode());
        String answer = text(put.getInputStream());
        assertTrue(answer.contains("\"description\":\"Nightly trades\""), answer);

        HttpURLConnection post = upload("POST", "described", stream(200, 1, 50, null), ARROW, null);
        assertEquals(200, post.getResponseCode());
        String info = text(get("/datasets/described/info").getInputStream());
        assertTrue(info.contains("\"description\":\"Nightly trades\""), info);
        assertEquals(250, rows("described"));
        HttpURLConnection multipart = get("/datasets/described?rows=1");
        String whole = text(multipart.getInputStream());
        assertTrue(whole.contains("\"source\":\"exchange\""), whole);
        assertTrue(whole.contains("\"version\":3"), whole);

        String restarted = new ArrowFileStore(directory)
                .datasets().stream()
                        .filter(dataset -> dataset.name().equals("described"))
                        .findFirst()
                        .orElseThrow()
                        .description();
        assertEquals("Nightly trades", restarted);
    }

    @Test
    void aFormDataUploadFromABrowserIsTaken() throws IOException {
        String boundary = "----FormBoundary7MA4YWxkTrZu0gW";
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"metadata\"\r\n"
                        + "Content-Type: application/json\r\n\r\n{\"description\":\"From a page\"}\r\n--" + boundary
                        + "\r\nContent-Disposition: form-data; name=\"data\"; filename=\"blob\"\r\n"
                        + "Content-Type: " + ARROW + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        body.writeBytes(stream(0, 1, 30, null));
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        HttpURLConnection put =
                upload("PUT", "formed", body.toByteArray(), "multipart/form-data; boundary=" + boundary, null);
        assertEquals(201, put.getResponseCode());
        assertEquals(30, rows("formed"));
    }

    @Test
    void multipartBodiesOutOfShapeAreRefusedWithNothingWritten() throws IOException {
        String boundary = "xyz";
        byte[] arrow = stream(0, 1, 10, null);
        byte[] arrowFirst = multipart(boundary, null, arrow);
        byte[] unknownKey = multipart(boundary, "{\"colour\":\"red\"}", arrow);
        byte[] trailing = multipart(boundary, "{}", arrow, "\r\n--xyz\r\nContent-Type: text/plain\r\n\r\nmore");
        byte[] noClose = multipart(boundary, "{}", arrow, "");
        Map<byte[], String> cases = Map.of(
                arrowFirst, "first part of a multipart upload must have Content-Type application/json",
                unknownKey, "has key 'colour'; its keys are: description, metadata",
                trailing, "parts after its Arrow stream",
                noClose, "not followed by its boundary delimiter");
        for (Map.Entry<byte[], String> bad : cases.entrySet()) {
            HttpURLConnection put = upload("PUT", "shapeless", bad.getKey(), "multipart/mixed; boundary=xyz", null);
            assertEquals(400, put.getResponseCode(), bad.getValue());
            String problem = text(put.getErrorStream());
            assertTrue(problem.contains(bad.getValue()), problem);
        }
        assertEquals(404, read("shapeless").getResponseCode());
        try (Stream<Path> files = Files.list(directory)) {
            assertTrue(files.noneMatch(file -> file.getFileName().toString().startsWith(".shapeless")));
        }
    }

    @Test
    void aCallerWhoMayReadButNotWriteIsRefusedBeforeTheBodyIsRead() throws IOException {
        HttpURLConnection put = send(server, "PUT", "/datasets/guarded", stream(0, 1, 10, null), ARROW, READER_TOKEN);
        assertEquals(403, put.getResponseCode());
        String problem = text(put.getErrorStream());
        assertTrue(problem.contains("'analyst' may read but not write"), problem);
        assertEquals(404, read("guarded").getResponseCode());
        assertEquals(
                401,
                send(server, "PUT", "/datasets/guarded", stream(0, 1, 10, null), ARROW, null)
                        .getResponseCode());
    }

    @Test
    void aPreflightFromAnAllowedPageMayPutAndPost() throws IOException {
        RawHttp.Exchange preflight = RawHttp.send(
                server.port(),
                "OPTIONS",
                "/datasets/anything",
                "1.1",
                Map.of(
                        "Origin",
                        PAGE,
                        "Access-Control-Request-Method",
                        "PUT",
                        "Access-Control-Request-Headers",
                        "content-type, content-encoding"));
        assertTrue(preflight.statusLine().startsWith("HTTP/1.1 204"), preflight.statusLine());
        assertTrue(preflight.header("Access-Control-Allow-Methods").contains("PUT"));
        assertTrue(preflight.header("Access-Control-Allow-Methods").contains("POST"));
        assertTrue(preflight.header("Access-Control-Allow-Methods").contains("DELETE"));
        assertTrue(preflight.header("Access-Control-Allow-Headers").contains("Content-Encoding"));
    }

    private static byte[] multipart(String boundary, String json, byte[] arrow) {
        return multipart(boundary, json, arrow, "\r\n--" + boundary + "--\r\n");
    }

    /** A JSON part (none when null), then the Arrow part, then {@code tail}. */
    private static byte[] multipart(String boundary, String json, byte[] arrow, String tail) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if (json != null) {
            body.writeBytes(("--" + boundary + "\r\nContent-Type: application/json\r\n\r\n" + json + "\r\n")
                    .getBytes(StandardCharsets.UTF_8));
        }
        body.writeBytes(("--" + boundary + "\r\nContent-Type: " + ARROW + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.writeBytes(arrow);
        body.writeBytes(tail.getBytes(StandardCharsets.UTF_8));
        return body.toByteArray();
    }

    private static HttpURLConnection upload(
            String method, String name, byte[] body, String contentType, String contentEncoding) throws IOException {
        HttpURLConnection connection =
                (HttpURLConnection) server.uri("/datasets/" + name).toURL().openConnection();
        connection.setConnectTimeout(5_000);
        connection.setReadTimeout(20_000);
        connection.setRequestMethod(method);
        connection.setDoOutput(true);
        connection.setRequestProperty("Content-Type", contentType);
        connection.setRequestProperty("Authorization", "Bearer " + WRITER_TOKEN);
        if (contentEncoding != null) {
            connection.setRequestProperty("Content-Encoding", contentEncoding);
        }
        connection.setFixedLengthStreamingMode(body.length);
        try (OutputStream out = connection.getOutputStream()) {
            out.write(body);
        }
        return connection;
    }

    private static HttpURLConnection get(String path) throws IOException {
        HttpURLConnection connection =
                (HttpURLConnection) server.uri(path).toURL().openConnection();
        connection.setConnectTimeout(5_000);
        connection.setReadTimeout(20_000);
        connection.setRequestProperty("Authorization", "Bearer " + READER_TOKEN);
        return connection;
    }

    private static HttpURLConnection read(String name) throws IOException {
        HttpURLConnection connection = get("/datasets/" + name);
        connection.setRequestProperty("Accept", ARROW);
        return connection;
    }

    private static long rows(String name) throws IOException {
        HttpURLConnection connection = read(name);
        assertEquals(200, connection.getResponseCode());
        long rows = 0;
        try (InputStream in = connection.getInputStream();
                ArrowStreamReader reader = new ArrowStreamReader(in, allocator)) {
            while (reader.loadNextBatch()) {
                BigIntVector id = (BigIntVector) reader.getVectorSchemaRoot().getVector("id");
                rows += id.getValueCount();
            }
        }
        return rows;
    }
}

package io.arrowhttp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.arrowhttp.client.ArrowHttpClient;
import io.arrowhttp.client.DatasetStream;
import io.arrowhttp.client.GetOptions;
import io.arrowhttp.dataset.Dataset;
import io.arrowhttp.dataset.DatasetRequest;
import io.arrowhttp.protocol.ArrowHttpException;
import io.arrowhttp.protocol.ErrorCode;
import io.arrowhttp.server.auth.PasswordHash;
import io.arrowhttp.server.auth.TokenAuthenticator;
import io.arrowhttp.testing.ScriptedDataset;
import io.arrowhttp.testing.TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.Schema;
import org.glassfish.jersey.server.ResourceConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The handshake, bearer tokens, API tokens, and the caller's identity reaching a dataset. */
class AuthenticationTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String API_TOKEN = "machine-token-0123456789abcdefghijklmnopqrstuvwxyz";
    private static final List<String> HANDSHAKE_LOG = new CopyOnWriteArrayList<>();
    private static final Logger HANDSHAKE_LOGGER = Logger.getLogger("io.arrowhttp.internal.resource.HandshakeGuard");
    private static final Handler CAPTURE = new Handler() {
        @Override
        public void publish(LogRecord record) {
            HANDSHAKE_LOG.add(String.valueOf(record.getMessage()) + " " + Arrays.toString(record.getParameters()));
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };

    /** A clock the test moves forward, to see tokens expire without waiting. */
    private static final class MovableClock extends Clock {
        private volatile Instant now = Instant.now();

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }

    /** Shows who called in its metadata, and refuses bob. */
    private static final class WhoAmI implements Dataset {
        private final ScriptedDataset rows = ScriptedDataset.of("whoami", 1, 5);

        @Override
        public String name() {
            return "whoami";
        }

        @Override
        public String description() {
            return "who calls";
        }

        @Override
        public Schema schema() {
            return ScriptedDataset.SCHEMA;
        }

        @Override
        public Object metadata(DatasetRequest request) {
            String caller = request.principal().map(Principal::getName).orElse("anonymous");
            if (caller.equals("bob")) {
                throw new ArrowHttpException(ErrorCode.UNAUTHORIZED, "bob may not read whoami");
            }
            return Map.of("caller", caller);
        }

        @Override
        public ArrowReader open(DatasetRequest request, BufferAllocator allocator) {
            return rows.open(request, allocator);
        }
    }

    private static final MovableClock CLOCK = new MovableClock();
    private static BufferAllocator allocator;
    private static TestServer server;
    private static ScriptedDataset secret;

    @BeforeAll
    static void start() {
        // Single failures are logged at debug level; bursts once, as warnings.
        HANDSHAKE_LOGGER.setLevel(Level.ALL);
        HANDSHAKE_LOGGER.addHandler(CAPTURE);
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        allocator = new RootAllocator();
        secret = ScriptedDataset.of("secret", 2, 100);
        server = TestServer.start(new ResourceConfig()
                .register(ArrowHttpFeature.builder(allocator)
                        .dataset(secret)
                        .dataset(new WhoAmI())
                        .authentication(TokenAuthenticator.builder(key)
                                .users(Map.of(
                                        "alice",
                                        PasswordHash.hash("alice-password".toCharArray()),
                                        "bob",
                                        PasswordHash.hash("bob-password".toCharArray())))
                                .apiTokens(Map.of("nightly-job", API_TOKEN))
                                .passwordCheck((user, password) -> user.equals("directory-user")
                                                && new String(password).equals("directory-password")
                                        ? Optional.of("carol")
                                        : Optional.empty())
                                .tokenLifetime(Duration.ofMinutes(10))
                                .clock(CLOCK)
                                .allowInsecureHttp()
                                .build())
                        .build()));
    }

    @AfterAll
    static void stop() {
        HANDSHAKE_LOGGER.removeHandler(CAPTURE);
        HANDSHAKE_LOGGER.setLevel(null);
        server.close();
        assertEquals(0, allocator.getAllocatedMemory());
        allocator.close();
    }

    private static HttpURLConnection get(String path, String authorization) throws IOException {
        HttpURLConnection connection =
                (HttpURLConnection) server.uri(path).toURL().openConnection();
        if (authorization != null) {
            connection.setRequestProperty("Authorization", authorization);
        }
        return connection;
    }

    private static String handshake(String user, String password) throws IOException {
        HttpURLConnection connection =
                (HttpURLConnection) server.uri("/auth/handshake").toURL().openConnection();
        connection.setRequestMethod("POST");
        connection.setRequestProperty(
                "Authorization",
                "Basic "
                        + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
        assertEquals(200, connection.getResponseCode());
        try (InputStream in = connection.getInputStream()) {
            JsonNode body = JSON.readTree(in);
            assertEquals("Bearer", body.get("tokenType").asText());
            return body.get("token").asText();
        }
    }

    private static JsonNode problem(HttpURLConnection connection, int status) throws IOException {
        assertEquals(status, connection.getResponseCode());
        assertEquals("application/problem+json", connection.getContentType());
        try (InputStream error = connection.getErrorStream()) {
            return JSON.readTree(error);
        }
    }

    @Test
    void aTokenOfAUserRemovedSinceIsRefusedByTheSameKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        String hash = PasswordHash.hash("pw".toCharArray());
        TokenAuthenticator before = TokenAuthenticator.builder(key)
                .users(Map.of("alice", hash, "bob", hash))
                .build();
        TokenAuthenticator after =
                TokenAuthenticator.builder(key).users(Map.of("alice", hash)).build();
        assertEquals("alice", after.verify(before.issueToken("alice")));
        ArrowHttpException refused =
                assertThrows(ArrowHttpException.class, () -> after.verify(before.issueToken("bob")));
        assertEquals(ErrorCode.UNAUTHENTICATED, refused.code());
    }

    @Test
    void aTokenWithAnythingAppendedIsRefused() {
        TokenAuthenticator authenticator = aliceWithAKeyOfItsOwn();
        String token = authenticator.issueToken("alice");
        for (String changed : new String[] {token + ".", token + ".x", "." + token, token + "=="}) {
            assertThrows(ArrowHttpException.class, () -> authenticator.verify(changed), changed);
        }
    }

    private static TokenAuthenticator aliceWithAKeyOfItsOwn() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return TokenAuthenticator.builder(key)
                .users(Map.of("alice", PasswordHash.hash("pw".toCharArray())))
                .build();
    }

    @Test
    void aTokenHasOneSpellingOnly() {
        TokenAuthenticator authenticator = aliceWithAKeyOfItsOwn();
        String token = authenticator.issueToken("alice");
        assertEquals("alice", authenticator.verify(token));
        // The same signature bytes spelled otherwise: padded, or with other unused low bits in
        // the last character (a 32-byte signature leaves two of its last character's six bits).
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        char last = token.charAt(token.length() - 1);
        int value = alphabet.indexOf(last);
        String stem = token.substring(0, token.length() - 1);
        int spellings = 0;
        for (int low = 1; low < 4; low++) {
            String other = stem + alphabet.charAt((value & ~3) | ((value + low) & 3));
            spellings++;
            assertThrows(ArrowHttpException.class, () -> authenticator.verify(other), other);
        }
        assertEquals(3, spellings);
        assertThrows(ArrowHttpException.class, () -> authenticator.verify(token + "="));
    }

    @Test
    void userNamesThatWouldBreakTheUsersFileAreRefused() {
        for (String name : new String[] {"a b", "a:b", "c=d", "#e", "bob\"\\x", "", "x".repeat(65), "\u00e9ve"}) {
            assertThrows(IllegalArgumentException.class, () -> TokenAuthenticator.checkUserName(name), name);
        }
        TokenAuthenticator.checkUserName("alice.smith@example-corp_1");
    }

    @Test
    void theJavaClientHandshakesAndTheProducerSeesWhoCalls() throws IOException {
        try (ArrowHttpClient client = ArrowHttpClient.builder(server.uri("/"))
                        .basicHandshake("alice", "alice-password".toCharArray())
                        .build();
                BufferAllocator clientAllocator = new RootAllocator();
                DatasetStream stream = client.get("whoami", GetOptions.defaults(), clientAllocator)) {
            assertEquals("alice", stream.metadata().get("caller").asText());
            assertTrue(stream.reader().loadNextBatch());
            assertFalse(stream.reader().loadNextBatch());
        }
    }

    @Test
    void aCallWithoutATokenIsRefusedAndSendsNothing() throws IOException {
        int produced = secret.produced();
        HttpURLConnection connection = get("/datasets/secret", null);
        JsonNode problem = problem(connection, 401);
        assertEquals("UNAUTHENTICATED", problem.get("code").asText());
        assertTrue(connection.getHeaderField("WWW-Authenticate").startsWith("Bearer"));
        assertEquals(produced, secret.produced(), "nothing of the dataset was read");
        assertEquals(401, get("/datasets", null).getResponseCode(), "the catalog is closed too");
    }

    @Test
    void aWrongPasswordIsRefusedAndNotLogged() throws IOException {
        HttpURLConnection connection =
                (HttpURLConnection) server.uri("/auth/handshake").toURL().openConnection();
        connection.setRequestMethod("POST");
        connection.setRequestProperty(
                "Authorization",
                "Basic "
                        + Base64.getEncoder()
                                .encodeToString("alice:not-her-password".getBytes(StandardCharsets.UTF_8)));
        assertEquals("UNAUTHENTICATED", problem(connection, 401).get("code").asText());
        assertTrue(HANDSHAKE_LOG.stream().anyMatch(line -> line.contains("alice")), HANDSHAKE_LOG.toString());
        assertTrue(
                HANDSHAKE_LOG.stream().noneMatch(line -> line.contains("not-her-password")), "the password was logged");

        ArrowHttpException refused = assertThrows(ArrowHttpException.class, () -> {
            try (ArrowHttpClient client = ArrowHttpClient.builder(server.uri("/"))
                    .basicHandshake("mallory", "guess".toCharArray())
                    .build()) {
                client.listDatasets();
            }
        });
        assertEquals(ErrorCode.UNAUTHENTICATED, refused.code());
    }

    @Test
    void aTamperedTokenIsRefused() throws IOException {
        String token = handshake("alice", "alice-password");
        String[] parts = token.split("\\.");
        String forged = parts[0] + "."
                + Base64.getUrlEncoder()
                        .withoutPadding()
                        .encodeToString(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                                .replace("alice", "admin")
                                .getBytes(StandardCharsets.UTF_8))
                + "." + parts[2];
        JsonNode problem = problem(get("/datasets/whoami", "Bearer " + forged), 401);
        assertTrue(problem.get("detail").asText().contains("signature"), problem.toString());
        assertEquals(200, get("/datasets/whoami", "Bearer " + token).getResponseCode());
    }

    @Test
    void anExpiredTokenIsRefused() throws IOException {
        String token = handshake("alice", "alice-password");
        assertEquals(200, get("/datasets/whoami", "Bearer " + token).getResponseCode());
        Instant before = CLOCK.now;
        CLOCK.now = before.plus(Duration.ofMinutes(11));
        try {
            JsonNode problem = problem(get("/datasets/whoami", "Bearer " + token), 401);
            assertTrue(problem.get("detail").asText().contains("expired"), problem.toString());
        } finally {
            CLOCK.now = before;
        }
    }

    @Test
    void aPluggedPasswordCheckDecidesForUsersNotInTheFile() throws IOException {
        String token = handshake("directory-user", "directory-password");
        try (InputStream in = get("/datasets/whoami", "Bearer " + token).getInputStream()) {
            assertTrue(new String(in.readAllBytes(), StandardCharsets.ISO_8859_1).contains("\"caller\":\"carol\""));
        }
    }

    @Test
    void anApiTokenOpensTheDatasets() throws IOException {
        try (ArrowHttpClient client = ArrowHttpClient.builder(server.uri("/"))
                        .bearerToken(API_TOKEN)
                        .build();
                BufferAllocator clientAllocator = new RootAllocator();
                DatasetStream stream = client.get("whoami", GetOptions.defaults(), clientAllocator)) {
            assertEquals("nightly-job", stream.metadata().get("caller").asText());
            while (stream.reader().loadNextBatch()) {
                assertEquals(5, stream.reader().getVectorSchemaRoot().getRowCount());
            }
        }
    }

    @Test
    void aProducerRefusesACallerItDoesNotServe() throws IOException {
        String token = handshake("bob", "bob-password");
        JsonNode problem = problem(get("/datasets/whoami", "Bearer " + token), 403);
        assertEquals("UNAUTHORIZED", problem.get("code").asText());
        assertEquals("bob may not read whoami", problem.get("detail").asText());
    }

    @Test
    void credentialsOverPlainHttpAreRefusedUnlessAllowed() throws IOException {
        byte[] key = new byte[32];
        try (TestServer strict = TestServer.start(new ResourceConfig()
                .register(ArrowHttpFeature.builder(allocator)
                        .dataset(ScriptedDataset.of("numbers", 1, 1))
                        .authentication(TokenAuthenticator.builder(key)
                                .apiTokens(Map.of("job", API_TOKEN))
                                .build())
                        .build()))) {
            HttpURLConnection connection =
                    (HttpURLConnection) strict.uri("/datasets/numbers").toURL().openConnection();
            connection.setRequestProperty("Authorization", "Bearer " + API_TOKEN);
            assertTrue(problem(connection, 401).get("detail").asText().contains("HTTPS"));
        }
    }
}

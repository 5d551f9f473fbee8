package io.arrowhttp.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.arrowhttp.app.AuthSettings;
import io.arrowhttp.app.ServerSettings;
import io.arrowhttp.client.ArrowHttpClient;
import io.arrowhttp.client.DatasetStream;
import io.arrowhttp.client.GetOptions;
import io.arrowhttp.protocol.ArrowHttpException;
import io.arrowhttp.protocol.ErrorCode;
import io.arrowhttp.server.auth.PasswordHash;
import io.arrowhttp.testing.TestPki;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Authentication in the standalone server: refused over plain HTTP, working end to end over HTTPS. */
class AuthenticationStartupTest {

    private static Path users;
    private static String key;

    @BeforeAll
    static void writeUsers() throws Exception {
        users = Files.createDirectories(Path.of("target", "auth-test")).resolve("users.properties");
        Files.writeString(users, "alice=" + PasswordHash.hash("alice-password".toCharArray()) + "\n");
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        key = Base64.getEncoder().encodeToString(bytes);
    }

    @Test
    void authenticationOverPlainHttpIsRefusedAtStartUp() {
        ServerSettings settings = ServerSettings.defaults().withAuth(new AuthSettings(users, List.of(), key, false));
        IllegalStateException refused =
                assertThrows(IllegalStateException.class, () -> StandaloneServer.start("127.0.0.1", 0, settings));
        assertTrue(refused.getMessage().contains("plain HTTP"), refused.getMessage());
        assertTrue(refused.getMessage().contains("arrowhttp.auth.allow-insecure-http"), refused.getMessage());
    }

    @Test
    void aTrustedProxyThatIsNotAnAddressIsRefusedAtStartUpNamingTheSetting() {
        ServerSettings settings = ServerSettings.defaults().withTrustedProxies(List.of("10.0.0.0/8", "proxy.local"));
        RuntimeException refused =
                assertThrows(RuntimeException.class, () -> StandaloneServer.start("127.0.0.1", 0, settings));
        StringBuilder messages = new StringBuilder();
        for (Throwable cause = refused; cause != null; cause = cause.getCause()) {
            messages.append(cause.getMessage()).append('\n');
        }
        assertTrue(messages.toString().contains("arrowhttp.trusted-proxies"), messages.toString());
        assertTrue(messages.toString().contains("proxy.local"), messages.toString());
    }

    @Test
    void aUserHandshakesOverHttpsAndReadsTheDataset() throws Exception {
        TestPki pki = TestPki.create(Path.of("target", "auth-test", "pki"));
        ServerSettings settings = ServerSettings.defaults().withAuth(new AuthSettings(users, List.of(), key, false));
        try (StandaloneServer server = StandaloneServer.start(
                        "127.0.0.1", 0, settings, TlsOptions.pem(pki.serverChainPem, pki.serverKeyPem));
                ArrowHttpClient alice = ArrowHttpClient.builder(server.baseUri())
                        .trustCertificates(pki.caPem)
                        .basicHandshake("alice", "alice-password".toCharArray())
                        .build();
                ArrowHttpClient anonymous = ArrowHttpClient.builder(server.baseUri())
                        .trustCertificates(pki.caPem)
                        .build();
                BufferAllocator allocator = new RootAllocator()) {
            long rows = 0;
            try (DatasetStream stream =
                    alice.get("tickers", GetOptions.defaults().parameter("rows", 5000), allocator)) {
                while (stream.reader().loadNextBatch()) {
                    rows += stream.reader().getVectorSchemaRoot().getRowCount();
                }
            }
            assertEquals(5000, rows);
            assertEquals(
                    ErrorCode.UNAUTHENTICATED,
                    assertThrows(ArrowHttpException.class, anonymous::listDatasets)
                            .code());
        }
    }
}

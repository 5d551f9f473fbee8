package io.arrowhttp.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.arrowhttp.app.AuthSettings;
import io.arrowhttp.app.ServerSettings;
import io.arrowhttp.client.ArrowHttpClient;
import io.arrowhttp.client.DatasetStream;
import io.arrowhttp.client.GetOptions;
import io.arrowhttp.testing.TestPki;
import io.arrowhttp.tls.TlsMaterial;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** HTTPS on the standalone server and in the Java client, with certificates made for this run. */
class TlsTest {

    private static TestPki pki;

    @BeforeAll
    static void makeCertificates() throws Exception {
        pki = TestPki.create(Path.of("target", "tls-test"));
    }

    private static long rows(ArrowHttpClient client) throws IOException {
        long rows = 0;
        try (BufferAllocator allocator = new RootAllocator();
                DatasetStream stream =
                        client.get("tickers", GetOptions.defaults().parameter("rows", 10_000), allocator)) {
            while (stream.reader().loadNextBatch()) {
                rows += stream.reader().getVectorSchemaRoot().getRowCount();
            }
        }
        return rows;
    }

    /** The connection fails: during the handshake, or (TLS 1.3 refusing a client) at its first write. */
    private static void assertHandshakeFails(ArrowHttpClient client) {
        assertThrows(IOException.class, () -> client.info("tickers"));
    }

    @Test
    void tls12OffersOnlyForwardSecretAeadSuites() throws Exception {
        try (StandaloneServer server = StandaloneServer.start(
                "127.0.0.1", 0, ServerSettings.defaults(), TlsOptions.pem(pki.serverChainPem, pki.serverKeyPem))) {
            SSLContext client = TlsMaterial.context(null, null, TlsMaterial.trustStoreFromPem(pki.caPem));
            for (String weak : List.of(
                    "TLS_RSA_WITH_AES_128_GCM_SHA256",
                    "TLS_RSA_WITH_AES_128_CBC_SHA",
                    "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256",
                    "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256",
                    "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA")) {
                assertThrows(SSLHandshakeException.class, () -> handshake(client, server.port(), weak), weak);
            }
            // The test certificates are EC keys, so ECDSA suites.
            assertEquals(
                    "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
                    handshake(client, server.port(), "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"));
        }
    }

    /** A TLS 1.2 handshake offering only {@code suite}; returns the suite agreed. */
    private static String handshake(SSLContext context, int port, String suite) throws IOException {
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.setEnabledProtocols(new String[] {"TLSv1.2"});
            socket.setEnabledCipherSuites(new String[] {suite});
            socket.startHandshake();
            return socket.getSession().getCipherSuite();
        }
    }

    @Test
    void theFetchCommandTrustsAPrivateCaAndSendsAToken() throws Exception {
        String token = "reader-token-0123456789abcdef-0123456789";
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        ServerSettings settings = ServerSettings.defaults()
                .withAuth(new AuthSettings(
                        null, List.of("reader=" + token), Base64.getEncoder().encodeToString(key), false));
        try (StandaloneServer server = StandaloneServer.start(
                "127.0.0.1", 0, settings, TlsOptions.pem(pki.serverChainPem, pki.serverKeyPem))) {
            String url = server.baseUri().resolve("datasets/tickers?rows=1000").toString();
            String ca = pki.caPem.toString();
            Fetched trusted = fetch("--no-progress", "--trust", ca, "--token", token, url);
            assertEquals(0, trusted.exitCode(), trusted.output());
            assertTrue(trusted.output().contains("Parsed 1000 records"), trusted.output());

            Fetched untrusted = fetch("--no-progress", "--token", token, url);
            assertEquals(1, untrusted.exitCode());
            assertTrue(untrusted.errors().contains("the TLS handshake failed"), untrusted.errors());
            assertTrue(untrusted.errors().contains("--trust"), untrusted.errors());

            Fetched anonymous = fetch("--no-progress", "--trust", ca, url);
            assertEquals(1, anonymous.exitCode());
            // The server of this JVM logs to standard error too: the command's own line is one of them.
            assertTrue(
                    anonymous.errors().lines().anyMatch(line -> line.startsWith("fetch failed: UNAUTHENTICATED")),
                    anonymous.errors());
        }
    }

    private record Fetched(int exitCode, String output, String errors) {}

    /** The fetch command in this JVM, its standard error caught too. */
    private static Fetched fetch(String... arguments) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        PrintStream originalErrors = System.err;
        System.setErr(new PrintStream(errors, true, StandardCharsets.UTF_8));
        try {
            int exitCode = new CommandLine(new FetchCommand(new PrintStream(out, true, StandardCharsets.UTF_8)))
                    .execute(arguments);
            return new Fetched(exitCode, out.toString(StandardCharsets.UTF_8), errors.toString(StandardCharsets.UTF_8));
        } finally {
            System.setErr(originalErrors);
        }
    }

    @Test
    void servesHttpsFromAPemCertificateAndKey() throws Exception {
        try (StandaloneServer server = StandaloneServer.start(
                        "127.0.0.1",
                        0,
                        ServerSettings.defaults(),
                        TlsOptions.pem(pki.serverChainPem, pki.serverKeyPem));
                ArrowHttpClient client = ArrowHttpClient.builder(server.baseUri())
                        .trustCertificates(pki.caPem)
                        .build()) {
            assertEquals("https", server.baseUri().getScheme());
            assertEquals(10_000, rows(client));
            URI location = client.info("tickers").endpoints().get(0).locations().get(0);
            assertEquals("https", location.getScheme(), "the catalog's locations keep the scheme");
        }
    }

    @Test
    void servesHttpsFromAPkcs12Keystore() throws Exception {
        try (StandaloneServer server = StandaloneServer.start(
                        "127.0.0.1",
                        0,
                        ServerSettings.defaults(),
                        TlsOptions.pkcs12(pki.serverKeystore, TestPki.PASSWORD));
                ArrowHttpClient client = ArrowHttpClient.builder(server.baseUri())
                        .trustCertificates(pki.caPem)
                        .build()) {
            assertEquals(10_000, rows(client));
        }
    }

    @Test
    void aClientThatDoesNotTrustTheCaIsRefused() throws Exception {
        try (StandaloneServer server = StandaloneServer.start(
                        "127.0.0.1",
                        0,
                        ServerSettings.defaults(),
                        TlsOptions.pem(pki.serverChainPem, pki.serverKeyPem));
                ArrowHttpClient client = ArrowHttpClient.builder(server.baseUri())
                        .trustCertificates(pki.otherCaPem)
                        .build()) {
            assertHandshakeFails(client);
        }
    }

    @Test
    void mutualTlsRefusesAClientWithoutACertificate() throws Exception {
        try (StandaloneServer server = StandaloneServer.start(
                        "127.0.0.1",
                        0,
                        ServerSettings.defaults(),
                        TlsOptions.pem(pki.serverChainPem, pki.serverKeyPem).requireClientCertificates(pki.caPem));
                ArrowHttpClient anonymous = ArrowHttpClient.builder(server.baseUri())
                        .trustCertificates(pki.caPem)
                        .build();
                ArrowHttpClient withPem = ArrowHttpClient.builder(server.baseUri())
                        .trustCertificates(pki.caPem)
                        .clientCertificate(pki.clientChainPem, pki.clientKeyPem)
                        .build();
                ArrowHttpClient withKeystore = ArrowHttpClient.builder(server.baseUri())
                        .trustCertificates(pki.caPem)
                        .clientKeyStore(pki.clientKeystore, TestPki.PASSWORD)
                        .build()) {
            assertHandshakeFails(anonymous);
            assertEquals(10_000, rows(withPem));
            assertEquals(10_000, rows(withKeystore));
        }
    }
}

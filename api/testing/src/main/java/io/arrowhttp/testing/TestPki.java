package io.arrowhttp.testing;

import io.arrowhttp.tls.TlsMaterial;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throwaway certificate authority for tests, made with the JDK's keytool when a test runs: a CA,
 * a server certificate for 127.0.0.1, a client certificate, and an unrelated CA. Nothing is
 * committed; every file lives in the folder given.
 */
public final class TestPki {

    public static final char[] PASSWORD = "test-only-password".toCharArray();

    public final Path caPem;
    public final Path otherCaPem;
    public final Path serverKeystore;
    public final Path serverChainPem;
    public final Path serverKeyPem;
    public final Path clientKeystore;
    public final Path clientChainPem;
    public final Path clientKeyPem;

    private final Path folder;

    private TestPki(Path folder) {
        this.folder = folder;
        this.caPem = folder.resolve("ca.pem");
        this.otherCaPem = folder.resolve("other-ca.pem");
        this.serverKeystore = folder.resolve("server.p12");
        this.serverChainPem = folder.resolve("server-chain.pem");
        this.serverKeyPem = folder.resolve("server-key.pem");
        this.clientKeystore = folder.resolve("client.p12");
        this.clientChainPem = folder.resolve("client-chain.pem");
        this.clientKeyPem = folder.resolve("client-key.pem");
    }

    public static TestPki create(Path relativeOrAbsolute) throws IOException, InterruptedException {
        Path folder = relativeOrAbsolute.toAbsolutePath();
        Files.createDirectories(folder);
        try (var old = Files.list(folder)) {
            for (Path file : (Iterable<Path>) old::iterator) {
                Files.delete(file);
            }
        }
        TestPki pki = new TestPki(folder);
        pki.make();
        return pki;
    }

    private void make() throws IOException, InterruptedException {
        authority("ca", caPem);
        authority("other-ca", otherCaPem);
        issued(
                "server",
                "CN=127.0.0.1",
                "SAN=ip:127.0.0.1,dns:localhost",
                "EKU=serverAuth",
                serverKeystore,
                serverChainPem,
                serverKeyPem);
        issued(
                "client",
                "CN=arrowhttp-test-client",
                null,
                "EKU=clientAuth",
                clientKeystore,
                clientChainPem,
                clientKeyPem);
    }

    private void authority(String alias, Path pem) throws IOException, InterruptedException {
        Path store = folder.resolve(alias + ".p12");
        keytool(
                "-genkeypair",
                "-alias",
                alias,
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=arrowhttp test " + alias,
                "-ext",
                "bc:c",
                "-validity",
                "2",
                "-keystore",
                store.toString(),
                "-storetype",
                "PKCS12");
        keytool("-exportcert", "-rfc", "-alias", alias, "-keystore", store.toString(), "-file", pem.toString());
    }

    private void issued(String alias, String dname, String san, String eku, Path store, Path chainPem, Path keyPem)
            throws IOException, InterruptedException {
        Path request = folder.resolve(alias + ".csr");
        Path certificate = folder.resolve(alias + ".crt");
        keytool(
                "-genkeypair",
                "-alias",
                alias,
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                dname,
                "-validity",
                "2",
                "-keystore",
                store.toString(),
                "-storetype",
                "PKCS12");
        keytool("-certreq", "-alias", alias, "-keystore", store.toString(), "-file", request.toString());
        List<String> sign = new ArrayList<>(List.of(
                "-gencert",
                "-alias",
                "ca",
                "-keystore",
                folder.resolve("ca.p12").toString(),
                "-infile",
                request.toString(),
                "-outfile",
                certificate.toString(),
                "-rfc",
                "-validity",
                "2",
                "-ext",
                eku));
        if (san != null) {
            sign.addAll(List.of("-ext", san));
        }
        keytool(sign.toArray(String[]::new));
        keytool("-importcert", "-alias", "ca", "-keystore", store.toString(), "-file", caPem.toString(), "-noprompt");
        keytool("-importcert", "-alias", alias, "-keystore", store.toString(), "-file", certificate.toString());
        Files.writeString(chainPem, Files.readString(certificate) + Files.readString(caPem));
        try (InputStream in = Files.newInputStream(store)) {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(in, PASSWORD);
            Key key = keys.getKey(alias, PASSWORD);
            Files.writeString(keyPem, TlsMaterial.pem("PRIVATE KEY", key.getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new IOException(e);
        }
    }

    private void keytool(String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(arguments));
        command.addAll(List.of("-storepass", new String(PASSWORD)));
        Path log = folder.resolve("keytool.log");
        Process process = new ProcessBuilder(command)
                .directory(folder.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IOException("keytool failed: " + command + "\n" + Files.readString(log));
        }
    }
}

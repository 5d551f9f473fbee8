package io.arrowhttp.standalone;

import io.arrowhttp.tls.TlsMaterial;
import java.nio.file.Path;
import java.security.KeyStore;
import javax.net.ssl.SSLContext;

/**
 * What the standalone server needs to serve HTTPS: its key and certificate chain, as PEM files
 * (the key PKCS#8) or a PKCS12 keystore, and optionally the CA whose certificates clients must
 * present (mutual TLS).
 */
public record TlsOptions(KeyStore keys, char[] keysPassword, KeyStore clientCas) {

    /** From a PEM certificate chain and a PEM private key. */
    public static TlsOptions pem(Path certificateChain, Path privateKey) {
        return new TlsOptions(TlsMaterial.keyStoreFromPem(certificateChain, privateKey), null, null);
    }

    /** From a PKCS12 keystore holding the key and its chain. */
    public static TlsOptions pkcs12(Path keystore, char[] password) {
        return new TlsOptions(TlsMaterial.keyStore(keystore, password), password, null);
    }

    /** Also requires clients to present a certificate signed by a CA in this PEM file. */
    public TlsOptions requireClientCertificates(Path caPem) {
        return new TlsOptions(keys, keysPassword, TlsMaterial.trustStoreFromPem(caPem));
    }

    public boolean mutual() {
        return clientCas != null;
    }

    SSLContext context() {
        return TlsMaterial.context(keys, keysPassword, clientCas);
    }
}

package io.arrowhttp.tls;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SSLContext;

/**
 * The TLS versions and cipher suites arrowhttp offers: TLS 1.3, and TLS 1.2 with forward-secret
 * AEAD suites only (ECDHE with AES-GCM or ChaCha20-Poly1305). Static-RSA key exchange and CBC
 * suites, which the JDK still enables for TLS 1.2, are left out.
 */
public final class TlsPolicy {

    /** The protocol versions offered. */
    public static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    private static final List<String> PREFERRED_SUITES = List.of(
            "TLS_AES_128_GCM_SHA256",
            "TLS_AES_256_GCM_SHA384",
            "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

    private TlsPolicy() {}

    /** The suites of the policy that {@code context} supports, in order of preference. */
    public static String[] cipherSuites(SSLContext context) {
        Set<String> supported =
                Set.copyOf(Arrays.asList(context.getSupportedSSLParameters().getCipherSuites()));
        String[] suites = PREFERRED_SUITES.stream().filter(supported::contains).toArray(String[]::new);
        if (suites.length == 0) {
            throw new IllegalStateException(
                    "This JVM supports none of the TLS suites arrowhttp offers: " + PREFERRED_SUITES);
        }
        return suites;
    }

    /** {@link #PROTOCOLS} as an array, for the JDK's APIs. */
    public static String[] protocols() {
        return PROTOCOLS.toArray(String[]::new);
    }
}

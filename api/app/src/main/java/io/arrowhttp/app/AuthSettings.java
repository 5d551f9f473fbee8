package io.arrowhttp.app;

import io.arrowhttp.server.auth.TokenAuthenticator;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authentication settings, off unless a user file or API tokens are given:
 * {@code arrowhttp.auth.users} (a file of {@code name=hash} lines, see {@code hash-password}),
 * {@code arrowhttp.auth.api-tokens} ({@code identity=token,...}), {@code arrowhttp.auth.token-key}
 * (base64 of at least 32 bytes, the same on every instance that must accept the same tokens; a
 * random one per process if absent) and {@code arrowhttp.auth.allow-insecure-http}.
 */
public record AuthSettings(Path usersFile, List<String> apiTokens, String tokenKey, boolean allowInsecureHttp) {

    public static final AuthSettings OFF = new AuthSettings(null, List.of(), null, false);

    private static final Logger LOG = LoggerFactory.getLogger(AuthSettings.class);

    public AuthSettings {
        apiTokens = List.copyOf(apiTokens);
    }

    public boolean enabled() {
        return usersFile != null || !apiTokens.isEmpty();
    }

    /** The authentication these settings describe. */
    public TokenAuthenticator authenticator() {
        byte[] key;
        if (tokenKey == null || tokenKey.isBlank()) {
            key = new byte[32];
            new SecureRandom().nextBytes(key);
            LOG.warn("arrowhttp.auth.token-key is not set: tokens are signed with a key of this process only, and "
                    + "other instances or a restart will not accept them");
        } else {
            try {
                key = Base64.getDecoder().decode(tokenKey.trim());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        "Setting arrowhttp.auth.token-key must be base64, such as the output of "
                                + "'head -c 32 /dev/urandom | base64'");
            }
        }
        TokenAuthenticator.Builder builder = TokenAuthenticator.builder(key);
        if (usersFile != null) {
            builder.users(TokenAuthenticator.loadUsers(usersFile));
        }
        Map<String, String> tokens = new LinkedHashMap<>();
        for (String entry : apiTokens) {
            int equals = entry.indexOf('=');
            if (equals <= 0) {
                // The entry may be a token: say which one it is, never what it says.
                throw new IllegalArgumentException("Setting arrowhttp.auth.api-tokens takes identity=token pairs;"
                        + " entry " + (apiTokens.indexOf(entry) + 1) + " has no '='");
            }
            tokens.put(
                    entry.substring(0, equals).trim(),
                    entry.substring(equals + 1).trim());
        }
        builder.apiTokens(tokens);
        if (allowInsecureHttp) {
            builder.allowInsecureHttp();
        }
        return builder.build();
    }
}

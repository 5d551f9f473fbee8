package io.arrowhttp.server.auth;

import io.arrowhttp.call.RequestHeaders;
import io.arrowhttp.protocol.ArrowHttpException;
import io.arrowhttp.protocol.ClientText;
import io.arrowhttp.protocol.ErrorCode;
import io.arrowhttp.protocol.HandshakeResponse;
import io.arrowhttp.protocol.ProtocolJson;
import io.arrowhttp.protocol.ResourcePaths;
import jakarta.ws.rs.core.HttpHeaders;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The {@link Authenticator} that ships with arrowhttp, like Arrow Flight's handshake: a client
 * proves who it is once, with HTTP Basic at {@code POST /auth/handshake}, and gets a bearer token
 * it sends on every later call. Tokens are signed with a key of the deployment (HMAC-SHA256), so
 * any instance with the same key accepts them, and they expire. Machine clients can use static API
 * tokens instead.
 *
 * <p>Passwords are checked against PBKDF2 hashes ({@link PasswordHash}) from a user file, or by a
 * {@link PasswordCheck} of the application (a directory, a database). Tokens are
 * {@code v1.<claims>.<signature>}: base64url JSON claims ({@code sub}, {@code iat}, {@code exp})
 * and their HMAC. Insecure without TLS, as Flight warns: credentials and tokens travel in clear.
 */
public final class TokenAuthenticator implements Authenticator {

    private static final Base64.Encoder URL = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder URL_DECODER = Base64.getUrlDecoder();
    private static final String VERSION = "v1";
    private static final String BEARER = "Bearer ";
    private static final Pattern USER_NAME = Pattern.compile("[A-Za-z0-9._@-]{1,64}");

    /**
     * Checks a user's password some other way than the built-in user file (a directory, a
     * database): returns the identity the caller is, or empty. Must take as long for unknown users.
     * With one, tokens are accepted for any identity they were issued to, since the check cannot
     * be asked whether a user still exists: keep the token lifetime short, or rotate the key.
     */
    @FunctionalInterface
    public interface PasswordCheck {
        Optional<String> check(String user, char[] password);
    }

    private final SecretKeySpec key;
    private final Map<String, String> users;
    private final PasswordCheck passwordCheck;
    private final Map<String, byte[]> apiTokenDigests;
    private final Duration tokenLifetime;
    private final boolean allowInsecureHttp;
    private final Clock clock;
    private final String decoy = PasswordHash.decoy();

    private TokenAuthenticator(Builder builder) {
        this.key = new SecretKeySpec(builder.tokenKey, "HmacSHA256");
        this.users = Map.copyOf(builder.users);
        this.passwordCheck = builder.passwordCheck;
        Map<String, byte[]> digests = new LinkedHashMap<>();
        builder.apiTokens.forEach((name, token) -> digests.put(name, sha256(token)));
        this.apiTokenDigests = Map.copyOf(digests);
        this.tokenLifetime = builder.tokenLifetime;
        this.allowInsecureHttp = builder.allowInsecureHttp;
        this.clock = builder.clock;
    }

    /**
     * @param tokenKey the key that signs tokens, at least 32 random bytes; the same on every
     *     instance that must accept the same tokens
     */
    public static Builder builder(byte[] tokenKey) {
        return new Builder(tokenKey);
    }

    /**
     * Users from a properties file of {@code name=pbkdf2-sha256$...} lines, as written by
     * {@code java -jar arrowhttp-server.jar hash-password}.
     */
    public static Map<String, String> loadUsers(Path file) {
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            properties.load(in);
        } catch (IOException e) {
            throw new IllegalArgumentException("Cannot read the user file " + file + ": " + e.getMessage(), e);
        }
        Map<String, String> users = new LinkedHashMap<>();
        properties
                .stringPropertyNames()
                .forEach(name -> users.put(name, properties.getProperty(name).trim()));
        return users;
    }

    @Override
    public boolean allowsInsecureHttp() {
        return allowInsecureHttp;
    }

    @Override
    public String authenticate(RequestHeaders headers) {
        String header = headers.first(HttpHeaders.AUTHORIZATION).orElse("");
        if (!header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            throw unauthenticated("This server needs a bearer token: get one from POST /" + ResourcePaths.HANDSHAKE
                    + " with HTTP Basic credentials");
        }
        return verify(header.substring(BEARER.length()).trim());
    }

    @Override
    public Optional<HandshakeResponse> handshake(String user, char[] password) {
        return checkPassword(user, password).map(identity -> {
            Instant now = clock.instant();
            return HandshakeResponse.bearer(issueToken(identity, now), now.plus(tokenLifetime));
        });
    }

    public Duration tokenLifetime() {
        return tokenLifetime;
    }

    /** The user whose Basic credentials these are, or empty. Takes as long for unknown users. */
    public Optional<String> checkPassword(String user, char[] password) {
        if (passwordCheck != null && !users.containsKey(user)) {
            return passwordCheck.check(user, password);
        }
        String stored = users.get(user);
        boolean matches = PasswordHash.matches(password, stored == null ? decoy : stored);
        return stored != null && matches ? Optional.of(user) : Optional.empty();
    }

    /** A new token for {@code user}, valid for the token lifetime. */
    public String issueToken(String user) {
        return issueToken(user, clock.instant());
    }

    private String issueToken(String user, Instant now) {
        Claims claims =
                new Claims(user, now.getEpochSecond(), now.plus(tokenLifetime).getEpochSecond());
        String signed = VERSION + "." + URL.encodeToString(ProtocolJson.toBytes(claims));
        return signed + "." + URL.encodeToString(sign(signed));
    }

    /** What a token says: who, issued when, valid until when (seconds since the epoch). */
    record Claims(String sub, long iat, long exp) {}

    /**
     * The identity a bearer token stands for.
     *
     * @throws ArrowHttpException {@code UNAUTHENTICATED} saying why (malformed, bad signature,
     *     expired), never echoing the token
     */
    public String verify(String token) {
        Optional<String> apiUser = apiTokenUser(token);
        if (apiUser.isPresent()) {
            return apiUser.get();
        }
        // A limit of -1 keeps trailing empty pieces: "v1.a.b." is malformed, not "v1.a.b".
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3 || !parts[0].equals(VERSION)) {
            throw unauthenticated("The bearer token is malformed");
        }
        Claims claims;
        try {
            byte[] signature = URL_DECODER.decode(parts[2]);
            // One spelling per token: base64url without padding, and the unused bits of the last
            // character zero, as this server writes it. Decoders accept other spellings of the
            // same bytes, which would make one token many.
            if (!URL.encodeToString(signature).equals(parts[2])
                    || !URL.encodeToString(URL_DECODER.decode(parts[1])).equals(parts[1])) {
                throw unauthenticated("The bearer token is malformed");
            }
            if (!MessageDigest.isEqual(signature, sign(parts[0] + "." + parts[1]))) {
                throw unauthenticated("The bearer token's signature is not valid");
            }
            claims = ProtocolJson.mapper().readValue(URL_DECODER.decode(parts[1]), Claims.class);
        } catch (IllegalArgumentException | IOException e) {
            throw unauthenticated("The bearer token is malformed");
        }
        if (claims.sub() == null || clock.instant().getEpochSecond() >= claims.exp()) {
            throw unauthenticated("The bearer token has expired; get a new one from POST /" + ResourcePaths.HANDSHAKE);
        }
        // A token outlives a restart with the same key: a user removed from the users file since
        // must not keep getting in. Users of a PasswordCheck cannot be looked up; see its Javadoc.
        if (passwordCheck == null && !users.containsKey(claims.sub())) {
            throw unauthenticated(
                    "The bearer token's user is no longer known; log in again at POST /" + ResourcePaths.HANDSHAKE);
        }
        return claims.sub();
    }

    /**
     * Refuses user names that cannot be written safely to a users file or read back the same:
     * names are 1 to 64 letters, digits, {@code .}, {@code _}, {@code @} and {@code -}.
     *
     * @throws IllegalArgumentException saying what a name may contain
     */
    public static void checkUserName(String user) {
        if (user == null || !USER_NAME.matcher(user).matches()) {
            throw new IllegalArgumentException(
                    "A user name is 1 to 64 letters, digits, '.', '_', '@' and '-'; got " + ClientText.quote(user));
        }
    }

    private Optional<String> apiTokenUser(String token) {
        byte[] digest = sha256(token);
        String found = null;
        for (Map.Entry<String, byte[]> entry : apiTokenDigests.entrySet()) {
            if (MessageDigest.isEqual(entry.getValue(), digest)) {
                found = entry.getKey();
            }
        }
        return Optional.ofNullable(found);
    }

    private byte[] sign(String text) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac.doFinal(text.getBytes(StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static ArrowHttpException unauthenticated(String message) {
        return new ArrowHttpException(ErrorCode.UNAUTHENTICATED, message);
    }

    /** The key, users and tokens; {@link #build()} checks them. */
    public static final class Builder {
        private final byte[] tokenKey;
        private final Map<String, String> users = new LinkedHashMap<>();
        private final Map<String, String> apiTokens = new LinkedHashMap<>();
        private PasswordCheck passwordCheck;
        private Duration tokenLifetime = Duration.ofHours(1);
        private boolean allowInsecureHttp;
        private Clock clock = Clock.systemUTC();

        private Builder(byte[] tokenKey) {
            Objects.requireNonNull(tokenKey, "tokenKey");
            if (tokenKey.length < 32) {
                throw new IllegalArgumentException("The token key must be at least 32 random bytes, got "
                        + tokenKey.length + "; make one with: head -c 32 /dev/urandom | base64");
            }
            this.tokenKey = tokenKey.clone();
        }

        /** Users and their password hashes ({@link PasswordHash}). */
        public Builder users(Map<String, String> hashesByUser) {
            hashesByUser.forEach((user, hash) -> {
                checkUserName(user);
                PasswordHash.checkFormat(hash);
                users.put(user, hash);
            });
            return this;
        }

        /** Checks the passwords of users not in {@link #users} with {@code check}. */
        public Builder passwordCheck(PasswordCheck check) {
            this.passwordCheck = Objects.requireNonNull(check, "check");
            return this;
        }

        /** Static tokens for machine clients, by the identity they stand for. At least 32 characters each. */
        public Builder apiTokens(Map<String, String> tokensByIdentity) {
            tokensByIdentity.forEach((identity, token) -> {
                if (token.length() < 32) {
                    throw new IllegalArgumentException(
                            "The API token of '" + identity + "' is shorter than 32 characters");
                }
                apiTokens.put(identity, token);
            });
            return this;
        }

        /** How long a token from the handshake is valid. One hour by default. */
        public Builder tokenLifetime(Duration lifetime) {
            if (lifetime.isNegative() || lifetime.isZero()) {
                throw new IllegalArgumentException("tokenLifetime must be positive, got " + lifetime);
            }
            this.tokenLifetime = lifetime;
            return this;
        }

        /** Accepts credentials over plain HTTP, where anyone on the path can read them. For local tests only. */
        public Builder allowInsecureHttp() {
            this.allowInsecureHttp = true;
            return this;
        }

        /** The clock tokens are issued and checked against; the system's by default. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        public TokenAuthenticator build() {
            if (users.isEmpty() && apiTokens.isEmpty() && passwordCheck == null) {
                throw new IllegalStateException("Authentication needs users or API tokens, or nobody could get in");
            }
            return new TokenAuthenticator(this);
        }
    }
}

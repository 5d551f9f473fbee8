package io.arrowhttp.server;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.arrowhttp.server.auth.PasswordHash;
import io.arrowhttp.server.auth.TokenAuthenticator;
import io.arrowhttp.testing.RawHttp;
import io.arrowhttp.testing.ScriptedDataset;
import io.arrowhttp.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Behind a trusted proxy (here 127.0.0.1, with the client's address in {@code X-Forwarded-For}),
 * guessing a user's password from rotating addresses is throttled, while the real user keeps
 * signing in, and other users behind the attacker's address are not locked out.
 */
class HandshakeThrottlingTest {

    private static final String USER_ADDRESS = "198.51.100.10";

    private TestServer server;

    @BeforeEach
    void start() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        server = TestServer.withFeature(feature -> feature.dataset(ScriptedDataset.of("small", 2, 10))
                .authentication(TokenAuthenticator.builder(key)
                        .users(Map.of(
                                "alice", PasswordHash.hash("alice-password".toCharArray()),
                                "bob", PasswordHash.hash("bob-password".toCharArray())))
                        .allowInsecureHttp()
                        .build())
                .trustedProxies(List.of("127.0.0.1")));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void theRealUserKeepsSigningInWhileTwoThreadsGuessFromRotatingAddresses() throws Exception {
        assertTrue(status(handshake("alice", "alice-password", USER_ADDRESS)) == 200, "signed in before the attack");
        AtomicBoolean attacking = new AtomicBoolean(true);
        AtomicInteger address = new AtomicInteger();
        Map<Integer, AtomicInteger> attackerStatuses = new ConcurrentHashMap<>();
        ExecutorService attackers = Executors.newFixedThreadPool(2);
        List<Future<?>> running = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
            running.add(attackers.submit(() -> {
                for (int i = 0; i < 150 && attacking.get(); i++) {
                    int n = address.incrementAndGet();
                    String from = "203.0." + (n / 250) + "." + (n % 250 + 1);
                    int status = status(handshake("alice", "guess-" + n, from));
                    attackerStatuses
                            .computeIfAbsent(status, s -> new AtomicInteger())
                            .incrementAndGet();
                    Thread.sleep(20);
                }
                return null;
            }));
        }
        Map<Integer, Integer> userStatuses = new HashMap<>();
        int attempts = 20;
        try {
            for (int i = 0; i < attempts; i++) {
                userStatuses.merge(status(handshake("alice", "alice-password", USER_ADDRESS)), 1, Integer::sum);
                Thread.sleep(250);
            }
        } finally {
            attacking.set(false);
            for (Future<?> attacker : running) {
                attacker.get(60, TimeUnit.SECONDS);
            }
            attackers.shutdownNow();
        }
        int succeeded = userStatuses.getOrDefault(200, 0);
        int guesses =
                attackerStatuses.values().stream().mapToInt(AtomicInteger::get).sum();
        int throttled = attackerStatuses.getOrDefault(429, new AtomicInteger()).get();
        String figures = "real user " + userStatuses + ", attacker " + attackerStatuses;
        System.out.println("Handshake throttling during an attack: " + figures);
        assertTrue(succeeded * 100 >= attempts * 95, figures);
        assertTrue(throttled * 2 > guesses, figures);
        assertTrue(attackerStatuses.getOrDefault(200, new AtomicInteger()).get() == 0, figures);
    }

    @Test
    void anotherUserBehindTheAttackersAddressIsNotLockedOut() throws Exception {
        // No X-Forwarded-For: every request comes from the proxy itself, as with one shared address.
        for (int i = 0; i < 10; i++) {
            assertTrue(status(handshake("alice", "guess-" + i, null)) == 401);
        }
        assertTrue(status(handshake("alice", "alice-password", null)) == 429, "the guessing pair is refused");
        assertTrue(status(handshake("bob", "bob-password", null)) == 200, "bob at the same address signs in");
        assertTrue(status(handshake("alice", "alice-password", USER_ADDRESS)) == 200, "alice elsewhere signs in");
    }

    private RawHttp.Exchange handshake(String user, String password, String forwardedFor) throws Exception {
        String basic = Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        Map<String, String> headers = new HashMap<>();
        headers.put("Authorization", "Basic " + basic);
        if (forwardedFor != null) {
            headers.put("X-Forwarded-For", forwardedFor);
        }
        return RawHttp.send(server.port(), "POST", "/auth/handshake", "1.1", headers);
    }

    private static int status(RawHttp.Exchange exchange) {
        return Integer.parseInt(exchange.statusLine().split(" ")[1]);
    }
}

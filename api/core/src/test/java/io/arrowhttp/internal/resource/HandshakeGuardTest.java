package io.arrowhttp.internal.resource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.arrowhttp.protocol.ArrowHttpException;
import io.arrowhttp.protocol.ErrorCode;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class HandshakeGuardTest {

    private final AtomicInteger checks = new AtomicInteger();

    @Test
    void aUserWithTenFailuresFromOneAddressIsRefusedThereWithoutCheckingAPassword() {
        HandshakeGuard guard = new HandshakeGuard();
        for (int i = 0; i < HandshakeGuard.PAIR_LIMIT; i++) {
            assertEquals(false, attempt(guard, "127.0.0.2", "alice", false));
        }
        int before = checks.get();
        ArrowHttpException refused =
                assertThrows(ArrowHttpException.class, () -> attempt(guard, "127.0.0.2", "alice", true));
        assertEquals(ErrorCode.RESOURCE_EXHAUSTED, refused.code());
        assertTrue(refused.retryAfter().orElseThrow().toSeconds() > 0);
        assertEquals(before, checks.get(), "no password was checked");
        assertEquals(true, attempt(guard, "127.0.0.3", "alice", true), "the user at another address may still try");
        assertEquals(true, attempt(guard, "127.0.0.2", "bob", true), "another user at that address may still try");
    }

    @Test
    void aUserUnderAttackFromRotatingAddressesStillSignsInFromAKnownAddress() {
        HandshakeGuard guard = new HandshakeGuard();
        assertEquals(true, attempt(guard, "10.0.0.1", "alice", true));
        for (int i = 0; i < HandshakeGuard.USER_BUDGET; i++) {
            attempt(guard, "127.0.1." + i, "alice", false);
        }
        int refused = 0;
        for (int i = 0; i < 20; i++) {
            try {
                attempt(guard, "127.0.2." + i, "alice", false);
            } catch (ArrowHttpException e) {
                assertEquals(ErrorCode.RESOURCE_EXHAUSTED, e.code());
                assertTrue(e.retryAfter().orElseThrow().compareTo(Duration.ofSeconds(HandshakeGuard.TRICKLE_SECONDS))
                        <= 0);
                refused++;
            }
            assertEquals(true, attempt(guard, "10.0.0.1", "alice", true), "the known address is never refused");
        }
        assertTrue(refused >= 19, "new addresses get a trickle of checks, got " + (20 - refused));
        assertEquals(true, attempt(guard, "127.0.2.1", "bob", true), "other users are not affected");
    }

    @Test
    void aSuccessForgetsThePairsFailures() {
        HandshakeGuard guard = new HandshakeGuard();
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < HandshakeGuard.PAIR_LIMIT - 1; i++) {
                attempt(guard, "127.0.0.4", "alice", false);
            }
            assertEquals(true, attempt(guard, "127.0.0.4", "alice", true));
        }
    }

    @Test
    void anAddressGuessingManyNamesStillLetsItsKnownUsersIn() {
        HandshakeGuard guard = new HandshakeGuard();
        assertEquals(true, attempt(guard, "127.0.0.7", "bob", true));
        for (int i = 0; i < HandshakeGuard.ADDRESS_BUDGET; i++) {
            attempt(guard, "127.0.0.7", "user" + i, false);
        }
        attempt(guard, "127.0.0.7", "carol", false); // the address's one check for this interval
        assertThrows(ArrowHttpException.class, () -> attempt(guard, "127.0.0.7", "dave", true));
        assertEquals(true, attempt(guard, "127.0.0.7", "bob", true));
    }

    @Test
    void checksBeyondTheBoundWaitThenAreRefusedAsBusy() throws Exception {
        HandshakeGuard guard = new HandshakeGuard(1, Duration.ofMillis(200));
        CountDownLatch inCheck = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try {
            Future<Boolean> slow = executor.submit(() -> guard.guard(
                    "127.0.0.5",
                    "alice",
                    () -> {
                        inCheck.countDown();
                        try {
                            return release.await(10, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            return false;
                        }
                    },
                    ok -> ok));
            assertTrue(inCheck.await(10, TimeUnit.SECONDS));
            ArrowHttpException busy =
                    assertThrows(ArrowHttpException.class, () -> attempt(guard, "127.0.0.6", "bob", true));
            assertEquals(ErrorCode.UNAVAILABLE, busy.code());
            assertTrue(busy.retryAfter().isPresent());
            release.countDown();
            assertEquals(true, slow.get(10, TimeUnit.SECONDS));
        } finally {
            executor.shutdownNow();
        }
    }

    private boolean attempt(HandshakeGuard guard, String address, String user, boolean right) {
        return guard.guard(
                address,
                user,
                () -> {
                    checks.incrementAndGet();
                    return right;
                },
                ok -> ok);
    }
}

package io.arrowhttp.internal.resource;

import io.arrowhttp.protocol.ArrowHttpException;
import io.arrowhttp.protocol.ClientText;
import io.arrowhttp.protocol.ErrorCode;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the password handshake from being a lever on the server's CPU or a guessing machine.
 * Checking a password costs about 0.3 s of CPU by design (PBKDF2), so:
 *
 * <ul>
 *   <li>at most half the cores check passwords at once; a handshake that cannot start a check
 *       within a few seconds is refused with {@code 503} and {@code Retry-After}, so guessers
 *       queue instead of taking every core from the streams and {@code /status};
 *   <li>a client address with {@value #ADDRESS_LIMIT} failures in a minute, or a user name with
 *       {@value #USER_LIMIT} failures in 30 s, is refused with {@code 429} and
 *       {@code Retry-After} until its window ends, before any password is checked: a real user
 *       locked out by someone else's guesses waits 30 s at most;
 *   <li>each burst is logged once, when it reaches its limit; single failures at debug level.
 * </ul>
 */
public final class HandshakeGuard {

    static final int ADDRESS_LIMIT = 10;
    static final int USER_LIMIT = 20;
    private static final Duration ADDRESS_WINDOW = Duration.ofMinutes(1);
    private static final Duration USER_WINDOW = Duration.ofSeconds(30);
    private static final Duration BUSY_RETRY = Duration.ofSeconds(2);
    private static final Logger LOG = LoggerFactory.getLogger(HandshakeGuard.class);

    private final Semaphore checks;
    private final FailureWindows byAddress = new FailureWindows(ADDRESS_LIMIT, ADDRESS_WINDOW);
    private final FailureWindows byUser = new FailureWindows(USER_LIMIT, USER_WINDOW);

    private final Duration queueWait;

    public HandshakeGuard() {
        this(Math.max(1, Runtime.getRuntime().availableProcessors() / 2), Duration.ofSeconds(5));
    }

    HandshakeGuard(int concurrentChecks, Duration queueWait) {
        this.checks = new Semaphore(concurrentChecks, true);
        this.queueWait = queueWait;
    }

    /**
     * Runs {@code check} for {@code user} from {@code address} (null when unknown), if they may try.
     *
     * @param check the password check: true when the credentials are right
     * @throws ArrowHttpException {@code RESOURCE_EXHAUSTED} for an address or user name that
     *     failed too often lately, {@code UNAVAILABLE} when too many checks wait; both with a
     *     retry delay
     */
    public <T> T guard(String address, String user, Supplier<T> check, Predicate<T> succeeded) {
        long now = System.nanoTime();
        Duration blocked =
                max(address == null ? Duration.ZERO : byAddress.blockedFor(address, now), byUser.blockedFor(user, now));
        if (!blocked.isZero()) {
            throw new ArrowHttpException(
                    ErrorCode.RESOURCE_EXHAUSTED,
                    "Too many failed handshakes from this address or for this user; try again later",
                    blocked);
        }
        boolean acquired;
        try {
            acquired = checks.tryAcquire(queueWait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            acquired = false;
        }
        if (!acquired) {
            throw new ArrowHttpException(
                    ErrorCode.UNAVAILABLE, "Too many handshakes at once; try again shortly", BUSY_RETRY);
        }
        T result;
        try {
            result = check.get();
        } finally {
            checks.release();
        }
        if (succeeded.test(result)) {
            if (address != null) {
                byAddress.forget(address);
            }
            return result;
        }
        long after = System.nanoTime();
        if (address != null && byAddress.fail(address, after)) {
            LOG.warn(
                    "{} failed handshakes in {} s from address {}: refusing it for the rest of the window",
                    ADDRESS_LIMIT,
                    ADDRESS_WINDOW.toSeconds(),
                    ClientText.quote(address));
        }
        if (byUser.fail(user, after)) {
            LOG.warn(
                    "{} failed handshakes in {} s for user {}: refusing that name for the rest of the window",
                    USER_LIMIT,
                    USER_WINDOW.toSeconds(),
                    ClientText.quote(user));
        }
        LOG.debug("Failed handshake for user {} from {}", ClientText.quote(user), ClientText.quote(address));
        return result;
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}

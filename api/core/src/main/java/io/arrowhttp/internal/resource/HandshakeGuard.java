package io.arrowhttp.internal.resource;

import io.arrowhttp.protocol.ArrowHttpException;
import io.arrowhttp.protocol.ClientText;
import io.arrowhttp.protocol.ErrorCode;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the password handshake from being a lever on the server's CPU or a guessing machine,
 * without letting an attacker lock a real user out. Checking a password costs about 0.3 s of CPU
 * by design (PBKDF2), so:
 *
 * <ul>
 *   <li>at most half the cores check passwords at once; a handshake that cannot start a check
 *       within a few seconds is refused with {@code 503} and {@code Retry-After}, so guessers
 *       queue instead of taking every core from the streams and {@code /status};
 *   <li>a user name with {@value #PAIR_LIMIT} failures in a minute from one client address is
 *       refused from that address with {@code 429} and {@code Retry-After} until its window
 *       ends, before any password is checked. Counting per (user, address) keeps an attacker's
 *       guesses from locking out anyone else: not the attacked user at their own address, not
 *       other users behind the same proxy address;
 *   <li>a user name with {@value #USER_BUDGET} failures in a minute from all addresses together
 *       is under attack (guesses from rotating addresses): until the window ends it may still sign
 *       in from any address it signed in from in the last day, while other addresses get one
 *       password check every {@value #TRICKLE_SECONDS} s between them and {@code 429} otherwise.
 *       The real user keeps working, the attacker's guesses slow to a trickle, and a real user
 *       on a new address is delayed, never locked out;
 *   <li>likewise an address with {@value #ADDRESS_BUDGET} failures in a minute for any users
 *       (one address guessing many names): users who signed in from it lately still may;
 *   <li>each burst is logged once, when it reaches its limit; single failures at debug level.
 * </ul>
 */
public final class HandshakeGuard {

    static final int PAIR_LIMIT = 10;
    static final int USER_BUDGET = 20;
    static final int ADDRESS_BUDGET = 50;
    static final int TRICKLE_SECONDS = 5;
    private static final int KEY_LENGTH = 128;
    private static final Duration WINDOW = Duration.ofMinutes(1);
    private static final Duration TRICKLE = Duration.ofSeconds(TRICKLE_SECONDS);
    private static final Duration KNOWN_FOR = Duration.ofDays(1);
    private static final Duration BUSY_RETRY = Duration.ofSeconds(2);
    private static final Logger LOG = LoggerFactory.getLogger(HandshakeGuard.class);

    private final Semaphore checks;
    private final FailureWindows byPair = new FailureWindows(PAIR_LIMIT, WINDOW);
    private final FailureWindows byUser = new FailureWindows(USER_BUDGET, WINDOW);
    private final FailureWindows byAddress = new FailureWindows(ADDRESS_BUDGET, WINDOW);
    private final KnownPairs known = new KnownPairs(KNOWN_FOR);
    private final Trickle userTrickle = new Trickle(TRICKLE);
    private final Trickle addressTrickle = new Trickle(TRICKLE);

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
     * @throws ArrowHttpException {@code RESOURCE_EXHAUSTED} for a user name that failed too
     *     often lately from this address, or one under attack from an address it has not signed
     *     in from; {@code UNAVAILABLE} when too many checks wait; both with a retry delay
     */
    public <T> T guard(String address, String user, Supplier<T> check, Predicate<T> succeeded) {
        long now = System.nanoTime();
        String key = key(user);
        String from = address == null ? "" : key(address);
        String pair = pair(key, from);
        Duration blocked = byPair.blockedFor(pair, now);
        if (!blocked.isZero()) {
            throw new ArrowHttpException(
                    ErrorCode.RESOURCE_EXHAUSTED,
                    "Too many failed handshakes for this user from this address; check the user name and"
                            + " password, then try again after the delay",
                    blocked);
        }
        if (!known.contains(pair, now)) {
            Duration userAttacked = byUser.blockedFor(key, now);
            if (!userAttacked.isZero()) {
                Duration wait = userTrickle.take(key, now);
                if (!wait.isZero()) {
                    throw new ArrowHttpException(
                            ErrorCode.RESOURCE_EXHAUSTED,
                            "Many failed handshakes for this user from other addresses lately, so new addresses"
                                    + " are slowed down; try again after the delay, or sign in from an address"
                                    + " this user signed in from before",
                            wait);
                }
            }
            Duration addressAttacked = address == null ? Duration.ZERO : byAddress.blockedFor(from, now);
            if (!addressAttacked.isZero()) {
                Duration wait = addressTrickle.take(from, now);
                if (!wait.isZero()) {
                    throw new ArrowHttpException(
                            ErrorCode.RESOURCE_EXHAUSTED,
                            "Many failed handshakes from this address lately, so users who have not signed in"
                                    + " from it before are slowed down; try again after the delay",
                            wait);
                }
            }
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
        long after = System.nanoTime();
        if (succeeded.test(result)) {
            byPair.forget(pair);
            known.add(pair, after);
            return result;
        }
        if (byPair.fail(pair, after)) {
            LOG.warn(
                    "{} failed handshakes in {} s for user {} from address {}: refusing that user from that"
                            + " address for the rest of the window",
                    PAIR_LIMIT,
                    WINDOW.toSeconds(),
                    ClientText.quote(key),
                    ClientText.quote(from));
        }
        if (byUser.fail(key, after)) {
            LOG.warn(
                    "{} failed handshakes in {} s for user {} from all addresses: only addresses it signed in"
                            + " from lately may try freely for the rest of the window",
                    USER_BUDGET,
                    WINDOW.toSeconds(),
                    ClientText.quote(key));
        }
        if (address != null && byAddress.fail(from, after)) {
            LOG.warn(
                    "{} failed handshakes in {} s from address {}: only users who signed in from it lately"
                            + " may try freely for the rest of the window",
                    ADDRESS_BUDGET,
                    WINDOW.toSeconds(),
                    ClientText.quote(from));
        }
        LOG.debug("Failed handshake for user {} from {}", ClientText.quote(key), ClientText.quote(address));
        return result;
    }

    /**
     * A name or address as a key of the guard's maps, at most {@value #KEY_LENGTH} characters: the
     * client chooses them, and up to {@link FailureWindows#MAX_KEYS} of each are kept, so long ones
     * are cut and told apart by a hash.
     */
    private static String key(String text) {
        return text.length() <= KEY_LENGTH
                ? text
                : text.substring(0, KEY_LENGTH - 12) + '#' + Integer.toHexString(text.hashCode());
    }

    /** A key for a user name at an address; a NUL cannot occur in either. */
    private static String pair(String user, String address) {
        return user + '\0' + address;
    }

    /**
     * The (user, address) pairs that signed in lately. Bounded like {@link FailureWindows}: past
     * {@link FailureWindows#MAX_KEYS} pairs, expired ones are dropped, then all of them (which
     * only makes those users wait like new addresses during an attack).
     */
    private static final class KnownPairs {
        private final long forNanos;
        private final Map<String, Long> lastSuccess = new ConcurrentHashMap<>();

        KnownPairs(Duration forHow) {
            this.forNanos = forHow.toNanos();
        }

        boolean contains(String pair, long now) {
            Long at = lastSuccess.get(pair);
            return at != null && now - at < forNanos;
        }

        void add(String pair, long now) {
            if (lastSuccess.size() >= FailureWindows.MAX_KEYS && !lastSuccess.containsKey(pair)) {
                lastSuccess.values().removeIf(at -> now - at >= forNanos);
                if (lastSuccess.size() >= FailureWindows.MAX_KEYS) {
                    lastSuccess.clear();
                }
            }
            lastSuccess.put(pair, now);
        }
    }

    /**
     * One password check per key every {@code interval}, for addresses not known to a user under
     * attack: slow enough to make guessing hopeless, and a real user on a new address gets in
     * after a few retries instead of being locked out for the attack's length.
     */
    private static final class Trickle {
        private final long intervalNanos;
        private final Map<String, Long> nextAt = new ConcurrentHashMap<>();

        Trickle(Duration interval) {
            this.intervalNanos = interval.toNanos();
        }

        /** Takes the key's next check if it is due (zero), else says how long until it is. */
        Duration take(String key, long now) {
            if (nextAt.size() >= FailureWindows.MAX_KEYS && !nextAt.containsKey(key)) {
                nextAt.values().removeIf(at -> at - now <= 0);
                if (nextAt.size() >= FailureWindows.MAX_KEYS) {
                    nextAt.clear();
                }
            }
            long[] wait = {0};
            nextAt.compute(key, (k, at) -> {
                if (at == null || at - now <= 0) {
                    return now + intervalNanos;
                }
                wait[0] = at - now;
                return at;
            });
            // Whole seconds, rounded up: Retry-After has no fractions, and a retry too early is refused.
            return wait[0] == 0 ? Duration.ZERO : Duration.ofSeconds((wait[0] + 999_999_999L) / 1_000_000_000L);
        }
    }
}

package org.pagerline.service.web;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.pagerline.service.Transactions;

/**
 * The web's rate limits on sign-in (attempts per name, sign-ins per address, links asked for
 * and used per address), counted in the database: they hold across a restart and across nodes. A
 * key is kept only as a hash. One node counts and adds one attempt at a time; two nodes counting
 * the same key at the same instant may each let one attempt through past the limit (the count and
 * the insert are not locked across nodes): a brake on guessing, not a ledger.
 */
public final class AttemptLimits {
    /** Attempts older than this are deleted (longer than any window). */
    static final Duration KEPT = Duration.ofHours(1);
    private final Transactions tx;
    private final Clock clock;
    private volatile Instant lastPruned = Instant.EPOCH;

    public AttemptLimits(Transactions tx, Clock clock) {
        this.tx = tx;
        this.clock = clock;
    }

    /** A limit: at most {@code max} attempts per key in any {@code window} (at most {@link #KEPT}). */
    public Limit limit(String name, int max, Duration window) {
        if (window.compareTo(KEPT) > 0) {
            throw new IllegalArgumentException("window " + window + " is longer than the " + KEPT + " attempts are kept");
        }
        return new Limit(name, max, window);
    }

    /** One limit's counts. */
    public final class Limit {
        private final String name;
        private final int max;
        private final Duration window;

        private Limit(String name, int max, Duration window) {
            this.name = name;
            this.max = max;
            this.window = window;
        }

        private String bucket(String key) {
            return Tokens.hash(name + "\n" + key);
        }

        /**
         * True when {@code key} is still under the limit (and counts this attempt); false when over it.
         * One at a time on this node: requests at the same instant (one per request thread) would
         * each count the attempts before any of them added its own.
         */
        public synchronized boolean tryAcquire(String key) {
            Instant now = clock.instant();
            String b = bucket(key);
            boolean ok = tx.inTransaction(s -> {
                if (s.web().attemptsSince(b, now.minus(window).plusNanos(1)) >= max) {
                    return false;
                }
                s.web().addAttempt(b, now);
                return true;
            });
            prune(now);
            return ok;
        }

        /** Forgets the key's attempts (a right password). */
        public void clear(String key) {
            String b = bucket(key);
            tx.run(s -> s.web().clearAttempts(b));
        }
    }

    /** At most once a minute per node: attempts older than {@link #KEPT} go. */
    private void prune(Instant now) {
        if (now.isBefore(lastPruned.plusSeconds(60))) {
            return;
        }
        lastPruned = now;
        tx.run(s -> s.web().deleteAttemptsBefore(now.minus(KEPT)));
    }
}

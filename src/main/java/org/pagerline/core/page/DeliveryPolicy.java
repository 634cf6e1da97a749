package org.pagerline.core.page;

import java.time.Duration;
import java.time.Instant;

/**
 * What to do after a failed hand-over or delivery: a temporary failure (or a call nobody
 * answered) is retried with doubling back-off up to {@code maxAttempts}; a permanent failure,
 * or running out of attempts, moves to the other channel for that person, once.
 */
public record DeliveryPolicy(Duration backoff, Duration maxBackoff, int maxAttempts) {

    public DeliveryPolicy {
        if (backoff.isNegative() || backoff.isZero() || maxAttempts < 1) {
            throw new IllegalArgumentException("back-off must be positive and attempts at least 1");
        }
    }

    public enum Failure { TEMPORARY, PERMANENT }

    /** RETRY at {@code at}; FALLBACK to the other channel; GIVE_UP (already a fallback). */
    public record Action(Kind kind, Instant at) {
        public enum Kind { RETRY, FALLBACK, GIVE_UP }
    }

    public Action after(Page page, Failure failure, Instant now) {
        if (failure == Failure.TEMPORARY && page.attempts() < maxAttempts) {
            return new Action(Action.Kind.RETRY, now.plus(backoffFor(page.attempts())));
        }
        return page.fallback() ? new Action(Action.Kind.GIVE_UP, null) : new Action(Action.Kind.FALLBACK, now);
    }

    /** Back-off after {@code attempts} tries: backoff, 2x, 4x, ... capped at maxBackoff. */
    public Duration backoffFor(int attempts) {
        Duration d = backoff;
        for (int i = 1; i < attempts && d.compareTo(maxBackoff) < 0; i++) {
            d = d.multipliedBy(2);
        }
        return d.compareTo(maxBackoff) > 0 ? maxBackoff : d;
    }
}

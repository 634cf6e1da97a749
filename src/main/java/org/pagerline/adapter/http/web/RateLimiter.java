package org.pagerline.adapter.http.web;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts events per key in a sliding window (sign-in attempts per name and per address, link
 * requests per address). In memory: a restart forgives, which is fine for a brake on guessing.
 */
final class RateLimiter {
    private final Clock clock;
    private final int max;
    private final Duration window;
    private final Map<String, Deque<Instant>> seen = new ConcurrentHashMap<>();

    RateLimiter(Clock clock, int max, Duration window) {
        this.clock = clock;
        this.max = max;
        this.window = window;
    }

    /** True when {@code key} is still under the limit (and counts this one); false when over it. */
    boolean tryAcquire(String key) {
        Instant now = clock.instant();
        boolean[] ok = {false};
        seen.compute(key, (k, q) -> {
            Deque<Instant> d = q == null ? new ArrayDeque<>() : q;
            prune(d, now);
            if (d.size() < max) {
                d.addLast(now);
                ok[0] = true;
            }
            return d;
        });
        if (seen.size() > 10_000) {
            seen.entrySet().removeIf(e -> {
                synchronized (e.getValue()) {
                    prune(e.getValue(), now);
                    return e.getValue().isEmpty();
                }
            });
        }
        return ok[0];
    }

    /** True when {@code key} is over the limit now (without counting). */
    boolean blocked(String key) {
        Instant now = clock.instant();
        Deque<Instant> d = seen.get(key);
        if (d == null) {
            return false;
        }
        synchronized (d) {
            prune(d, now);
            return d.size() >= max;
        }
    }

    /** Counts one event (a failed sign-in). */
    void record(String key) {
        Instant now = clock.instant();
        seen.compute(key, (k, q) -> {
            Deque<Instant> d = q == null ? new ArrayDeque<>() : q;
            prune(d, now);
            d.addLast(now);
            return d;
        });
    }

    void clear(String key) {
        seen.remove(key);
    }

    private void prune(Deque<Instant> d, Instant now) {
        Instant cut = now.minus(window);
        while (!d.isEmpty() && !d.peekFirst().isAfter(cut)) {
            d.removeFirst();
        }
    }
}

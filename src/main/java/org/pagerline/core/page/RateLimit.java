package org.pagerline.core.page;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * At most {@code pages} hand-overs to one phone per {@code window}, so carriers do not block
 * the sending number. A page over the limit is deferred, never dropped.
 */
public record RateLimit(int pages, Duration window) {

    public RateLimit {
        if (pages < 1 || window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("a rate limit needs at least 1 page per positive window");
        }
    }

    /**
     * The same, from the {@code pages}th most recent hand-over within the window (empty if fewer):
     * one more may go once that one leaves the window.
     */
    public Optional<Instant> deferUntil(Optional<Instant> nthNewestInWindow) {
        return nthNewestInWindow.map(t -> t.plus(window));
    }

    /**
     * Empty if a page may go to the phone now, given the instants of its recent hand-overs
     * (those within the window, any order); otherwise the instant it may go.
     */
    public Optional<Instant> deferUntil(List<Instant> recent, Instant now) {
        Instant since = now.minus(window);
        List<Instant> inWindow = recent.stream().filter(t -> t.isAfter(since)).sorted().toList();
        if (inWindow.size() < pages) {
            return Optional.empty();
        }
        // the oldest hand-over that must leave the window before one more fits
        return Optional.of(inWindow.get(inWindow.size() - pages).plus(window));
    }
}

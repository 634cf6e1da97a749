package org.pagerline.core.ticket;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The clocks' span between two instants is Duration.between's, also past its nanosecond range (the wall clock's open end). */
class CountedTimeSpanTest {
    @Test
    void theSpanIsDurationBetweenForNearFarAndBackwardInstants() {
        Instant now = Instant.parse("2026-12-04T03:00:00.123456789Z");
        List<Instant> others = List.of(now, now.plusNanos(1), now.minusNanos(999_999_999), now.plusSeconds(3600),
                Instant.parse("9999-01-01T00:00:00Z"), Instant.parse("1900-01-01T00:00:00.5Z"), Instant.EPOCH);
        for (Instant other : others) {
            assertEquals(Duration.between(now, other), CountedTime.span(now, other), "from now to " + other);
            assertEquals(Duration.between(other, now), CountedTime.span(other, now), "from " + other + " to now");
        }
        Random r = new Random(42);
        for (int i = 0; i < 10_000; i++) {
            Instant a = Instant.ofEpochSecond(r.nextLong() % 300_000_000_000L, r.nextInt(1_000_000_000));
            Instant b = Instant.ofEpochSecond(r.nextLong() % 300_000_000_000L, r.nextInt(1_000_000_000));
            assertEquals(Duration.between(a, b), CountedTime.span(a, b), a + " to " + b);
        }
    }
}

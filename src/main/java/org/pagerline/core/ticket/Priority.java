package org.pagerline.core.ticket;

import java.time.Duration;
import java.util.Locale;

/** The procedure's five levels, with their support hours and targets. */
public enum Priority {
    P1("company-wide outage", true, Duration.ofHours(2), Duration.ofHours(8)),
    P2("a server or whole site down", true, Duration.ofHours(2), Duration.ofHours(8)),
    P3("higher than normal, one or several users", false, Duration.ofHours(4), Duration.ofHours(9)),
    P4("normal, one or two users", false, Duration.ofHours(8), Duration.ofHours(18)),
    P5("next day, little or no impact", false, Duration.ofHours(8), Duration.ofHours(9));

    private final String meaning;
    private final boolean roundTheClock;
    private final Duration respondWithin;
    private final Duration resolveWithin;

    Priority(String meaning, boolean roundTheClock, Duration respondWithin, Duration resolveWithin) {
        this.meaning = meaning;
        this.roundTheClock = roundTheClock;
        this.respondWithin = respondWithin;
        this.resolveWithin = resolveWithin;
    }

    public String meaning() {
        return meaning;
    }

    /** P1 and P2 are worked 24x7; the others run on the business-hours clock. */
    public boolean roundTheClock() {
        return roundTheClock;
    }

    /** Call-back target: wall-clock for 24x7 levels, business time otherwise. */
    public Duration respondWithin() {
        return respondWithin;
    }

    /**
     * Resolution target on a nine-hour desk day. The tickets' resolve clock does not use it: it
     * takes the business day from the desk's own hours and P5's "next business day" from the
     * calendar ({@link ServiceLevels}).
     */
    public Duration resolveWithin() {
        return resolveWithin;
    }

    public static Priority parse(String s) {
        String t = s == null ? "" : s.trim().toUpperCase(Locale.ROOT);
        for (Priority p : values()) {
            if (p.name().equals(t) || p.name().substring(1).equals(t)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown priority '" + s + "' (expected P1 to P5)");
    }
}

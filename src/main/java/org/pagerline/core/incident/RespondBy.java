package org.pagerline.core.incident;

import java.time.Instant;
import org.pagerline.core.calendar.BusinessCalendar;
import org.pagerline.core.ticket.Priority;

/**
 * The respond-by (call-back) deadline a priority brings, counted from a voicemail: wall clock for
 * the 24x7 levels (P1, P2), business time on the desk calendar for the others (P3 to P5), so the
 * clock stops at night, at weekends and on holidays. Pure: the caller loads the calendar.
 */
public final class RespondBy {
    private RespondBy() {}

    /** Null when there is no priority (no service level to keep). */
    public static Instant of(Priority priority, BusinessCalendar desk, Instant from) {
        if (priority == null) {
            return null;
        }
        if (priority.roundTheClock() || desk == null || desk.windows().isEmpty()) {
            // A desk with no opening hours has no business clock to stop: fall back to wall-clock
            // time so the level still gets a deadline rather than none.
            return from.plus(priority.respondWithin());
        }
        try {
            return desk.addBusinessTime(from, priority.respondWithin());
        } catch (IllegalStateException noOpeningWithinReach) {
            // Hours exist but holidays cover every day the calendar searches: same wall-clock fallback.
            return from.plus(priority.respondWithin());
        }
    }
}

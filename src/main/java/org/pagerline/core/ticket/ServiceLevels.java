package org.pagerline.core.ticket;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The targets of the service-level table (PRODUCT.md) on one desk calendar, with the warning lead
 * per clock and the quiet time after which a resolved ticket closes. Pure.
 *
 * <ul>
 *   <li>CONTACT: email and portal tickets, 6 h of business time; the urgent line's call-back
 *       promise, wall clock from the voicemail.</li>
 *   <li>RESPOND: P1/P2 2 h wall clock; P3 4 h, P4/P5 8 h of business time.</li>
 *   <li>RESOLVE: P1/P2 8 h wall clock; P3 one business day, P4 two; P5 the close of the next
 *       business day after the day it was opened; a desktop project request (no priority) one
 *       business day, as P3 ("done by the next morning, or within 24 hours": a weekday's request
 *       is done by the same hour of the next business day; one made before the desk opens, by that
 *       day's close; the desk is never due while it is closed, so the deadline can always be met)</li>
 * </ul>
 *
 * @param warningLead how long before each clock's deadline (in the clock's own counted time) the
 *                    team lead is warned; at most half the target, so a short target still warns
 *                    part-way rather than at once
 */
public record ServiceLevels(CountedTime time, Duration contactWithin, Map<ClockKind, Duration> warningLead,
        Duration autoCloseAfter) {

    /** The resolve target of a desktop project request, as the ticket and its notices say it. */
    public static final String PROJECT_WORDS = "desktop project request: done within 1 business day";

    /** The email and portal acknowledge/contact target. */
    public static final Duration CONTACT_WITHIN = Duration.ofHours(6);

    public ServiceLevels {
        warningLead = Map.copyOf(new EnumMap<>(warningLead));
    }

    /** What a clock must count, and on which basis. */
    public record Target(CountedTime.Basis basis, Duration amount, String words) {}

    public Target target(SlaClock c) {
        switch (c.kind()) {
            case CONTACT:
                return c.promise() != null
                        ? new Target(CountedTime.Basis.WALL, c.promise(), c.promise().toMinutes() + "-minute call-back promise")
                        : new Target(CountedTime.Basis.BUSINESS, contactWithin, "contact within "
                                + contactWithin.toHours() + " business hours");
            case RESPOND: {
                Priority p = c.priority();
                return p.roundTheClock()
                        ? new Target(CountedTime.Basis.WALL, p.respondWithin(), p + ": respond within " + p.respondWithin().toHours() + " h, 24x7")
                        : new Target(CountedTime.Basis.BUSINESS, p.respondWithin(), p + ": respond within "
                                + p.respondWithin().toHours() + " business hours");
            }
            default: {
                Priority p = c.priority();
                if (p == null) { // a desktop project request (PRODUCT.md): done by the next morning, or within 24 hours
                    return new Target(CountedTime.Basis.BUSINESS, time.businessDay(), PROJECT_WORDS);
                }
                return switch (p) {
                    case P1, P2 -> new Target(CountedTime.Basis.WALL, Duration.ofHours(8), p + ": resolve within 8 h, 24x7");
                    case P3 -> new Target(CountedTime.Basis.BUSINESS, time.businessDay(), p + ": resolve within 1 business day");
                    case P4 -> new Target(CountedTime.Basis.BUSINESS, time.businessDay().multipliedBy(2),
                            p + ": resolve within 2 business days");
                    case P5 -> new Target(CountedTime.Basis.BUSINESS, time.between(CountedTime.Basis.BUSINESS, c.startedAt(),
                            time.closeOfNextBusinessDay(c.startedAt()), List.of()), p + ": resolve by the next business day");
                };
            }
        }
    }

    /** The clock with its deadline and warning instant worked out from its start, its target and the pauses. */
    public SlaClock schedule(SlaClock c, List<Pause> pauses) {
        Target t = target(c);
        List<Pause> ps = c.kind() == ClockKind.RESOLVE ? pauses : List.of();
        Duration lead = warningLead.getOrDefault(c.kind(), Duration.ZERO);
        Duration half = t.amount().dividedBy(2);
        if (lead.compareTo(half) > 0) {
            lead = half;
        }
        Optional<Instant> due = time.add(t.basis(), c.startedAt(), t.amount(), ps);
        Optional<Instant> warn = time.add(t.basis(), c.startedAt(), t.amount().minus(lead), ps);
        return c.withDue(c.priority(), due.orElse(null), warn.orElse(null));
    }

    /** Counted time left before the deadline at {@code now} (negative once past); for a paused clock too. */
    public Duration remaining(SlaClock c, List<Pause> pauses, Instant now) {
        Target t = target(c);
        List<Pause> ps = c.kind() == ClockKind.RESOLVE ? pauses : List.of();
        return t.amount().minus(time.between(t.basis(), c.startedAt(), now, ps));
    }
}

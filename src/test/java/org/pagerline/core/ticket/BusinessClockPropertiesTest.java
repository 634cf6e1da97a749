package org.pagerline.core.ticket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.pagerline.core.calendar.BusinessCalendar;
import org.pagerline.core.calendar.Holiday;
import org.pagerline.core.calendar.OpeningWindow;

/**
 * Properties of the business clock over any instant of 2026-2027 (both DST changes each year),
 * on a plain desk and on one with a lunch break, a Saturday morning and holidays: closed time
 * is never counted, open time always is, and pausing then resuming at once changes nothing.
 */
class BusinessClockPropertiesTest {
    static final ZoneId DESK = ZoneId.of("America/Winnipeg");
    static final long FROM = 1_767_225_600L;   // 2026-01-01T00:00:00Z
    static final long TO = 1_830_211_200L;     // 2027-12-31T00:00:00Z
    static final List<Holiday> HOLIDAYS = List.of(new Holiday(LocalDate.parse("2026-12-25"), "Christmas Day"),
            new Holiday(LocalDate.parse("2026-07-01"), "Canada Day"), new Holiday(LocalDate.parse("2027-03-08"), "a Monday off"));
    static final CountedTime PLAIN = new CountedTime(new BusinessCalendar(DESK,
            OpeningWindow.parseWeek("Mon-Fri 08:00-17:00"), HOLIDAYS));
    static final CountedTime SPLIT = new CountedTime(new BusinessCalendar(DESK,
            OpeningWindow.parseWeek("Mon-Fri 08:00-12:00, Mon-Fri 13:00-17:30, Sat 10:00-14:00"), HOLIDAYS));

    static CountedTime desk(boolean split) {
        return split ? SPLIT : PLAIN;
    }

    /** A stretch wholly closed (no opening inside it) counts nothing. */
    @Property(tries = 400)
    void closedTimeIsNeverCounted(@ForAll @LongRange(min = FROM, max = TO) long at, @ForAll @IntRange(min = 1, max = 72 * 60) int minutes,
            @ForAll boolean split) {
        CountedTime t = desk(split);
        Instant a = Instant.ofEpochSecond(at);
        Instant b = a.plus(Duration.ofMinutes(minutes));
        BusinessCalendar cal = t.calendar();
        Assume.that(!cal.isOpen(a) && !cal.nextOpening(a).orElseThrow().isBefore(b));
        assertEquals(Duration.ZERO, t.between(CountedTime.Basis.BUSINESS, a, b, List.of()));
    }

    /** A stretch wholly open counts in full, to the second. */
    @Property(tries = 400)
    void openTimeIsCountedInFull(@ForAll @LongRange(min = FROM, max = TO) long at, @ForAll @IntRange(min = 1, max = 600) int minutes,
            @ForAll boolean split) {
        CountedTime t = desk(split);
        BusinessCalendar cal = t.calendar();
        Instant x = Instant.ofEpochSecond(at);
        Instant a = cal.isOpen(x) ? x : cal.nextOpening(x).orElseThrow();
        Instant close = cal.closesAt(a).orElseThrow();
        Instant b = a.plus(Duration.ofMinutes(minutes));
        if (b.isAfter(close)) {
            b = close;
        }
        assertEquals(Duration.between(a, b), t.between(CountedTime.Basis.BUSINESS, a, b, List.of()));
    }

    /** The deadline of {@code d} counted time counts exactly {@code d}, and the desk was open just before it. */
    @Property(tries = 400)
    void aDeadlineFallsOnOpenTime(@ForAll @LongRange(min = FROM, max = TO) long at, @ForAll @IntRange(min = 1, max = 40 * 60) int minutes,
            @ForAll boolean split) {
        CountedTime t = desk(split);
        Instant a = Instant.ofEpochSecond(at);
        Duration d = Duration.ofMinutes(minutes);
        Instant due = t.add(CountedTime.Basis.BUSINESS, a, d, List.of()).orElseThrow();
        assertEquals(d, t.between(CountedTime.Basis.BUSINESS, a, due, List.of()));
        assertTrue(t.calendar().isOpen(due.minusSeconds(1)), "the last counted second was open: " + due);
    }

    /** Pauses never make a deadline earlier; a pause wholly in closed time moves nothing. */
    @Property(tries = 300)
    void pausingThenResumingAtOnceChangesNothing(@ForAll @LongRange(min = FROM, max = TO) long at,
            @ForAll @IntRange(min = 1, max = 30 * 60) int minutes, @ForAll @IntRange(min = 0, max = 14 * 24 * 60) int pauseAfter,
            @ForAll @IntRange(min = 0, max = 3 * 24 * 60) int earlierPause, @ForAll boolean split) {
        CountedTime t = desk(split);
        Instant a = Instant.ofEpochSecond(at);
        Duration d = Duration.ofMinutes(minutes);
        List<Pause> before = new ArrayList<>(List.of(new Pause(a.plus(Duration.ofMinutes(earlierPause / 3)),
                a.plus(Duration.ofMinutes(earlierPause)), "waiting")));
        Instant due = t.add(CountedTime.Basis.BUSINESS, a, d, before).orElseThrow();
        Instant p = a.plus(Duration.ofMinutes(pauseAfter));
        List<Pause> withInstantPause = new ArrayList<>(before);
        withInstantPause.add(new Pause(p, p, "waiting"));
        assertEquals(due, t.add(CountedTime.Basis.BUSINESS, a, d, withInstantPause).orElseThrow());
        assertEquals(t.between(CountedTime.Basis.BUSINESS, a, due, before),
                t.between(CountedTime.Basis.BUSINESS, a, due, withInstantPause));
        assertTrue(!due.isBefore(t.add(CountedTime.Basis.BUSINESS, a, d, List.of()).orElseThrow()), "a pause never takes time away");
    }

    /** The same through a ticket's life: waiting on the customer and resuming in the same instant moves no deadline. */
    @Property(tries = 200)
    void aTicketWaitingAndResumingAtOnceKeepsItsDeadlines(@ForAll @LongRange(min = FROM, max = TO) long at,
            @ForAll @IntRange(min = 0, max = 10 * 24 * 60) int after, @ForAll Priority priority, @ForAll boolean split) {
        ServiceLevels lv = new ServiceLevels(desk(split), ServiceLevels.CONTACT_WITHIN, ServiceLevelTableTest.LEADS,
                Duration.ofHours(72));
        Instant opened = Instant.ofEpochSecond(at);
        TicketLife l = TicketLife.opened(1, TicketSource.EMAIL, priority, opened, lv).life();
        Instant w = opened.plus(Duration.ofMinutes(after));
        TicketLife paused = l.waitOnCustomer("Pat", null, w, lv).life().resume("Pat", null, w, lv).life();
        assertEquals(l.clock(ClockKind.RESOLVE).orElseThrow().dueAt(), paused.clock(ClockKind.RESOLVE).orElseThrow().dueAt());
        assertEquals(l.clock(ClockKind.RESOLVE).orElseThrow().warnAt(), paused.clock(ClockKind.RESOLVE).orElseThrow().warnAt());
    }
}

package org.pagerline.core.ticket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.pagerline.core.calendar.BusinessCalendar;
import org.pagerline.core.calendar.Holiday;
import org.pagerline.core.calendar.OpeningWindow;

/**
 * The service-level table, case by case, each deadline worked out by hand below (desk: Mon-Fri
 * 08:00-17:00 America/Winnipeg, CST = UTC-6, CDT = UTC-5; 2026: DST starts Sun 8 March, ends
 * Sun 1 November; one business day = 9 h of open time).
 */
class ServiceLevelTableTest {
    static final ZoneId DESK = ZoneId.of("America/Winnipeg");
    static final Map<ClockKind, Duration> LEADS = Map.of(ClockKind.CONTACT, Duration.ofHours(1),
            ClockKind.RESPOND, Duration.ofMinutes(30), ClockKind.RESOLVE, Duration.ofHours(1));

    static ServiceLevels levels(Holiday... holidays) {
        BusinessCalendar cal = new BusinessCalendar(DESK, OpeningWindow.parseWeek("Mon-Fri 08:00-17:00"), List.of(holidays));
        return new ServiceLevels(new CountedTime(cal), ServiceLevels.CONTACT_WITHIN, LEADS, Duration.ofHours(72));
    }

    /** Desk-local wall time, e.g. "2026-12-04T16:00". */
    static Instant desk(String local) {
        return LocalDateTime.parse(local).atZone(DESK).toInstant();
    }

    static Instant due(TicketLife l, ClockKind k) {
        return l.clock(k).orElseThrow().dueAt();
    }

    record Case(String name, TicketSource source, Priority priority, String opened, Function<TicketLife, TicketLife> then,
            ServiceLevels levels, ClockKind clock, Instant expected) {}

    static Case c(String name, Priority p, String opened, ClockKind clock, Instant expected) {
        return new Case(name, TicketSource.PHONE, p, opened, l -> l, levels(), clock, expected);
    }

    static List<Case> cases() {
        List<Case> out = new ArrayList<>();
        // the README's rule: Friday 16:00 + 1 h Friday + 8 h Monday
        out.add(c("P3 opened Friday 16:00 resolves Monday 16:00", Priority.P3, "2026-12-04T16:00", ClockKind.RESOLVE,
                desk("2026-12-07T16:00")));
        out.add(c("P3 opened Friday 16:00 responds Monday 11:00 (1 h + 3 h)", Priority.P3, "2026-12-04T16:00",
                ClockKind.RESPOND, desk("2026-12-07T11:00")));
        // 18 h: Monday 10-17 (7 h), Tuesday (9 h), Wednesday 08-10 (2 h)
        out.add(c("P4 opened Monday 10:00 resolves Wednesday 10:00", Priority.P4, "2026-12-07T10:00", ClockKind.RESOLVE,
                desk("2026-12-09T10:00")));
        out.add(c("P4 opened Monday 10:00 responds Tuesday 09:00 (7 h + 1 h)", Priority.P4, "2026-12-07T10:00",
                ClockKind.RESPOND, desk("2026-12-08T09:00")));
        out.add(c("P5 opened Monday 10:00 resolves by Tuesday's close", Priority.P5, "2026-12-07T10:00", ClockKind.RESOLVE,
                desk("2026-12-08T17:00")));
        out.add(c("P5 opened Friday 16:00 resolves by Monday's close", Priority.P5, "2026-12-04T16:00", ClockKind.RESOLVE,
                desk("2026-12-07T17:00")));
        // wall clock, 24x7
        out.add(c("P1 opened Saturday 22:00 resolves Sunday 06:00 (8 h, weekend counts)", Priority.P1, "2026-12-05T22:00",
                ClockKind.RESOLVE, desk("2026-12-06T06:00")));
        out.add(c("P2 opened Wednesday 23:30 responds Thursday 01:30 (the night counts)", Priority.P2, "2026-12-09T23:30",
                ClockKind.RESPOND, desk("2026-12-10T01:30")));
        // outside hours: the business clock starts at the next opening
        out.add(c("P3 opened Saturday 10:00 resolves Monday 17:00 (9 h from Monday 08:00)", Priority.P3, "2026-12-05T10:00",
                ClockKind.RESOLVE, desk("2026-12-07T17:00")));
        out.add(c("P3 opened Tuesday 20:00 (night) responds Wednesday 12:00", Priority.P3, "2026-12-08T20:00",
                ClockKind.RESPOND, desk("2026-12-09T12:00")));
        // Christmas Friday 25 December: Thursday 15-17 (2 h), then Monday 28th 08-15 (7 h)
        out.add(new Case("P3 opened Christmas Eve 15:00 resolves Monday 28th 15:00 (holiday and weekend skipped)",
                TicketSource.PHONE, Priority.P3, "2026-12-24T15:00", l -> l,
                levels(new Holiday(java.time.LocalDate.parse("2026-12-25"), "Christmas Day")), ClockKind.RESOLVE,
                desk("2026-12-28T15:00")));
        // spring forward (Sunday 8 March 02:00 CST -> 03:00 CDT): Friday 13-17 (4 h) + Monday (9 h) + Tuesday 08-13 (5 h)
        out.add(c("P4 over the spring DST weekend: Friday 13:00 CST to Tuesday 13:00 CDT", Priority.P4, "2026-03-06T13:00",
                ClockKind.RESOLVE, Instant.parse("2026-03-10T18:00:00Z")));
        // 8 real hours from Saturday 22:00 CST (04:00Z) is 12:00Z = Sunday 07:00 CDT on the desk's clock
        out.add(c("P1 over the spring DST night: 8 real hours, the desk clock reads 07:00", Priority.P1, "2026-03-07T22:00",
                ClockKind.RESOLVE, Instant.parse("2026-03-08T12:00:00Z")));
        // fall back (Sunday 1 November 02:00 CDT -> 01:00 CST): Saturday 22:00 CDT (03:00Z) + 8 h = 11:00Z = 05:00 CST
        out.add(c("P1 over the fall DST night: 8 real hours, the desk clock reads 05:00", Priority.P1, "2026-10-31T22:00",
                ClockKind.RESOLVE, Instant.parse("2026-11-01T11:00:00Z")));
        out.add(c("P3 over the fall DST weekend: Friday 16:00 CDT to Monday 16:00 CST", Priority.P3, "2026-10-30T16:00",
                ClockKind.RESOLVE, Instant.parse("2026-11-02T22:00:00Z")));
        // a pause across a weekend: Thursday 09-12 counted (3 h), paused until Monday 10:00, then 6 h: Monday 16:00
        out.add(new Case("P3 paused Thursday 12:00 to Monday 10:00 resolves Monday 16:00", TicketSource.PHONE, Priority.P3,
                "2026-12-03T09:00", l -> l.waitOnCustomer("Pat", "asked for logs", desk("2026-12-03T12:00"), levels()).life()
                        .resume("Pat", "logs came", desk("2026-12-07T10:00"), levels()).life(),
                levels(), ClockKind.RESOLVE, desk("2026-12-07T16:00")));
        out.add(new Case("the respond clock does not pause", TicketSource.PHONE, Priority.P4, "2026-12-07T10:00",
                l -> l.take(1, "Pat", desk("2026-12-07T10:30"), levels()).life()
                        .waitOnCustomer("Pat", null, desk("2026-12-07T11:00"), levels()).life(),
                levels(), ClockKind.RESOLVE, null));
        // a priority change mid-way, counted from the opening: P4 at Monday 09:00, P3 from 11:00:
        // resolve 9 h from Monday 09:00 = Monday 17:00 (8 h) + Tuesday 1 h = Tuesday 09:00
        out.add(new Case("P4 raised to P3 at Monday 11:00 resolves Tuesday 09:00 (counted from the opening)",
                TicketSource.PHONE, Priority.P4, "2026-12-07T09:00",
                l -> l.changePriority(Priority.P3, "Lee", "more users hit", desk("2026-12-07T11:00"), levels()).life(),
                levels(), ClockKind.RESOLVE, desk("2026-12-08T09:00")));
        out.add(new Case("P4 raised to P3 at Monday 11:00 responds Monday 13:00", TicketSource.PHONE, Priority.P4,
                "2026-12-07T09:00",
                l -> l.changePriority(Priority.P3, "Lee", "more users hit", desk("2026-12-07T11:00"), levels()).life(),
                levels(), ClockKind.RESPOND, desk("2026-12-07T13:00")));
        // a holiday added after the ticket opened: Monday 7 December closed, so Friday 1 h + Tuesday 8 h
        out.add(new Case("P3 opened Friday 16:00, Monday made a holiday afterwards: Tuesday 16:00", TicketSource.PHONE,
                Priority.P3, "2026-12-04T16:00",
                l -> l.calendarChanged(levels(new Holiday(java.time.LocalDate.parse("2026-12-07"), "Storm day"))).life(),
                levels(), ClockKind.RESOLVE, desk("2026-12-08T16:00")));
        // email and portal: contact within 6 business hours (Friday 15-17, Monday 08-12)
        out.add(new Case("an email at Friday 15:00 must be contacted by Monday 12:00", TicketSource.EMAIL, Priority.P4,
                "2026-12-04T15:00", l -> l, levels(), ClockKind.CONTACT, desk("2026-12-07T12:00")));
        out.add(new Case("a portal ticket at Sunday 20:00 must be contacted by Monday 14:00", TicketSource.PORTAL, null,
                "2026-12-06T20:00", l -> l, levels(), ClockKind.CONTACT, desk("2026-12-07T14:00")));
        // a phone message that is not urgent: contact within 6 business hours of the message, as email
        out.add(new Case("a message left Monday 21:00 (desk closed) must be contacted by Tuesday 14:00", TicketSource.PHONE,
                null, "2026-12-07T20:58", l -> l.messageLeft(desk("2026-12-07T21:00"), levels()).life(), levels(),
                ClockKind.CONTACT, desk("2026-12-08T14:00")));
        out.add(new Case("a message left leaving the queue Friday 15:30 must be contacted by Monday 12:30", TicketSource.PHONE,
                null, "2026-12-04T15:20", l -> l.messageLeft(desk("2026-12-04T15:30"), levels()).life(), levels(),
                ClockKind.CONTACT, desk("2026-12-07T12:30")));
        // the urgent line: 30 minutes of wall clock from the voicemail, at night too
        out.add(new Case("an urgent voicemail at Saturday 03:10 must be called back by 03:40", TicketSource.PHONE, Priority.P1,
                "2026-12-05T03:05", l -> l.callbackPromised(desk("2026-12-05T03:10"), Duration.ofMinutes(30), levels()).life(),
                levels(), ClockKind.CONTACT, desk("2026-12-05T03:40")));
        return out;
    }

    @TestFactory
    Stream<DynamicTest> everyCaseIsDueWhenWorkedOutByHand() {
        return cases().stream().map(k -> DynamicTest.dynamicTest(k.name(), () -> {
            TicketLife l = TicketLife.opened(7, k.source(), k.priority(), desk(k.opened()), k.levels()).life();
            l = k.then().apply(l);
            assertEquals(k.expected(), due(l, k.clock()), k.name());
        }));
    }

    @Test
    void aSecondMessageOrTheUrgentPromiseKeepsTheContactClockRunningAndAMetOneGivesWayToANewMessage() {
        ServiceLevels lv = levels();
        TicketLife first = TicketLife.opened(7, TicketSource.PHONE, null, desk("2026-12-07T20:58"), lv).life()
                .messageLeft(desk("2026-12-07T21:00"), lv).life();
        TicketLife.Result again = first.messageLeft(desk("2026-12-07T22:00"), lv);
        assertEquals(first, again.life(), "the running clock stands");
        assertEquals(List.of(), again.lines());
        TicketLife promised = TicketLife.opened(8, TicketSource.PHONE, Priority.P1, desk("2026-12-05T03:05"), lv).life()
                .callbackPromised(desk("2026-12-05T03:10"), Duration.ofMinutes(30), lv).life();
        assertEquals(promised, promised.messageLeft(desk("2026-12-05T03:12"), lv).life(), "the 30-minute promise stands");

        TicketLife contacted = first.contacted("Pat", "phoned Jane", desk("2026-12-08T09:00"), lv).life();
        assertEquals(ClockState.MET, contacted.clock(ClockKind.CONTACT).orElseThrow().state());
        TicketLife.Result later = contacted.messageLeft(desk("2026-12-08T10:00"), lv);
        assertEquals(ClockState.RUNNING, later.life().clock(ClockKind.CONTACT).orElseThrow().state(), "she wants a call back again");
        assertEquals(desk("2026-12-08T16:00"), due(later.life(), ClockKind.CONTACT));
        assertEquals("CLOCK_STARTED", later.lines().get(0).kind());

        TicketLife closed = contacted.resolve("Pat", "fixed", desk("2026-12-08T11:00"), lv).life();
        assertEquals(closed, closed.messageLeft(desk("2026-12-08T12:00"), lv).life(), "a resolved ticket is left alone");
    }

    @Test
    void theRespondClockRunsOnWhileTheResolveClockIsPaused() {
        ServiceLevels lv = levels();
        TicketLife l = TicketLife.opened(7, TicketSource.PHONE, Priority.P4, desk("2026-12-07T10:00"), lv).life()
                .waitOnCustomer("Pat", null, desk("2026-12-07T11:00"), lv).life();
        assertEquals(ClockState.MET, l.clock(ClockKind.RESPOND).orElseThrow().state(), "asking the customer is a response");
        assertEquals(ClockState.PAUSED, l.clock(ClockKind.RESOLVE).orElseThrow().state());
        TicketLife fresh = TicketLife.opened(8, TicketSource.PHONE, Priority.P4, desk("2026-12-07T10:00"), lv).life();
        TicketLife taken = fresh.take(1, "Pat", desk("2026-12-07T10:30"), lv).life();
        assertEquals(desk("2026-12-08T09:00"), due(taken, ClockKind.RESPOND), "taking is not responding");
    }

    @Test
    void theWarningComesTheLeadBeforeTheDeadlineInTheClocksOwnTime() {
        ServiceLevels lv = levels();
        TicketLife l = TicketLife.opened(7, TicketSource.PHONE, Priority.P3, desk("2026-12-04T16:00"), lv).life();
        // resolve: 8 h counted (Friday 1 h + Monday 7 h) = Monday 15:00
        assertEquals(desk("2026-12-07T15:00"), l.clock(ClockKind.RESOLVE).orElseThrow().warnAt());
        // respond: 4 h - 30 min = Friday 1 h + Monday 2 h 30 = Monday 10:30
        assertEquals(desk("2026-12-07T10:30"), l.clock(ClockKind.RESPOND).orElseThrow().warnAt());
        assertEquals(desk("2026-12-07T10:30"), l.nextCheck());
    }

    @Test
    void reopeningGivesBackTheTimeItWasResolved() {
        ServiceLevels lv = levels();
        TicketLife l = TicketLife.opened(7, TicketSource.PHONE, Priority.P3, desk("2026-12-07T09:00"), lv).life()
                .resolve("Pat", "rebooted", desk("2026-12-07T11:00"), lv).life();   // 2 h counted
        assertEquals(ClockState.MET, l.clock(ClockKind.RESOLVE).orElseThrow().state());
        l = l.customerReplied("email", desk("2026-12-08T09:00"), lv).life();      // reopened Tuesday 09:00: 7 h left
        assertEquals(TicketState.IN_PROGRESS, l.state());
        assertEquals(desk("2026-12-08T16:00"), due(l, ClockKind.RESOLVE));
    }

    @Test
    void aRefusedEventChangesNothing() {
        ServiceLevels lv = levels();
        TicketLife l = TicketLife.opened(7, TicketSource.PHONE, Priority.P3, desk("2026-12-07T09:00"), lv).life()
                .close("admin", null, desk("2026-12-07T10:00"), lv).life();
        TicketLife.Result r = l.waitOnCustomer("Pat", null, desk("2026-12-07T11:00"), lv);
        assertEquals("ticket 7 is closed; reopen it first", r.refusal());
        assertEquals(l, r.life());
        assertFalse(l.clock(ClockKind.RESOLVE).orElseThrow().live());
        assertNull(l.nextCheck());
    }
}

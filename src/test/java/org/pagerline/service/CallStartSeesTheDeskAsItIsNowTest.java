package org.pagerline.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.pagerline.core.calendar.OpeningWindow;
import org.pagerline.core.roster.Role;
import org.pagerline.core.roster.Technician;
import org.pagerline.testkit.MutableClock;
import org.pagerline.testkit.RecordingIncidentOpener;
import org.pagerline.testkit.TestDatabase;

/**
 * A call's start reads the desk (open or not, who is primary) once for all the calls written in
 * the same commit, never from an older reading: a caller after an admin changed the hours or the
 * roster is routed by the change.
 */
class CallStartSeesTheDeskAsItIsNowTest {
    /** Tuesday 10:00 in Winnipeg, with nanoseconds as a real clock has them. */
    private final MutableClock clock = MutableClock.at("2026-11-24T16:00:00.123456789Z");
    private final TestDatabase db = TestDatabase.inMemory();
    private final PhoneNumbers phones = new PhoneNumbers("CA");
    private final CalendarService calendar = new CalendarService(db.transactions());
    private final RosterService roster = new RosterService(db.transactions(), phones, clock);
    private final CallService calls = new CallService(db.transactions(), new TicketService(db.transactions(), clock), phones,
            new RecordingIncidentOpener(), clock, Duration.ofHours(4), Duration.ofMinutes(30), Set.of("CA", "US"));
    private int uid;

    @AfterEach
    void close() {
        calls.close();
        db.close();
    }

    private LiveCall call(String from) {
        return calls.start("1796186322." + ++uid, "PJSIP/trunk-0000" + uid, from, "");
    }

    @Test
    void aCallerAfterTheHoursChangeIsRoutedByTheNewHours() {
        calendar.setHours("Mon-Fri 08:00-17:00", "America/Winnipeg");
        assertTrue(call("+12045550111").situation().deskOpen(), "10:00 on a Tuesday: open");

        calendar.setHours("Mon-Fri 13:00-17:00", null);

        CallService.Situation after = call("+12045550112").situation();
        assertFalse(after.deskOpen(), "the desk now opens at 13:00: the next caller hears it closed");
        assertTrue(after.calendar().describeHours().contains("1 PM"), after.calendar().describeHours());
    }

    @Test
    void aCallerAfterTheRosterChangeRingsTheNewPrimary() {
        roster.addTechnician(new RosterService.NewTechnician("Ann Archer", "+12045550101", null, null, "America/Winnipeg"));
        roster.addTechnician(new RosterService.NewTechnician("Bob Baker", "+12045550102", null, null, "America/Winnipeg"));
        roster.setRotation(new RosterService.RotationSpec(Role.PRIMARY, List.of("Ann Archer"), "1w", "08:00",
                "America/Winnipeg", "2026-11-01"));
        assertEquals("Ann Archer", call("+12045550111").situation().primary().map(Technician::name).orElse("nobody"));

        roster.addOverride(Role.PRIMARY, "Bob Baker", clock.instant().minusSeconds(60), clock.instant().plusSeconds(3600));

        assertEquals("Bob Baker", call("+12045550112").situation().primary().map(Technician::name).orElse("nobody"),
                "the override covers now: the next urgent caller rings Bob");
    }

    @Test
    void aNewCallersTicketIsNewAndTheirNextCallReusesIt() {
        LiveCall first = call("+12045550111");
        assertFalse(first.reusedTicket(), "a ticket opened by this call, though the clock has nanoseconds the database drops");
        clock.advance(Duration.ofMinutes(5));
        LiveCall again = call("+12045550111");
        assertTrue(again.reusedTicket());
        assertEquals(first.ticketId(), again.ticketId());
    }

    @Test
    void oneTransactionReadsTheCalendarAgainAfterChangingIt() {
        db.transactions().run(s -> {
            assertTrue(s.calendar().calendar().isOpen(Instant.parse("2026-11-24T16:00:00Z")));
            s.calendar().saveHours(s.calendar().deskZone(), OpeningWindow.parseWeek("Mon-Fri 13:00-17:00"));
            assertFalse(s.calendar().calendar().isOpen(Instant.parse("2026-11-24T16:00:00Z")),
                    "the same transaction sees its own change");
        });
    }
}

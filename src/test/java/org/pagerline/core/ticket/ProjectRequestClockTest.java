package org.pagerline.core.ticket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pagerline.core.ticket.ServiceLevelTableTest.desk;
import static org.pagerline.core.ticket.ServiceLevelTableTest.due;
import static org.pagerline.core.ticket.ServiceLevelTableTest.levels;

import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.pagerline.core.calendar.BusinessCalendar;
import org.pagerline.core.calendar.Holiday;
import org.pagerline.core.calendar.OpeningWindow;

/**
 * A desktop project request (PRODUCT.md: "done by the next morning, or within 24 hours"): resolved
 * within one business day of the desk's open time, never due while the desk is closed, worked out
 * by hand (desk Mon-Fri 08:00-17:00 America/Winnipeg, as {@link ServiceLevelTableTest}).
 */
class ProjectRequestClockTest {

    static TicketLife project(String askedAt, ServiceLevels lv) {
        return TicketLife.opened(7, TicketSource.PORTAL, null, true, desk(askedAt), lv).life();
    }

    @Test
    void aProjectAskedForOnAWeekdayIsDoneWithin24HoursByTheSameHourNextBusinessDay() {
        assertEquals(desk("2026-12-08T10:00"), due(project("2026-12-07T10:00", levels()), ClockKind.RESOLVE), "Monday 10:00");
        assertEquals(desk("2026-12-08T16:59"), due(project("2026-12-07T16:59", levels()), ClockKind.RESOLVE), "Monday 16:59");
    }

    @Test
    void aProjectAskedForOutOfHoursHasTheNextBusinessDayNeverANightOfNobody() {
        assertEquals(desk("2026-12-08T17:00"), due(project("2026-12-07T21:00", levels()), ClockKind.RESOLVE), "Monday night");
        assertEquals(desk("2026-12-07T17:00"), due(project("2026-12-07T07:00", levels()), ClockKind.RESOLVE),
                "before Monday's opening: done by Monday's close, the next morning's work");
    }

    @Test
    void aProjectAskedForOnFridayOrOverTheWeekendIsDoneOnMonday() {
        assertEquals(desk("2026-12-07T16:00"), due(project("2026-12-04T16:00", levels()), ClockKind.RESOLVE), "Friday 16:00");
        assertEquals(desk("2026-12-07T17:00"), due(project("2026-12-05T11:00", levels()), ClockKind.RESOLVE), "Saturday");
    }

    @Test
    void aHolidayIsNotABusinessDay() {
        // Thursday 15-17 (2 h), Christmas Friday, the weekend, Monday 28th 08-15 (7 h)
        ServiceLevels christmas = levels(new Holiday(LocalDate.parse("2026-12-25"), "Christmas Day"));
        assertEquals(desk("2026-12-28T15:00"), due(project("2026-12-24T15:00", christmas), ClockKind.RESOLVE));
    }

    @Test
    void onADeskOpenRoundTheClockItIsDueWithin24Hours() {
        BusinessCalendar always = new BusinessCalendar(ServiceLevelTableTest.DESK, OpeningWindow.parseWeek("Mon-Sun 00:00-24:00"), List.of());
        ServiceLevels lv = new ServiceLevels(new CountedTime(always), ServiceLevels.CONTACT_WITHIN, ServiceLevelTableTest.LEADS,
                Duration.ofHours(72));
        assertEquals(desk("2026-12-08T10:00"), due(project("2026-12-07T10:00", lv), ClockKind.RESOLVE));
    }

    @Test
    void waitingOnTheCustomerGivesBackTheBusinessTimeWaited() {
        TicketLife l = project("2026-12-07T10:00", levels())
                .waitOnCustomer("Pat", "which desk?", desk("2026-12-07T11:00"), levels()).life()
                .resume("Pat", "answered", desk("2026-12-07T13:00"), levels()).life();
        assertEquals(desk("2026-12-08T12:00"), due(l, ClockKind.RESOLVE));
    }
    @Test
    void itHasNoRespondClockNobodyNeedCallTheCustomerBack() {
        TicketLife l = project("2026-12-07T10:00", levels());
        assertTrue(l.projectRequest());
        assertTrue(l.clock(ClockKind.RESPOND).isEmpty(), l.clocks().toString());
        assertEquals(desk("2026-12-07T16:00"), due(l, ClockKind.CONTACT), "the portal's six business hours still run");
        assertEquals(ServiceLevels.PROJECT_WORDS, levels().target(l.clock(ClockKind.RESOLVE).orElseThrow()).words());
    }

    @Test
    void givingItAPriorityMakesItAnOrdinaryTicketResolvedCountingFromTheRequest() {
        TicketLife l = project("2026-12-07T10:00", levels())
                .changePriority(Priority.P3, "Lee", "it is a fault, not a project", desk("2026-12-07T11:00"), levels()).life();
        assertFalse(l.projectRequest());
        // P3: 9 business hours from Monday 10:00 = Monday 10-17 (7 h) + Tuesday 08-10 (2 h)
        assertEquals(desk("2026-12-08T10:00"), due(l, ClockKind.RESOLVE));
        assertEquals(desk("2026-12-07T15:00"), due(l, ClockKind.RESPOND),
                "respond 4 business hours from when it was made a fault: a project had nobody to call back");
    }

    @Test
    void aProjectGivenAPriorityADayLaterIsNotAlreadyLateToCallBack() {
        TicketLife l = project("2026-12-07T10:00", levels())
                .contacted("Pat", "phoned", desk("2026-12-07T11:00"), levels()).life()
                .changePriority(Priority.P3, "Lee", "it is a fault after all", desk("2026-12-08T09:00"), levels()).life();
        // respond: 4 business hours from the change (Tuesday 09:00), not from Monday's request (due Monday 14:00)
        assertEquals(desk("2026-12-08T13:00"), due(l, ClockKind.RESPOND));
    }

    @Test
    void aResolvedProjectGivenAPriorityIsNoProjectAnyMoreAndNothingOfItIsLate() {
        TicketLife l = project("2026-12-07T10:00", levels())
                .resolve("Pat", "PC set up", desk("2026-12-07T15:00"), levels()).life()
                .changePriority(Priority.P1, "Lee", "it was an outage", desk("2026-12-08T09:00"), levels()).life();
        assertFalse(l.projectRequest(), "the resolve clock took the priority");
        assertEquals(Priority.P1, l.clock(ClockKind.RESOLVE).orElseThrow().priority());
        assertTrue(l.clock(ClockKind.RESPOND).orElseThrow().metAt() != null, "a resolved ticket's new respond clock is met");
        // reopened, it counts P1's 8 hours, not a project's business day
        TicketLife again = l.reopen("Jane", "still down", desk("2026-12-08T10:00"), levels()).life();
        assertEquals("P1: resolve within 8 h, 24x7", levels().target(again.clock(ClockKind.RESOLVE).orElseThrow()).words());
    }

    @Test
    void aProjectRequestWithAPriorityIsRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> TicketLife.opened(7, TicketSource.CLI, Priority.P4, true, desk("2026-12-07T10:00"), levels()));
    }
}

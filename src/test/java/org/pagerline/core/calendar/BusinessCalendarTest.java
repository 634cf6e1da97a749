package org.pagerline.core.calendar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BusinessCalendarTest {

    static final ZoneId WPG = ZoneId.of("America/Winnipeg");
    final BusinessCalendar desk = BusinessCalendar.defaultDesk();

    static Instant local(String s) {
        return LocalDateTime.parse(s).atZone(WPG).toInstant();
    }

    static BusinessCalendar withHolidays(Holiday... holidays) {
        return new BusinessCalendar(WPG, OpeningWindow.parseWeek("Mon-Fri 08:00-17:00"), List.of(holidays));
    }

    @Test
    void openFromOpeningInclusiveToClosingExclusive() {
        // Monday 2026-01-05
        assertFalse(desk.isOpen(local("2026-01-05T07:59:59")));
        assertTrue(desk.isOpen(local("2026-01-05T08:00")));
        assertTrue(desk.isOpen(local("2026-01-05T16:59:59")));
        assertFalse(desk.isOpen(local("2026-01-05T17:00")));
        assertFalse(desk.isOpen(local("2026-01-10T12:00"))); // Saturday
        // 08:00 in Winnipeg is 14:00Z in winter and 13:00Z in summer
        assertTrue(desk.isOpen(Instant.parse("2026-01-05T14:00:00Z")));
        assertTrue(desk.isOpen(Instant.parse("2026-07-06T13:00:00Z")));
    }

    @Test
    void closedAllDayOnAHoliday() {
        BusinessCalendar cal = withHolidays(new Holiday(LocalDate.of(2026, 1, 1), "New Year's Day"));
        assertFalse(cal.isOpen(local("2026-01-01T10:00")));
        assertTrue(cal.isOpen(local("2026-01-02T10:00")));
        assertEquals(Optional.of(local("2026-01-02T08:00")), cal.nextOpening(local("2026-01-01T07:00")));
    }

    @Test
    void nextOpeningAndClosing() {
        assertEquals(Optional.of(local("2026-01-12T08:00")), desk.nextOpening(local("2026-01-10T12:00")));
        assertEquals(Optional.of(local("2026-01-05T08:00")), desk.nextOpening(local("2026-01-05T08:00")));
        assertEquals(Optional.of(local("2026-01-06T08:00")), desk.nextOpening(local("2026-01-05T09:00")));
        assertEquals(Optional.of(local("2026-01-05T17:00")), desk.closesAt(local("2026-01-05T09:00")));
        assertEquals(Optional.empty(), desk.closesAt(local("2026-01-05T17:00")));
        BusinessCalendar never = new BusinessCalendar(WPG, List.of(), List.of());
        assertEquals(Optional.empty(), never.nextOpening(local("2026-01-05T09:00")));
        assertFalse(never.isOpen(local("2026-01-05T09:00")));
    }

    @Test
    void businessClockStopsOverTheWeekend() {
        // Friday 16:00 + 2 business hours = Monday 09:00
        assertEquals(local("2026-01-12T09:00"), desk.addBusinessTime(local("2026-01-09T16:00"), Duration.ofHours(2)));
        // starting while closed counts from the next opening
        assertEquals(local("2026-01-12T08:30"), desk.addBusinessTime(local("2026-01-10T12:00"), Duration.ofMinutes(30)));
        // running out exactly at closing time gives the closing time
        assertEquals(local("2026-01-09T17:00"), desk.addBusinessTime(local("2026-01-09T16:00"), Duration.ofHours(1)));
        assertEquals(local("2026-01-09T16:00"), desk.addBusinessTime(local("2026-01-09T16:00"), Duration.ZERO));
    }

    @Test
    void businessClockStopsOnHolidays() {
        BusinessCalendar cal = withHolidays(new Holiday(LocalDate.of(2026, 1, 1), "New Year's Day"),
                new Holiday(LocalDate.of(2026, 1, 12), "Staff day"));
        // Wednesday Dec 31 16:00 + 2h skips Thursday's holiday
        assertEquals(local("2026-01-02T09:00"), cal.addBusinessTime(local("2025-12-31T16:00"), Duration.ofHours(2)));
        // Friday 16:00 + 2h skips the weekend and Monday's holiday
        assertEquals(local("2026-01-13T09:00"), cal.addBusinessTime(local("2026-01-09T16:00"), Duration.ofHours(2)));
    }

    @Test
    void businessClockOverWeeksAndDaylightSaving() {
        // three weeks of 9-hour days, from Monday opening, ends at Friday closing of week three
        assertEquals(local("2026-01-23T17:00"), desk.addBusinessTime(local("2026-01-05T08:00"), Duration.ofHours(135)));
        // the weekend of the spring-forward change: Monday 09:00 is local, i.e. 14:00Z (CDT)
        assertEquals(Instant.parse("2026-03-09T14:00:00Z"),
                desk.addBusinessTime(local("2026-03-06T16:00"), Duration.ofHours(2)));
        // a year of business hours is still quick
        Instant later = desk.addBusinessTime(local("2026-01-05T08:00"), Duration.ofHours(9 * 5 * 52));
        assertEquals(LocalDate.of(2027, 1, 1), LocalDate.ofInstant(later, WPG));
    }

    @Test
    void businessClockWithoutOpeningHoursIsAnError() {
        BusinessCalendar never = new BusinessCalendar(WPG, List.of(), List.of());
        assertThrows(IllegalStateException.class,
                () -> never.addBusinessTime(local("2026-01-05T09:00"), Duration.ofMinutes(1)));
        assertThrows(IllegalArgumentException.class,
                () -> desk.addBusinessTime(local("2026-01-05T09:00"), Duration.ofMinutes(-1)));
    }

    @Test
    void nextBusinessDayFromFridayEveningIsMondayMorning() {
        // Friday 19:00 in Winnipeg is already Saturday in UTC
        Instant fridayEvening = local("2026-01-09T19:00");
        assertEquals(local("2026-01-12T08:00"), desk.nextBusinessDayStart(fridayEvening));
        // even during business hours it is the next day
        assertEquals(local("2026-01-06T08:00"), desk.nextBusinessDayStart(local("2026-01-05T07:00")));
        BusinessCalendar cal = withHolidays(new Holiday(LocalDate.of(2026, 1, 12), "Staff day"));
        assertEquals(local("2026-01-13T08:00"), cal.nextBusinessDayStart(fridayEvening));
    }

    @Test
    void describesHoursForPeople() {
        assertEquals("Monday to Friday, 8 AM to 5 PM (America/Winnipeg)", desk.describeHours());
        BusinessCalendar cal = new BusinessCalendar(WPG,
                OpeningWindow.parseWeek("Mon-Fri 08:30-12:00, Mon-Fri 13:00-17:00, Sat-Sun 10:00-14:00"),
                List.of(new Holiday(LocalDate.of(2026, 12, 25), "Christmas")));
        assertEquals("Monday to Friday, 8:30 AM to noon and 1 PM to 5 PM; Saturday and Sunday, 10 AM to 2 PM,"
                + " closed on holidays (America/Winnipeg)", cal.describeHours());
        assertEquals("No opening hours (America/Winnipeg)",
                new BusinessCalendar(WPG, List.of(), List.of()).describeHours());
    }

    @Test
    void touchingWindowsCountAsOneStretch() {
        BusinessCalendar cal = new BusinessCalendar(WPG,
                OpeningWindow.parseWeek("Mon 08:00-12:00, Mon 12:00-17:00"), List.of());
        assertEquals(Optional.of(local("2026-01-05T17:00")), cal.closesAt(local("2026-01-05T09:00")));
    }
}

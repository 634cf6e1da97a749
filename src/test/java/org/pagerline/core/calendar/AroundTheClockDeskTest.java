package org.pagerline.core.calendar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A desk open "00:00-24:00": open at every instant, across midnight and daylight-saving changes. */
class AroundTheClockDeskTest {
    private static final ZoneId WINNIPEG = ZoneId.of("America/Winnipeg");

    private static BusinessCalendar desk(String week, Holiday... holidays) {
        return new BusinessCalendar(WINNIPEG, OpeningWindow.parseWeek(week), List.of(holidays));
    }

    @Test
    void twentyFourHundredIsAcceptedAsTheEndOfTheDay() {
        List<OpeningWindow> week = OpeningWindow.parseWeek("Mon-Sun 00:00-24:00");
        assertEquals(7, week.size());
        assertTrue(week.get(0).untilMidnight());
        assertEquals("24:00", week.get(0).closeText());
        assertEquals(1440, week.get(0).closeMinute());
    }

    @Test
    void twentyFourHundredIsOnlyAClosingTime() {
        var e = assertThrows(IllegalArgumentException.class, () -> OpeningWindow.parseWeek("Mon 24:00-24:00"));
        assertTrue(e.getMessage().contains("24:00 is only a closing time"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> OpeningWindow.parseWeek("Mon 20:00-24:00, Mon 23:00-24:00"));
        assertTrue(e.getMessage().contains("overlap on MONDAY: 20:00-24:00 and 23:00-24:00"), e.getMessage());
    }

    @Test
    void theDeskIsOpenEveryMinuteAcrossMidnightAndBothDaylightSavingChanges() {
        BusinessCalendar c = desk("Mon-Sun 00:00-24:00");
        // 2026-03-08 02:00 springs forward, 2026-11-01 02:00 falls back, in Winnipeg
        for (String day : List.of("2026-03-06", "2026-10-30", "2026-12-30")) {
            Instant from = LocalDate.parse(day).atStartOfDay(WINNIPEG).toInstant();
            for (Instant t = from; t.isBefore(from.plus(Duration.ofDays(4))); t = t.plusSeconds(60)) {
                assertTrue(c.isOpen(t), "closed at " + t);
            }
        }
        assertTrue(c.isOpen(Instant.parse("2026-11-24T05:59:59.999Z")), "the last instant before midnight");
        assertTrue(c.isOpen(Instant.parse("2026-11-24T06:00:00Z")), "midnight itself");
        assertEquals(Optional.empty(), c.closesAt(Instant.parse("2026-11-24T05:59:00Z")), "it never closes");
        assertTrue(c.openAroundTheClock());
        assertEquals("Monday to Sunday, around the clock (America/Winnipeg)", c.describeHours());
    }

    @Test
    void theDayOf2359LeftAMinuteClosedWhichTwentyFourHundredCloses() {
        Instant lastMinute = Instant.parse("2026-11-24T05:59:30Z"); // 23:59:30 in Winnipeg
        assertFalse(desk("Mon-Sun 00:00-23:59").isOpen(lastMinute), "the gap the old way left");
        assertTrue(desk("Mon-Sun 00:00-24:00").isOpen(lastMinute));
    }

    @Test
    void aDeskOpenAcrossMidnightClosesWhenTheLastDayEnds() {
        BusinessCalendar c = desk("Mon 17:00-24:00, Tue 00:00-08:00");
        Instant mondayEvening = LocalDate.parse("2026-11-23").atTime(18, 0).atZone(WINNIPEG).toInstant();
        assertEquals(LocalDate.parse("2026-11-24").atTime(8, 0).atZone(WINNIPEG).toInstant(),
                c.closesAt(mondayEvening).orElseThrow(), "not at midnight: Tuesday opens at 00:00");
        assertEquals(Duration.ofHours(2), Duration.between(mondayEvening,
                c.addBusinessTime(mondayEvening, Duration.ofHours(2))));
        assertEquals(LocalDate.parse("2026-11-24").atTime(1, 0).atZone(WINNIPEG).toInstant(),
                c.addBusinessTime(mondayEvening, Duration.ofHours(7)), "the business clock runs on past midnight");
    }

    @Test
    void aHolidayStillClosesAnAroundTheClockDesk() {
        BusinessCalendar c = desk("Mon-Sun 00:00-24:00", new Holiday(LocalDate.parse("2026-12-25"), "Christmas Day"));
        Instant eve = LocalDate.parse("2026-12-24").atTime(12, 0).atZone(WINNIPEG).toInstant();
        assertEquals(LocalDate.parse("2026-12-25").atStartOfDay(WINNIPEG).toInstant(), c.closesAt(eve).orElseThrow());
        assertFalse(c.isOpen(LocalDate.parse("2026-12-25").atTime(12, 0).atZone(WINNIPEG).toInstant()));
        assertTrue(c.isOpen(LocalDate.parse("2026-12-26").atStartOfDay(WINNIPEG).toInstant()));
    }
}

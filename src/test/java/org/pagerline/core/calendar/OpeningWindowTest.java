package org.pagerline.core.calendar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.DayOfWeek;
import java.time.LocalTime;
import java.util.List;
import org.junit.jupiter.api.Test;

class OpeningWindowTest {

    @Test
    void parsesRangesAndSingleDays() {
        List<OpeningWindow> week = OpeningWindow.parseWeek("Mon-Fri 08:00-17:00, Sat 10:00-14:00");
        assertEquals(6, week.size());
        assertEquals(new OpeningWindow(DayOfWeek.MONDAY, LocalTime.of(8, 0), LocalTime.of(17, 0)), week.get(0));
        assertEquals(new OpeningWindow(DayOfWeek.FRIDAY, LocalTime.of(8, 0), LocalTime.of(17, 0)), week.get(4));
        assertEquals(new OpeningWindow(DayOfWeek.SATURDAY, LocalTime.of(10, 0), LocalTime.of(14, 0)), week.get(5));
        assertEquals(List.of(DayOfWeek.SATURDAY, DayOfWeek.SUNDAY),
                OpeningWindow.parseWeek("sat-sunday 9:30-12:00").stream().map(OpeningWindow::day).toList());
    }

    @Test
    void overnightWindowsAreRefusedSayingSo() {
        var e = assertThrows(IllegalArgumentException.class, () -> OpeningWindow.parseWeek("Mon 17:00-08:00"));
        assertTrue(e.getMessage().contains("overnight windows are not supported"), e.getMessage());
    }

    @Test
    void errorsNameTheBadPart() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> OpeningWindow.parseWeek("Mon-Fri 08:00-17:00, Sat"));
        assertTrue(e.getMessage().startsWith("bad opening hours 'Sat'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> OpeningWindow.parseWeek("Funday 08:00-17:00"));
        assertTrue(e.getMessage().contains("unknown day 'Funday'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> OpeningWindow.parseWeek("Mon 08:00-25:00"));
        assertTrue(e.getMessage().contains("'25:00' is not a time"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> OpeningWindow.parseWeek("  "));
        assertTrue(e.getMessage().contains("empty"), e.getMessage());
    }
}

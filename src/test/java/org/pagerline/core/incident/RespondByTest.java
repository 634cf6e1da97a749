package org.pagerline.core.incident;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.pagerline.core.calendar.BusinessCalendar;
import org.pagerline.core.calendar.Holiday;
import org.pagerline.core.calendar.OpeningWindow;
import org.pagerline.core.ticket.Priority;

class RespondByTest {
    static final ZoneId DESK = ZoneId.of("America/Winnipeg");
    static final Instant FRIDAY_16_00 = Instant.parse("2026-03-13T21:00:00Z");
    final BusinessCalendar desk = BusinessCalendar.defaultDesk();

    @Test
    void businessLevelsStopTheClockOutsideHours() {
        assertEquals(Instant.parse("2026-03-16T16:00:00Z"), RespondBy.of(Priority.P3, desk, FRIDAY_16_00));
        assertEquals(Instant.parse("2026-03-16T20:00:00Z"), RespondBy.of(Priority.P4, desk, FRIDAY_16_00));
        assertEquals(Instant.parse("2026-03-16T20:00:00Z"), RespondBy.of(Priority.P5, desk, FRIDAY_16_00));
    }

    @Test
    void aHolidayPushesItADay() {
        BusinessCalendar withHoliday = new BusinessCalendar(DESK, desk.windows(),
                List.of(new Holiday(LocalDate.parse("2026-03-16"), "closed")));
        assertEquals(Instant.parse("2026-03-17T16:00:00Z"), RespondBy.of(Priority.P3, withHoliday, FRIDAY_16_00));
    }

    @Test
    void roundTheClockLevelsNoPriorityAndAnEmptyCalendar() {
        assertEquals(Instant.parse("2026-03-13T23:00:00Z"), RespondBy.of(Priority.P1, desk, FRIDAY_16_00));
        assertEquals(Instant.parse("2026-03-13T23:00:00Z"), RespondBy.of(Priority.P2, null, FRIDAY_16_00));
        assertNull(RespondBy.of(null, desk, FRIDAY_16_00));
        BusinessCalendar never = new BusinessCalendar(DESK, List.<OpeningWindow>of(), List.of());
        assertEquals(Instant.parse("2026-03-14T01:00:00Z"), RespondBy.of(Priority.P3, never, FRIDAY_16_00));
    }
}

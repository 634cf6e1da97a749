package org.pagerline.service;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import org.pagerline.core.calendar.BusinessCalendar;
import org.pagerline.core.calendar.Holiday;
import org.pagerline.core.calendar.OpeningWindow;
import org.pagerline.core.text.TextField;

/** The desk's hours and holidays. Read from the database each time, so CLI edits apply at once. */
public final class CalendarService {
    private final Transactions tx;
    private final Runnable afterChange;

    public CalendarService(Transactions tx) {
        this(tx, () -> { });
    }

    /** @param afterChange run after the hours or holidays changed (tickets' deadlines are worked out again) */
    public CalendarService(Transactions tx, Runnable afterChange) {
        this.tx = tx;
        this.afterChange = afterChange;
    }

    public BusinessCalendar calendar() {
        return tx.inTransaction(s -> s.calendar().calendar());
    }

    /** @param week e.g. "Mon-Fri 08:00-17:00"; @param zone null keeps the current zone */
    public BusinessCalendar setHours(String week, String zone) {
        List<OpeningWindow> windows = RosterService.core(() -> OpeningWindow.parseWeek(week));
        BusinessCalendar cal = tx.inTransaction(s -> {
            ZoneId z = zone == null || zone.isBlank() ? s.calendar().deskZone() : RosterService.zone(zone);
            s.calendar().saveHours(z, windows);
            return s.calendar().calendar();
        });
        afterChange.run();
        return cal;
    }

    public Holiday addHoliday(String date, String name) {
        LocalDate d = RosterService.core(() -> LocalDate.parse(date == null ? "" : date.trim()),
                "holiday date '" + date + "' is not a date (YYYY-MM-DD)");
        String n = RosterService.text(TextField.HOLIDAY_NAME, name);
        if (n == null) {
            throw new ValidationException("holiday name is missing");
        }
        Holiday h = new Holiday(d, n);
        tx.run(s -> {
            if (!s.calendar().addHoliday(h)) {
                throw new ValidationException("a holiday already stands on " + d);
            }
        });
        afterChange.run();
        return h;
    }

    public List<Holiday> holidays() {
        return tx.inTransaction(s -> s.calendar().holidays());
    }

    public void removeHoliday(String date) {
        LocalDate d = RosterService.core(() -> LocalDate.parse(date == null ? "" : date.trim()),
                "holiday date '" + date + "' is not a date (YYYY-MM-DD)");
        tx.run(s -> {
            if (!s.calendar().removeHoliday(d)) {
                throw new NotFoundException("no holiday on " + d);
            }
        });
        afterChange.run();
    }

    public boolean isOpen(Instant at) {
        return calendar().isOpen(at);
    }
}

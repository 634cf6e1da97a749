package org.pagerline.adapter.store;

import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import org.pagerline.core.calendar.BusinessCalendar;
import org.pagerline.core.calendar.CalendarStore;
import org.pagerline.core.calendar.Holiday;
import org.pagerline.core.calendar.OpeningWindow;

/**
 * The desk's calendar as one transaction sees it: read once ({@link #calendar()}, three queries
 * and the calendar's building), then kept until this transaction changes the hours or the
 * holidays. The call journal's transaction carries the starts and the ticket clocks of many calls,
 * each of which asked for the calendar; a later transaction reads it afresh, so a change committed
 * by an admin (on any node) reaches the next batch of calls.
 */
final class OneReadingCalendarStore implements CalendarStore {
    private final CalendarStore db;
    private BusinessCalendar read;

    OneReadingCalendarStore(CalendarStore db) {
        this.db = db;
    }

    @Override
    public BusinessCalendar calendar() {
        if (read == null) {
            read = CalendarStore.super.calendar();
        }
        return read;
    }

    @Override
    public ZoneId deskZone() {
        return db.deskZone();
    }

    @Override
    public List<OpeningWindow> openingWindows() {
        return db.openingWindows();
    }

    @Override
    public void saveHours(ZoneId zone, List<OpeningWindow> windows) {
        read = null;
        db.saveHours(zone, windows);
    }

    @Override
    public List<Holiday> holidays() {
        return db.holidays();
    }

    @Override
    public boolean addHoliday(Holiday h) {
        read = null;
        return db.addHoliday(h);
    }

    @Override
    public boolean removeHoliday(LocalDate date) {
        read = null;
        return db.removeHoliday(date);
    }
}

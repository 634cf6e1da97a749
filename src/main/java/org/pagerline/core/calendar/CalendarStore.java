package org.pagerline.core.calendar;

import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;

/** Port: the desk's opening hours, zone and holidays. */
public interface CalendarStore {

    ZoneId deskZone();

    List<OpeningWindow> openingWindows();

    /** Replaces the weekly hours and the zone together. */
    void saveHours(ZoneId zone, List<OpeningWindow> windows);

    List<Holiday> holidays();

    /** False when a holiday already stands on that date. */
    boolean addHoliday(Holiday h);

    boolean removeHoliday(LocalDate date);

    default BusinessCalendar calendar() {
        return new BusinessCalendar(deskZone(), openingWindows(), holidays());
    }
}

package org.pagerline.adapter.store;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.pagerline.core.calendar.CalendarStore;
import org.pagerline.core.calendar.Holiday;
import org.pagerline.core.calendar.OpeningWindow;

final class JdbcCalendarStore implements CalendarStore {
    private final Jdbc db;

    JdbcCalendarStore(Jdbc db) {
        this.db = db;
    }

    @Override
    public ZoneId deskZone() {
        return db.one("SELECT setting_value FROM desk_settings WHERE name='zone'", rs -> ZoneId.of(rs.getString(1)))
                .orElse(ZoneId.of("America/Winnipeg"));
    }

    @Override
    public List<OpeningWindow> openingWindows() {
        return db.list("SELECT day_of_week, opens, closes FROM business_hours ORDER BY day_of_week, opens",
                rs -> new OpeningWindow(DayOfWeek.of(rs.getInt(1)), rs.getObject(2, LocalTime.class),
                        fromColumn(rs.getObject(3, LocalTime.class))));
    }

    /**
     * A TIME column cannot hold 24:00 (H2 refuses it) and the table checks closes > opens, so a window
     * that runs to the end of its day is stored as closing at {@link #END_OF_DAY_COLUMN}; the command
     * line takes only whole minutes, so that value means nothing else.
     */
    static final LocalTime END_OF_DAY_COLUMN = LocalTime.of(23, 59, 59);

    private static LocalTime toColumn(OpeningWindow w) {
        return w.untilMidnight() ? END_OF_DAY_COLUMN : w.close();
    }

    private static LocalTime fromColumn(LocalTime closes) {
        return closes.isBefore(END_OF_DAY_COLUMN) ? closes : OpeningWindow.END_OF_DAY;
    }

    @Override
    public void saveHours(ZoneId zone, List<OpeningWindow> windows) {
        db.update("DELETE FROM business_hours");
        List<Object[]> rows = new ArrayList<>();
        for (OpeningWindow w : windows) {
            rows.add(new Object[] {w.day().getValue(), w.open(), toColumn(w)});
        }
        db.batch("INSERT INTO business_hours (day_of_week, opens, closes) VALUES (?,?,?)", rows);
        if (db.update("UPDATE desk_settings SET setting_value=? WHERE name='zone'", zone.getId()) == 0) {
            db.update("INSERT INTO desk_settings (name, setting_value) VALUES ('zone', ?)", zone.getId());
        }
    }

    @Override
    public List<Holiday> holidays() {
        return db.list("SELECT holiday_date, name FROM holidays ORDER BY holiday_date",
                rs -> new Holiday(rs.getObject(1, LocalDate.class), rs.getString(2)));
    }

    @Override
    public boolean addHoliday(Holiday h) {
        if (db.one("SELECT 1 FROM holidays WHERE holiday_date=?", rs -> 1, h.date()).isPresent()) {
            return false;
        }
        db.update("INSERT INTO holidays (holiday_date, name) VALUES (?,?)", h.date(), h.name());
        return true;
    }

    @Override
    public boolean removeHoliday(LocalDate date) {
        return db.update("DELETE FROM holidays WHERE holiday_date=?", date) > 0;
    }
}

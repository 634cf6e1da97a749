package org.pagerline.core.calendar;

import java.time.DayOfWeek;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.TextStyle;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Turns merged weekly hours into plain English, e.g. "Monday to Friday, 8 AM to 5 PM (America/Winnipeg)". */
final class HoursText {

    private HoursText() {
    }

    static String describe(Map<DayOfWeek, List<LocalTime[]>> byDay, boolean hasHolidays, ZoneId zone) {
        List<String> groups = new ArrayList<>();
        DayOfWeek[] days = DayOfWeek.values();
        int i = 0;
        while (i < days.length) {
            String hours = hours(byDay.get(days[i]));
            int j = i;
            // Group consecutive days (Monday first) with identical hours.
            while (j + 1 < days.length && hours(byDay.get(days[j + 1])).equals(hours)) {
                j++;
            }
            if (!hours.isEmpty()) {
                groups.add(dayRange(days[i], days[j]) + ", " + hours);
            }
            i = j + 1;
        }
        String text = groups.isEmpty() ? "No opening hours" : String.join("; ", groups);
        if (hasHolidays && !groups.isEmpty()) {
            text += ", closed on holidays";
        }
        return text + " (" + zone.getId() + ")";
    }

    private static String dayRange(DayOfWeek first, DayOfWeek last) {
        if (first == last) {
            return name(first);
        }
        String joiner = last.getValue() - first.getValue() == 1 ? " and " : " to ";
        return name(first) + joiner + name(last);
    }

    private static String name(DayOfWeek d) {
        return d.getDisplayName(TextStyle.FULL, Locale.ENGLISH);
    }

    private static String hours(List<LocalTime[]> stretches) {
        List<String> parts = new ArrayList<>();
        for (LocalTime[] s : stretches) {
            if (s[0].equals(LocalTime.MIDNIGHT) && s[1].equals(OpeningWindow.END_OF_DAY)) {
                parts.add("around the clock");
                continue;
            }
            parts.add(time(s[0]) + " to " + time(s[1]));
        }
        return String.join(" and ", parts);
    }

    /** 08:00 -> "8 AM", 13:30 -> "1:30 PM", 12:00 -> "noon", 00:00 -> "midnight". */
    static String time(LocalTime t) {
        if (t.getHour() == 0 && t.getMinute() == 0) {
            return "midnight";
        }
        if (t.getHour() == 12 && t.getMinute() == 0) {
            return "noon";
        }
        int h12 = t.getHour() % 12 == 0 ? 12 : t.getHour() % 12;
        String minutes = t.getMinute() == 0 ? "" : String.format(Locale.ROOT, ":%02d", t.getMinute());
        return h12 + minutes + (t.getHour() < 12 ? " AM" : " PM");
    }
}

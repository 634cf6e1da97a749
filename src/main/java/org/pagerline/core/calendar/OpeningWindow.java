package org.pagerline.core.calendar;

import java.time.DayOfWeek;
import java.time.LocalTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The desk is open on {@code day} from {@code open} (inclusive) to {@code close} (exclusive), desk time.
 * A {@code close} of {@link #END_OF_DAY} (00:00, typed "24:00") means the end of the day: the window
 * runs up to the next midnight, so "Mon-Sun 00:00-24:00" is open around the clock, with no gap.
 */
public record OpeningWindow(DayOfWeek day, LocalTime open, LocalTime close) {

    /** As a closing time, 00:00 stands for 24:00, the end of the day. */
    public static final LocalTime END_OF_DAY = LocalTime.MIDNIGHT;
    private static final int MINUTES_PER_DAY = 24 * 60;

    // "Mon-Fri 08:00-17:00" or "Sat 10:00-14:00"
    private static final Pattern PART = Pattern.compile(
            "([A-Za-z]+)(?:\\s*-\\s*([A-Za-z]+))?\\s+(\\d{1,2}:\\d{2})\\s*-\\s*(\\d{1,2}:\\d{2})");

    public OpeningWindow {
        if (day == null || open == null || close == null) {
            throw new IllegalArgumentException("opening window needs a day, an opening and a closing time");
        }
        if (minuteOfDay(close, true) <= minuteOfDay(open, false)) {
            throw new IllegalArgumentException("opening window on " + day + " closes at " + close
                    + ", which is not after it opens at " + open
                    + " (overnight windows are not supported; split them at midnight, e.g. 'Mon 17:00-24:00, Tue 00:00-08:00')");
        }
    }

    /** True when the window runs to the end of its day (24:00). */
    public boolean untilMidnight() {
        return close.equals(END_OF_DAY);
    }

    /** Minutes from the day's start to the opening. */
    public int openMinute() {
        return minuteOfDay(open, false);
    }

    /** Minutes from the day's start to the closing: 1440 for 24:00. */
    public int closeMinute() {
        return minuteOfDay(close, true);
    }

    /** The closing time as typed: "24:00" for the end of the day. */
    public String closeText() {
        return untilMidnight() ? "24:00" : close.toString();
    }

    /** A time as minutes from the day's start; a closing 00:00 is the day's end (1440). */
    static int minuteOfDay(LocalTime t, boolean closing) {
        int m = t.getHour() * 60 + t.getMinute();
        return closing && m == 0 && t.getSecond() == 0 && t.getNano() == 0 ? MINUTES_PER_DAY : m;
    }

    /**
     * Parses a week of opening hours: comma-separated parts, each a day or day range and a time range,
     * e.g. "Mon-Fri 08:00-17:00, Sat 10:00-14:00". Day ranges may wrap ("Fri-Mon").
     * Times are 24-hour; a closing time of 24:00 is the end of the day ("Mon-Sun 00:00-24:00" is
     * open around the clock), and 24:00 is only a closing time.
     */
    public static List<OpeningWindow> parseWeek(String spec) {
        if (spec == null || spec.isBlank()) {
            throw new IllegalArgumentException("opening hours are empty (expected e.g. 'Mon-Fri 08:00-17:00')");
        }
        List<OpeningWindow> windows = new ArrayList<>();
        for (String raw : spec.split(",")) {
            String part = raw.trim();
            Matcher m = PART.matcher(part);
            if (!m.matches()) {
                throw new IllegalArgumentException("bad opening hours '" + part
                        + "' (expected e.g. 'Mon-Fri 08:00-17:00' or 'Sat 10:00-14:00')");
            }
            DayOfWeek first = day(m.group(1), part);
            DayOfWeek last = m.group(2) == null ? first : day(m.group(2), part);
            LocalTime open = time(m.group(3), part, false);
            LocalTime close = time(m.group(4), part, true);
            for (DayOfWeek d = first; ; d = d.plus(1)) {
                OpeningWindow w = new OpeningWindow(d, open, close);
                for (OpeningWindow o : windows) {
                    if (o.day() == d && o.openMinute() < w.closeMinute() && w.openMinute() < o.closeMinute()) {
                        throw new IllegalArgumentException("opening hours overlap on " + d + ": " + o.open() + "-"
                                + o.closeText() + " and " + open + "-" + w.closeText() + " (give each time once)");
                    }
                }
                windows.add(w);
                if (d == last) {
                    break;
                }
            }
        }
        return List.copyOf(windows);
    }

    private static DayOfWeek day(String text, String part) {
        String t = text.toUpperCase(Locale.ROOT);
        if (t.length() >= 3) {
            for (DayOfWeek d : DayOfWeek.values()) {
                if (d.name().startsWith(t)) {
                    return d;
                }
            }
        }
        throw new IllegalArgumentException("bad opening hours '" + part + "': unknown day '" + text
                + "' (use Mon, Tue, Wed, Thu, Fri, Sat, Sun)");
    }

    private static LocalTime time(String text, String part, boolean closing) {
        if (text.equals("24:00")) {
            if (closing) {
                return END_OF_DAY;
            }
            throw new IllegalArgumentException("bad opening hours '" + part
                    + "': 24:00 is only a closing time (open at 00:00 for the start of the day)");
        }
        try {
            return LocalTime.parse(text.length() == 4 ? "0" + text : text);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("bad opening hours '" + part + "': '" + text
                    + "' is not a time between 00:00 and 24:00");
        }
    }
}

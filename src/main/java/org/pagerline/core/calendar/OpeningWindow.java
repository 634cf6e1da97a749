package org.pagerline.core.calendar;

import java.time.DayOfWeek;
import java.time.LocalTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The desk is open on {@code day} from {@code open} (inclusive) to {@code close} (exclusive), desk time. */
public record OpeningWindow(DayOfWeek day, LocalTime open, LocalTime close) {

    // "Mon-Fri 08:00-17:00" or "Sat 10:00-14:00"
    private static final Pattern PART = Pattern.compile(
            "([A-Za-z]+)(?:\\s*-\\s*([A-Za-z]+))?\\s+(\\d{1,2}:\\d{2})\\s*-\\s*(\\d{1,2}:\\d{2})");

    public OpeningWindow {
        if (day == null || open == null || close == null) {
            throw new IllegalArgumentException("opening window needs a day, an opening and a closing time");
        }
        if (!close.isAfter(open)) {
            throw new IllegalArgumentException("opening window on " + day + " closes at " + close
                    + ", which is not after it opens at " + open
                    + " (overnight windows are not supported; split them at midnight)");
        }
    }

    /**
     * Parses a week of opening hours: comma-separated parts, each a day or day range and a time range,
     * e.g. "Mon-Fri 08:00-17:00, Sat 10:00-14:00". Day ranges may wrap ("Fri-Mon").
     * Times are 24-hour; the last closing time of a day is 23:59.
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
            LocalTime open = time(m.group(3), part);
            LocalTime close = time(m.group(4), part);
            for (DayOfWeek d = first; ; d = d.plus(1)) {
                OpeningWindow w = new OpeningWindow(d, open, close);
                for (OpeningWindow o : windows) {
                    if (o.day() == d && o.open().isBefore(close) && open.isBefore(o.close())) {
                        throw new IllegalArgumentException("opening hours overlap on " + d + ": " + o.open() + "-"
                                + o.close() + " and " + open + "-" + close + " (give each time once)");
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

    private static LocalTime time(String text, String part) {
        try {
            return LocalTime.parse(text.length() == 4 ? "0" + text : text);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("bad opening hours '" + part + "': '" + text
                    + "' is not a time between 00:00 and 23:59");
        }
    }
}

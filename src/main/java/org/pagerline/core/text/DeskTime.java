package org.pagerline.core.text;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * The one way pagerline shows an instant to a person: in the desk's zone, to the minute, with the
 * day and the zone's short name, e.g. {@code Mon 2026-12-07 09:15 CST}. Machines get ISO-8601 UTC
 * ({@code Instant.toString()}) instead.
 */
public final class DeskTime {
    private static final DateTimeFormatter PEOPLE = DateTimeFormatter.ofPattern("EEE yyyy-MM-dd HH:mm zzz", Locale.ENGLISH);

    private DeskTime() {}

    /** {@code Mon 2026-12-07 09:15 CST}; "-" for null. Seconds are dropped, never rounded up. */
    public static String format(Instant at, ZoneId zone) {
        return at == null ? "-" : PEOPLE.format(at.atZone(zone));
    }

    /** A duration for people: "2 d 3 h", "4 h 05 min", "12 min", "0 min"; negative as "-12 min". */
    public static String duration(java.time.Duration d) {
        if (d == null) {
            return "-";
        }
        String sign = d.isNegative() ? "-" : "";
        long minutes = Math.abs(d.toMinutes());
        long days = minutes / (24 * 60);
        long hours = minutes / 60 % 24;
        long mins = minutes % 60;
        if (days > 0) {
            return sign + days + " d " + hours + " h";
        }
        if (hours > 0) {
            return sign + hours + " h " + String.format(Locale.ROOT, "%02d", mins) + " min";
        }
        return sign + mins + " min";
    }
}

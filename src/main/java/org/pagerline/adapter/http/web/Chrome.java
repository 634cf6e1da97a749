package org.pagerline.adapter.http.web;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * What every page's frame needs (title, the signed-in person, the CSRF token for forms and htmx)
 * and the one way times are shown to people: the desk's zone, {@code Mon 2026-12-07 09:15 CST}.
 */
public record Chrome(String title, String csrf, String user, String role, boolean admin, ZoneId zone, Instant now) {
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("EEE yyyy-MM-dd HH:mm zzz", Locale.ENGLISH);
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm", Locale.ENGLISH);

    public String time(Instant i) {
        return i == null ? "" : WHEN.format(i.atZone(zone));
    }

    public String hhmm(Instant i) {
        return i == null ? "" : CLOCK.format(i.atZone(zone));
    }

    /** "4m 05s", "2h 10m", "3d 4h": how long from {@code from} to now. */
    public String since(Instant from) {
        return from == null ? "" : span(Duration.between(from, now));
    }

    /** "in 2h 10m" or "5m ago". */
    public String until(Instant due) {
        if (due == null) {
            return "";
        }
        Duration d = Duration.between(now, due);
        return d.isNegative() ? span(d.negated()) + " ago" : "in " + span(d);
    }

    static String span(Duration d) {
        long s = Math.max(0, d.getSeconds());
        if (s < 3600) {
            return String.format("%dm %02ds", s / 60, s % 60);
        }
        if (s < 86_400) {
            return String.format("%dh %02dm", s / 3600, (s % 3600) / 60);
        }
        return String.format("%dd %dh", s / 86_400, (s % 86_400) / 3600);
    }

    public String lower(Object o) {
        return o == null ? "" : o.toString().toLowerCase(Locale.ROOT).replace('_', ' ');
    }

    public String orDash(Object o) {
        return o == null || o.toString().isBlank() ? "–" : o.toString();
    }
}

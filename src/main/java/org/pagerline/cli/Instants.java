package org.pagerline.cli;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import org.pagerline.service.ValidationException;

/** Reads instants typed on the command line. */
final class Instants {
    private Instants() {}

    /**
     * ISO-8601 with an offset ({@code 2026-11-23T03:00:00-06:00}, {@code ...Z}); a local
     * date-time or a bare date is read in {@code zone} (the desk's).
     */
    static Instant parse(String option, String text, ZoneId zone) {
        String t = text == null ? "" : text.trim();
        try {
            return OffsetDateTime.parse(t).toInstant();
        } catch (DateTimeException ignored) {
            // try the local forms
        }
        try {
            return LocalDateTime.parse(t).atZone(zone).toInstant();
        } catch (DateTimeException ignored) {
            // try a bare date
        }
        try {
            return LocalDate.parse(t).atStartOfDay(zone).toInstant();
        } catch (DateTimeException e) {
            throw new ValidationException(option + " '" + text
                    + "' is not an ISO-8601 instant (e.g. 2026-11-23T03:00:00-06:00, or 2026-11-23T03:00 in the desk zone)");
        }
    }

    /** An instant as the desk (or a rotation) reads it: "2026-11-23 17:00 CST". */
    static String local(Instant at, ZoneId zone) {
        return LOCAL.format(at.atZone(zone));
    }

    private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm z");
}

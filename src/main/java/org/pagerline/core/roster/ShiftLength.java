package org.pagerline.core.roster;

import java.time.LocalDateTime;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** How long one person holds a rotation, e.g. 12 hours or 1 week. */
public record ShiftLength(int amount, ShiftUnit unit) {

    private static final Pattern SYNTAX = Pattern.compile("(\\d+)\\s*([a-z]+)");

    public ShiftLength {
        if (unit == null) {
            throw new IllegalArgumentException("shift length has no unit");
        }
        if (amount <= 0) {
            throw new IllegalArgumentException(
                    "shift length must be positive, got " + amount + " " + unit.name().toLowerCase(Locale.ROOT));
        }
    }

    /** Accepts "12h", "1d", "2w", "12 hours", "1 week", "3 days", "8 hrs", ... */
    public static ShiftLength parse(String s) {
        String text = s == null ? "" : s.trim().toLowerCase(Locale.ROOT);
        Matcher m = SYNTAX.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException(
                    "bad shift length '" + s + "' (expected e.g. 12h, 1d, 2w, 12 hours, 1 week)");
        }
        ShiftUnit unit = switch (m.group(2)) {
            case "h", "hr", "hrs", "hour", "hours" -> ShiftUnit.HOURS;
            case "d", "day", "days" -> ShiftUnit.DAYS;
            case "w", "wk", "wks", "week", "weeks" -> ShiftUnit.WEEKS;
            default -> throw new IllegalArgumentException(
                    "bad shift length '" + s + "': unknown unit '" + m.group(2) + "' (use hours, days or weeks)");
        };
        int amount;
        try {
            amount = Integer.parseInt(m.group(1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad shift length '" + s + "': " + m.group(1) + " is too large");
        }
        return new ShiftLength(amount, unit);
    }

    /** {@code t} plus {@code n} shifts, in local date-time arithmetic (n may be negative). */
    LocalDateTime addTo(LocalDateTime t, long n) {
        long units = Math.multiplyExact(n, (long) amount);
        return switch (unit) {
            case HOURS -> t.plusHours(units);
            case DAYS -> t.plusDays(units);
            case WEEKS -> t.plusWeeks(units);
        };
    }

    /** Nominal length in seconds, ignoring daylight-saving changes; only used to estimate. */
    long nominalSeconds() {
        long hours = switch (unit) {
            case HOURS -> 1;
            case DAYS -> 24;
            case WEEKS -> 24 * 7;
        };
        return amount * hours * 3600L;
    }

    @java.lang.Override // plain @Override would mean this package's Override record
    public String toString() {
        String u = unit.name().toLowerCase(Locale.ROOT);
        return amount + " " + (amount == 1 ? u.substring(0, u.length() - 1) : u);
    }
}

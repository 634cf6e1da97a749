package org.pagerline.core.calendar;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The help desk's opening hours: weekly windows in one zone, minus whole-day holidays.
 * Windows on the same day that touch or overlap count as one stretch of opening.
 */
public final class BusinessCalendar {

    /** How far ahead any search walks before giving up (holiday runs are finite, so this is generous). */
    private static final int SEARCH_DAYS = 366 * 10;
    /** How far {@link #closesAt} follows a desk open across midnights before saying it does not close. */
    static final int CONTINUOUS_DAYS = 400;

    private final ZoneId zone;
    private final List<OpeningWindow> windows;
    private final Set<Holiday> holidays;
    private final Set<LocalDate> holidayDates;
    /** Per weekday: merged local opening stretches, sorted. */
    private final Map<DayOfWeek, List<LocalTime[]>> byDay = new EnumMap<>(DayOfWeek.class);

    public BusinessCalendar(ZoneId zone, List<OpeningWindow> windows, Collection<Holiday> holidays) {
        if (zone == null) {
            throw new IllegalArgumentException("business calendar has no time zone");
        }
        if (windows == null || windows.stream().anyMatch(Objects::isNull)) {
            throw new IllegalArgumentException("business calendar windows must be a list without nulls");
        }
        if (holidays == null || holidays.stream().anyMatch(Objects::isNull)) {
            throw new IllegalArgumentException("business calendar holidays must be a collection without nulls");
        }
        this.zone = zone;
        this.windows = List.copyOf(windows);
        this.holidays = Set.copyOf(holidays);
        this.holidayDates = holidays.stream().map(Holiday::date).collect(Collectors.toUnmodifiableSet());
        for (DayOfWeek day : DayOfWeek.values()) {
            byDay.put(day, merge(day));
        }
    }

    /** Monday to Friday, 08:00 to 17:00, America/Winnipeg, no holidays. */
    public static BusinessCalendar defaultDesk() {
        return new BusinessCalendar(ZoneId.of("America/Winnipeg"),
                OpeningWindow.parseWeek("Mon-Fri 08:00-17:00"), List.of());
    }

    public ZoneId zone() {
        return zone;
    }

    public List<OpeningWindow> windows() {
        return windows;
    }

    public Set<Holiday> holidays() {
        return holidays;
    }

    public boolean isOpen(Instant at) {
        return stretchAt(at).isPresent();
    }

    /**
     * The next instant, at or after {@code at}, at which an opening stretch begins. If the desk is
     * open at {@code at} that is the start of a later stretch, not {@code at}. Empty if there are no windows.
     */
    public Optional<Instant> nextOpening(Instant at) {
        if (windows.isEmpty()) {
            return Optional.empty();
        }
        LocalDate date = LocalDate.ofInstant(at, zone);
        for (int i = 0; i < SEARCH_DAYS; i++, date = date.plusDays(1)) {
            for (Instant[] s : stretches(date)) {
                if (!s[0].isBefore(at)) {
                    return Optional.of(s[0]);
                }
            }
        }
        return Optional.empty();
    }

    /**
     * When the desk, open at {@code at}, next closes: the end of its stretch, followed across midnight
     * when the next day opens at 00:00 (a desk open "00:00-24:00" every day does not close at
     * midnight). Empty if it is closed at {@code at}, or if it does not close within
     * {@link #CONTINUOUS_DAYS} days (open around the clock).
     */
    public Optional<Instant> closesAt(Instant at) {
        Optional<Instant[]> first = stretchAt(at);
        if (first.isEmpty()) {
            return Optional.empty();
        }
        Instant end = first.get()[1];
        for (int i = 0; i < CONTINUOUS_DAYS; i++) {
            Optional<Instant[]> next = stretchAt(end); // the next day's stretch from 00:00, if it has one
            if (next.isEmpty()) {
                return Optional.of(end);
            }
            end = next.get()[1];
        }
        return Optional.empty();
    }

    /** True when the desk is open at every instant of the week (and closes only on holidays, if any). */
    public boolean openAroundTheClock() {
        for (DayOfWeek d : DayOfWeek.values()) {
            List<LocalTime[]> h = byDay.get(d);
            if (h.size() != 1 || !h.get(0)[0].equals(LocalTime.MIDNIGHT) || !h.get(0)[1].equals(OpeningWindow.END_OF_DAY)) {
                return false;
            }
        }
        return true;
    }

    /**
     * The business-hours clock: {@code start} plus {@code d} of open time, skipping nights,
     * weekends and holidays. If the time runs out exactly at closing, the closing instant is returned.
     *
     * @throws IllegalStateException if {@code d} is positive and the desk never opens
     */
    public Instant addBusinessTime(Instant start, Duration d) {
        if (d.isNegative()) {
            throw new IllegalArgumentException("business time to add must not be negative, got " + d);
        }
        if (d.isZero()) {
            return start;
        }
        if (windows.isEmpty()) {
            throw new IllegalStateException("cannot add business time: the calendar has no opening hours");
        }
        Duration remaining = d;
        LocalDate date = LocalDate.ofInstant(start, zone);
        long maxDays = Math.max(SEARCH_DAYS, d.toDays() * 7 + SEARCH_DAYS);
        for (long i = 0; i < maxDays; i++, date = date.plusDays(1)) {
            for (Instant[] s : stretches(date)) {
                if (!s[1].isAfter(start)) {
                    continue;
                }
                Instant from = s[0].isAfter(start) ? s[0] : start;
                Duration available = Duration.between(from, s[1]);
                if (remaining.compareTo(available) <= 0) {
                    return from.plus(remaining);
                }
                remaining = remaining.minus(available);
            }
        }
        throw new IllegalStateException("cannot add " + d + " of business time to " + start
                + ": the desk does not open enough within " + maxDays + " days");
    }

    /**
     * The opening of the first business day after the local date of {@code at}
     * (for "we'll call you back the next business day").
     *
     * @throws IllegalStateException if the desk never opens
     */
    public Instant nextBusinessDayStart(Instant at) {
        LocalDate date = LocalDate.ofInstant(at, zone).plusDays(1);
        if (!windows.isEmpty()) {
            for (int i = 0; i < SEARCH_DAYS; i++, date = date.plusDays(1)) {
                List<Instant[]> s = stretches(date);
                if (!s.isEmpty()) {
                    return s.get(0)[0];
                }
            }
        }
        throw new IllegalStateException("the business calendar has no opening hours");
    }

    /** The merged opening stretches of {@code day} as [open, close) desk times, earliest first; empty when closed. */
    public List<LocalTime[]> hoursOn(DayOfWeek day) {
        return byDay.get(day).stream().map(LocalTime[]::clone).toList();
    }

    /** E.g. "Monday to Friday, 8 AM to 5 PM (America/Winnipeg)"; suits a voice read-out. */
    public String describeHours() {
        return HoursText.describe(byDay, !holidays.isEmpty(), zone);
    }

    @Override
    public String toString() {
        return "BusinessCalendar[" + describeHours() + "]";
    }

    // --- internals ---

    private Optional<Instant[]> stretchAt(Instant at) {
        for (Instant[] s : stretches(LocalDate.ofInstant(at, zone))) {
            if (!at.isBefore(s[0]) && at.isBefore(s[1])) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    /** Opening stretches of one local date as [open, close) instants; none on a holiday. */
    private List<Instant[]> stretches(LocalDate date) {
        if (holidayDates.contains(date)) {
            return List.of();
        }
        List<Instant[]> out = new ArrayList<>(2);
        for (LocalTime[] w : byDay.get(date.getDayOfWeek())) {
            Instant open = date.atTime(w[0]).atZone(zone).toInstant();
            // a closing 00:00 is 24:00: the next day's start (its first instant, even if a DST change moves it)
            Instant close = w[1].equals(OpeningWindow.END_OF_DAY) ? date.plusDays(1).atStartOfDay(zone).toInstant()
                    : date.atTime(w[1]).atZone(zone).toInstant();
            if (close.isAfter(open)) { // a window wholly inside a DST gap vanishes
                out.add(new Instant[] {open, close});
            }
        }
        return out;
    }

    private List<LocalTime[]> merge(DayOfWeek day) {
        List<OpeningWindow> sorted = windows.stream()
                .filter(w -> w.day() == day)
                .sorted(Comparator.comparing(OpeningWindow::open))
                .toList();
        List<LocalTime[]> merged = new ArrayList<>();
        List<Integer> closeMinutes = new ArrayList<>();
        for (OpeningWindow w : sorted) {
            int last = closeMinutes.isEmpty() ? -1 : closeMinutes.get(closeMinutes.size() - 1);
            if (last >= 0 && w.openMinute() <= last) {
                if (w.closeMinute() > last) {
                    merged.get(merged.size() - 1)[1] = w.close();
                    closeMinutes.set(closeMinutes.size() - 1, w.closeMinute());
                }
            } else {
                merged.add(new LocalTime[] {w.open(), w.close()});
                closeMinutes.add(w.closeMinute());
            }
        }
        return List.copyOf(merged);
    }
}

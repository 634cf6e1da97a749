package org.pagerline.core.ticket;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.pagerline.core.calendar.BusinessCalendar;
import org.pagerline.core.calendar.Holiday;

/**
 * Clock arithmetic for service levels: how much time a clock counts between two instants, and
 * when a given amount has been counted, with pauses left out. A {@link Basis#WALL} clock counts
 * every second; a {@link Basis#BUSINESS} clock counts only the desk's open time (its weekly hours
 * in its zone, minus whole-day holidays), so nights, weekends, holidays and daylight-saving
 * changes (which fall at night) cost nothing. Pure: built over one calendar.
 *
 * <p>A desk with no opening hours has no business clock to stop: business clocks then run on the
 * wall clock (and a business day is 24 h), so a ticket still gets a deadline rather than none.
 */
public final class CountedTime {

    /** What a clock counts. */
    public enum Basis {
        /** Every second, 24x7 (P1/P2, the urgent call-back promise). */
        WALL,
        /** The desk's open time only. */
        BUSINESS
    }

    /** How far any walk goes before giving up (ten years of days). */
    private static final int SEARCH_DAYS = 3660;
    private static final Instant FAR = Instant.parse("9999-01-01T00:00:00Z");

    private final BusinessCalendar calendar;
    private final ZoneId zone;
    private final Set<LocalDate> holidays;
    private final Map<DayOfWeek, List<LocalTime[]>> hours = new EnumMap<>(DayOfWeek.class);
    private final boolean noHours;
    private final Duration businessDay;

    public CountedTime(BusinessCalendar calendar) {
        this.calendar = calendar;
        this.zone = calendar.zone();
        this.holidays = calendar.holidays().stream().map(Holiday::date).collect(Collectors.toUnmodifiableSet());
        Duration longest = Duration.ZERO;
        for (DayOfWeek d : DayOfWeek.values()) {
            List<LocalTime[]> h = calendar.hoursOn(d);
            hours.put(d, h);
            Duration day = Duration.ZERO;
            for (LocalTime[] w : h) {
                day = day.plus(Duration.between(w[0], w[1]));
            }
            if (day.compareTo(longest) > 0) {
                longest = day;
            }
        }
        this.noHours = longest.isZero();
        this.businessDay = noHours ? Duration.ofHours(24) : longest;
    }

    public BusinessCalendar calendar() {
        return calendar;
    }

    public ZoneId zone() {
        return zone;
    }

    /**
     * One business day: the open time of the desk's longest day in its weekly hours (9 h for
     * Mon-Fri 08:00-17:00). N business days are N times that, counted as open time only.
     */
    public Duration businessDay() {
        return businessDay;
    }

    /**
     * The instant at which {@code amount} has been counted from {@code start}, leaving out the
     * pauses; empty when the count runs into a pause that has not ended (the clock is paused).
     * Time that runs out exactly at a closing is due at that closing.
     */
    public Optional<Instant> add(Basis basis, Instant start, Duration amount, List<Pause> pauses) {
        if (amount.isNegative()) {
            throw new IllegalArgumentException("a clock cannot count a negative amount: " + amount);
        }
        List<Pause> ps = merged(pauses);
        Duration remaining = amount;
        int pi = 0;
        for (Segments seg = segments(basis, start); seg.next(); ) {
            Instant cursor = seg.from.isBefore(start) ? start : seg.from;
            Instant end = seg.to;
            if (!end.isAfter(cursor)) {
                continue;
            }
            while (pi < ps.size() && ps.get(pi).until() != null && !ps.get(pi).until().isAfter(cursor)) {
                pi++;   // pauses wholly before this segment's counted part
            }
            for (int k = pi; k < ps.size() && cursor.isBefore(end); k++) {
                Pause p = ps.get(k);
                if (!p.from().isBefore(end)) {
                    break;
                }
                if (p.from().isAfter(cursor)) {
                    Duration avail = span(cursor, p.from());
                    if (remaining.compareTo(avail) <= 0) {
                        return Optional.of(cursor.plus(remaining));
                    }
                    remaining = remaining.minus(avail);
                }
                if (p.until() == null) {
                    return Optional.empty();
                }
                if (p.until().isAfter(cursor)) {
                    cursor = p.until();
                }
            }
            if (cursor.isBefore(end)) {
                Duration avail = span(cursor, end); // the wall clock's last segment ends at FAR
                if (remaining.compareTo(avail) <= 0) {
                    return Optional.of(cursor.plus(remaining));
                }
                remaining = remaining.minus(avail);
            }
        }
        // the desk never opened within reach (holidays everywhere): count the rest on the wall clock
        return Optional.of(start.plus(amount));
    }

    /**
     * {@code Duration.between(a, b)}, counted in seconds. Duration.between counts in nanoseconds
     * first, and past 292 years (the wall clock's segment runs to {@link #FAR}) that overflows: the
     * JDK throws and catches an ArithmeticException inside, each time through the interpreter (the
     * compiled code traps there). At 500 urgent callers that was 1,200 times a second.
     */
    static Duration span(Instant a, Instant b) {
        return Duration.ofSeconds(b.getEpochSecond() - a.getEpochSecond(), (long) b.getNano() - a.getNano());
    }

    /** Counted time in [{@code from}, {@code to}), leaving out the pauses (an open pause runs to {@code to}). */
    public Duration between(Basis basis, Instant from, Instant to, List<Pause> pauses) {
        if (!to.isAfter(from)) {
            return Duration.ZERO;
        }
        List<Pause> ps = merged(pauses);
        Duration total = Duration.ZERO;
        for (Segments seg = segments(basis, from); seg.next(); ) {
            if (!seg.from.isBefore(to)) {
                break;
            }
            Instant a = seg.from.isBefore(from) ? from : seg.from;
            Instant b = seg.to.isAfter(to) ? to : seg.to;
            if (!b.isAfter(a)) {
                continue;
            }
            Duration d = Duration.between(a, b);
            for (Pause p : ps) {
                Instant pf = p.from().isAfter(a) ? p.from() : a;
                Instant pu = p.until() == null || p.until().isAfter(b) ? b : p.until();
                if (pu.isAfter(pf)) {
                    d = d.minus(Duration.between(pf, pu));
                }
            }
            total = total.plus(d);
        }
        return total;
    }

    /**
     * The close of the next business day: the last closing instant of the first open day after the
     * desk-local date of {@code at} (P5's "next business day"). A desk with no hours: 24 h later.
     */
    public Instant closeOfNextBusinessDay(Instant at) {
        if (noHours) {
            return at.plus(Duration.ofHours(24));
        }
        LocalDate d = LocalDate.ofInstant(at, zone).plusDays(1);
        for (int i = 0; i < SEARCH_DAYS; i++, d = d.plusDays(1)) {
            List<Instant[]> s = stretches(d);
            if (!s.isEmpty()) {
                return s.get(s.size() - 1)[1];
            }
        }
        return at.plus(Duration.ofHours(24));
    }

    private List<Instant[]> stretches(LocalDate date) {
        if (holidays.contains(date)) {
            return List.of();
        }
        List<LocalTime[]> h = hours.get(date.getDayOfWeek());
        List<Instant[]> out = new ArrayList<>(h.size());
        for (LocalTime[] w : h) {
            Instant open = date.atTime(w[0]).atZone(zone).toInstant();
            Instant close = date.atTime(w[1]).atZone(zone).toInstant();
            if (close.isAfter(open)) {
                out.add(new Instant[] {open, close});
            }
        }
        return out;
    }

    /** The counted stretches from the day of {@code start} on, in order. */
    private Segments segments(Basis basis, Instant start) {
        return basis == Basis.WALL || noHours ? new Segments(start) : new Segments(LocalDate.ofInstant(start, zone));
    }

    private final class Segments {
        private final boolean wall;
        private boolean wallDone;
        private LocalDate date;
        private int days;
        private List<Instant[]> today = List.of();
        private int index;
        Instant from;
        Instant to;

        Segments(Instant wallStart) {
            this.wall = true;
            this.from = wallStart;
            this.to = FAR;
        }

        Segments(LocalDate first) {
            this.wall = false;
            this.date = first.minusDays(1);
        }

        boolean next() {
            if (wall) {
                if (wallDone) {
                    return false;
                }
                wallDone = true;
                return true;
            }
            while (index >= today.size()) {
                if (days++ >= SEARCH_DAYS) {
                    return false;
                }
                date = date.plusDays(1);
                today = stretches(date);
                index = 0;
            }
            Instant[] s = today.get(index++);
            from = s[0];
            to = s[1];
            return true;
        }
    }

    /** Sorted by start, overlapping ones joined; an open pause swallows everything after it. */
    static List<Pause> merged(List<Pause> pauses) {
        if (pauses.isEmpty()) {
            return pauses;
        }
        List<Pause> sorted = new ArrayList<>(pauses);
        sorted.sort(Comparator.comparing(Pause::from));
        List<Pause> out = new ArrayList<>();
        for (Pause p : sorted) {
            Pause last = out.isEmpty() ? null : out.get(out.size() - 1);
            if (last != null && (last.until() == null || !p.from().isAfter(last.until()))) {
                if (last.until() != null && (p.until() == null || p.until().isAfter(last.until()))) {
                    out.set(out.size() - 1, new Pause(last.from(), p.until(), last.reason()));
                }
            } else {
                out.add(p);
            }
        }
        return out;
    }
}

package org.pagerline.core.call;

import java.time.DayOfWeek;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.pagerline.core.calendar.BusinessCalendar;

/**
 * The desk's weekly hours as sound files, for the out-of-hours caller: Asterisk's English core
 * sounds (digits/day-N, digits/N, digits/oh, digits/a-m, digits/p-m) joined by pagerline's
 * "to" and "and". "Mon-Fri 08:00-17:00, Sat 10:00-14:30" is read as: Monday to Friday, 8 AM
 * to 5 PM; Saturday, 10 AM to 2 30 PM. Days with the same hours are grouped as
 * {@link BusinessCalendar#describeHours()} groups them. Every sound it can produce is in
 * {@link #everySound()} (DialplanLintTest checks them against core-sounds-used.txt).
 */
public final class HoursReadout {
    private HoursReadout() {
    }

    public static List<String> sounds(BusinessCalendar cal) {
        List<String> out = new ArrayList<>();
        DayOfWeek[] days = DayOfWeek.values(); // Monday first
        int i = 0;
        while (i < days.length) {
            String key = key(cal.hoursOn(days[i]));
            int j = i;
            while (j + 1 < days.length && key(cal.hoursOn(days[j + 1])).equals(key)) {
                j++;
            }
            if (!key.isEmpty()) {
                out.add(day(days[i]));
                if (j > i) {
                    out.add(j - i == 1 ? Prompt.HOURS_AND.file() : Prompt.HOURS_TO.file());
                    out.add(day(days[j]));
                }
                List<LocalTime[]> stretches = cal.hoursOn(days[i]);
                for (int k = 0; k < stretches.size(); k++) {
                    if (k > 0) {
                        out.add(Prompt.HOURS_AND.file());
                    }
                    time(stretches.get(k)[0], out);
                    out.add(Prompt.HOURS_TO.file());
                    time(stretches.get(k)[1], out);
                }
            }
            i = j + 1;
        }
        if (!out.isEmpty() && !cal.holidays().isEmpty()) {
            out.add(Prompt.HOURS_HOLIDAYS.file());
        }
        return out;
    }

    /** Every sound {@link #sounds} may play. */
    public static Set<String> everySound() {
        Set<String> s = new LinkedHashSet<>();
        for (int d = 0; d <= 6; d++) {
            s.add("digits/day-" + d);
        }
        for (int n = 1; n <= 19; n++) {
            s.add("digits/" + n);
        }
        for (int n = 20; n <= 50; n += 10) {
            s.add("digits/" + n);
        }
        s.addAll(List.of("digits/oh", "digits/a-m", "digits/p-m", Prompt.HOURS_TO.file(), Prompt.HOURS_AND.file(),
                Prompt.HOURS_HOLIDAYS.file()));
        return s;
    }

    /** Asterisk's English day names: digits/day-0 is Sunday. */
    private static String day(DayOfWeek d) {
        return "digits/day-" + (d.getValue() % 7);
    }

    /** 08:00 -> 8 a-m; 13:30 -> 1 30 p-m; 09:05 -> 9 oh 5 a-m; 12:00 -> 12 p-m; 00:00 -> 12 a-m. */
    private static void time(LocalTime t, List<String> out) {
        int h12 = t.getHour() % 12 == 0 ? 12 : t.getHour() % 12;
        out.add("digits/" + h12);
        int m = t.getMinute();
        if (m > 0 && m < 10) {
            out.add("digits/oh");
            out.add("digits/" + m);
        } else if (m >= 10 && m < 20) {
            out.add("digits/" + m);
        } else if (m >= 20) {
            out.add("digits/" + (m / 10 * 10));
            if (m % 10 != 0) {
                out.add("digits/" + (m % 10));
            }
        }
        out.add(t.getHour() < 12 ? "digits/a-m" : "digits/p-m");
    }

    private static String key(List<LocalTime[]> stretches) {
        StringBuilder b = new StringBuilder();
        for (LocalTime[] s : stretches) {
            b.append(s[0]).append('-').append(s[1]).append(' ');
        }
        return b.toString();
    }
}

package org.pagerline.core.call;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the facts out of the AMI helper's queue-event sentences ("abandoned at position 3 after
 * 4m12s", "answered by Alice Smith after 35s"), so they land in columns as well as on the timeline.
 * Lenient: a sentence without the fact gives empty.
 */
public final class QueueEventText {
    private static final Pattern POSITION = Pattern.compile("position\\s+(\\d+)", Pattern.CASE_INSENSITIVE);
    private static final Pattern AFTER = Pattern.compile("after\\s+((?:\\d+\\s*[hms]\\s*)+)", Pattern.CASE_INSENSITIVE);
    private static final Pattern PART = Pattern.compile("(\\d+)\\s*([hms])", Pattern.CASE_INSENSITIVE);
    private static final Pattern BY = Pattern.compile("\\bby\\s+(.+?)(?:\\s+after\\s+.*)?$", Pattern.CASE_INSENSITIVE);

    private QueueEventText() {}

    public static Optional<Integer> position(String detail) {
        Matcher m = POSITION.matcher(detail == null ? "" : detail);
        return m.find() ? Optional.of(Integer.parseInt(m.group(1))) : Optional.empty();
    }

    /** "after 4m12s" as seconds. */
    public static Optional<Long> waitedSeconds(String detail) {
        Matcher m = AFTER.matcher(detail == null ? "" : detail);
        if (!m.find()) {
            return Optional.empty();
        }
        long total = 0;
        Matcher p = PART.matcher(m.group(1));
        while (p.find()) {
            long n = Long.parseLong(p.group(1));
            total += switch (Character.toLowerCase(p.group(2).charAt(0))) {
                case 'h' -> n * 3600;
                case 'm' -> n * 60;
                default -> n;
            };
        }
        return Optional.of(total);
    }

    /** "answered by Alice Smith" → "Alice Smith". */
    public static Optional<String> answeredBy(String detail) {
        Matcher m = BY.matcher(detail == null ? "" : detail.trim());
        return m.find() ? Optional.of(m.group(1).trim()) : Optional.empty();
    }
}

package org.pagerline.core.page;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a technician's SMS reply asks for. Forgiving: "12a", "12 A", "#12a", "12 ack" for
 * incident 12; a bare "a", "ack", "ok" or "4" for the open incident paged to that phone; "aa" every
 * incident of the newest (bundled) page to that phone; "c" called back (the incident the sender
 * acknowledged), "e" pass it on; STOP and START as carriers define them. The SMS adapter parses the
 * words; the paging service sees only the meaning.
 *
 * @param code the reply code quoted, or null for "the one incident awaiting this sender" (paging decides)
 * @param words the message as received (for the record; the meaning is in {@code action} and {@code code})
 */
public record SmsCommand(Action action, String code, String words) {

    public enum Action { ACKNOWLEDGE, ACKNOWLEDGE_ALL, CALLED_BACK, ESCALATE, STOP, START, HELP, UNKNOWN }

    private static final Pattern CODED = Pattern.compile("#?(\\d{1,9})\\s*([a-z]+)");

    public SmsCommand(Action action, String code) {
        this(action, code, null);
    }

    /** Two replies are equal when they mean the same: the words they were written in do not count. */
    @Override
    public boolean equals(Object o) {
        return o instanceof SmsCommand c && c.action == action && java.util.Objects.equals(c.code, code);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(action, code);
    }

    public static SmsCommand parse(String body) {
        SmsCommand c = meaning(body);
        return new SmsCommand(c.action(), c.code(), body);
    }

    private static SmsCommand meaning(String body) {
        String s = body == null ? "" : body.trim().toLowerCase(Locale.ROOT).replaceAll("[.!]+$", "").trim();
        switch (s) {
            case "stop", "stopall", "unsubscribe", "cancel", "end", "quit":
                return new SmsCommand(Action.STOP, null);
            case "start", "unstop":
                return new SmsCommand(Action.START, null);
            case "help", "info", "?", "":
                return new SmsCommand(Action.HELP, null);
            case "aa", "all", "ack all", "a all":
                return new SmsCommand(Action.ACKNOWLEDGE_ALL, null);
            default:
                break;
        }
        Action bare = letter(s);
        if (bare != null) {
            return new SmsCommand(bare, null);
        }
        Matcher m = CODED.matcher(s);
        if (m.matches()) {
            Action a = letter(m.group(2));
            if (a != null) {
                return new SmsCommand(a, m.group(1));
            }
        }
        return new SmsCommand(Action.UNKNOWN, null);
    }

    private static Action letter(String s) {
        return switch (s) {
            case "a", "ack", "ok", "4" -> Action.ACKNOWLEDGE;
            case "c", "called", "cb" -> Action.CALLED_BACK;
            case "e", "esc", "escalate", "pass", "5" -> Action.ESCALATE;
            default -> null;
        };
    }
}

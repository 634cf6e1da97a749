package org.pagerline.core.call;

import java.util.Locale;

/**
 * The steps of a support-line call, in the order a caller can meet them. The support-line script
 * announces each one to Asterisk in the channel variable PAGERLINE_STEP (so the dialplan's hang-up
 * handler, the simulator's {@code --hangup-at} and the ticket all name the same step).
 */
public enum CallStep {
    GREETING, URGENCY, PRIORITY, RINGING, HOURS, MENU, QUEUE, CALLBACK, RECORDING, TICKET;

    /** The lower-case name used on the wire and on the command line. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static CallStep parse(String s) {
        String key = s == null ? "" : s.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        for (CallStep c : values()) {
            if (c.name().equals(key)) {
                return c;
            }
        }
        throw new IllegalArgumentException("unknown call step '" + s + "' (expected one of "
                + java.util.Arrays.stream(values()).map(CallStep::wireName).toList() + ")");
    }
}

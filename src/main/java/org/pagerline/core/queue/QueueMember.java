package org.pagerline.core.queue;

import java.time.Instant;

/**
 * One member of Asterisk's queue as Asterisk last reported it (set by the AMI adapter).
 *
 * @param memberInterface the dial string Asterisk rings ("PJSIP/12045550123@trunk")
 * @param technicianName the technician this interface belongs to; null for a member pagerline did not add
 * @param state NOT_IN_USE, IN_USE, BUSY, RINGING, ON_HOLD, UNAVAILABLE, INVALID, UNKNOWN (Asterisk device state)
 * @param since when this state was reported
 */
public record QueueMember(String memberInterface, String technicianName, String state, boolean paused, Instant since) {

    /** Asterisk's numeric device state (QueueMember Status field) as a word. */
    public static String deviceState(Integer status) {
        if (status == null) {
            return "UNKNOWN";
        }
        return switch (status) {
            case 1 -> "NOT_IN_USE";
            case 2 -> "IN_USE";
            case 3 -> "BUSY";
            case 4 -> "INVALID";
            case 5 -> "UNAVAILABLE";
            case 6 -> "RINGING";
            case 7 -> "RINGING_IN_USE";
            case 8 -> "ON_HOLD";
            default -> "UNKNOWN";
        };
    }
}

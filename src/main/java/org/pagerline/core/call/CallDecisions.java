package org.pagerline.core.call;

import java.util.Locale;
import org.pagerline.core.ticket.Priority;

/** The support line's decisions, as pure functions of what is known about the call. */
public final class CallDecisions {
    private CallDecisions() {}

    /** Key '1' on the urgency menu means urgent. */
    public static boolean urgent(char key) {
        return key == '1';
    }

    /** Priority menu: 1 company-wide outage (P1), 2 server or site down (P2), anything else other urgent (P3). */
    public static Priority priority(char key) {
        return switch (key) {
            case '1' -> Priority.P1;
            case '2' -> Priority.P2;
            default -> Priority.P3;
        };
    }

    /** After-hours menu: '2' chooses the urgent path, anything else leaves a message. */
    public static boolean afterHoursUrgent(char key) {
        return key == '2';
    }

    /** Urgent callers are served at any hour; the others by the desk's hours. */
    public static Route route(boolean urgent, boolean deskOpen, boolean primaryOnCall) {
        if (urgent) {
            return primaryOnCall ? Route.RING_PRIMARY : Route.URGENT_MESSAGE;
        }
        return deskOpen ? Route.QUEUE : Route.AFTER_HOURS;
    }

    /**
     * Was the caller put through to the technician? Only when Dial says ANSWER *and* the
     * technician pressed the accept key: an answering machine also makes Dial say ANSWER.
     */
    public static boolean connected(String dialStatus, boolean acceptedByKey) {
        return acceptedByKey && "ANSWER".equals(norm(dialStatus));
    }

    /**
     * What the ticket says when the on-call technician was rung but not put through, by what
     * happened (Dial's DIALSTATUS): their phone answered but nobody pressed 1 (a voicemail greeting,
     * or they did not press it), it rang out, it was busy, or it could not be reached.
     */
    public static String notAcceptedText(String techName, String dialStatus, long ringSeconds) {
        String status = norm(dialStatus);
        return switch (status) {
            case "ANSWER" -> techName + "'s phone answered, but nobody pressed 1 to accept (a voicemail greeting?)";
            case "NOANSWER" -> techName + " did not answer within " + ringSeconds + " s";
            case "BUSY" -> techName + "'s phone was busy";
            case "CHANUNAVAIL", "CONGESTION" -> techName + " could not be reached (DIALSTATUS " + status + ")";
            case "" -> techName + " was not put through (DIALSTATUS unset)";
            default -> techName + " was not put through (DIALSTATUS " + status + ")";
        };
    }

    /**
     * After {@code Queue()} returned with the caller still on the line: true when the caller
     * should leave a message (the wait limit passed, or the queue had nobody to take calls).
     * An empty status means a technician answered and the conversation is over.
     */
    public static boolean queueLeadsToMessage(String queueStatus) {
        return switch (norm(queueStatus)) {
            case "TIMEOUT", "FULL", "JOINEMPTY", "LEAVEEMPTY", "JOINUNAVAIL", "LEAVEUNAVAIL" -> true;
            default -> false;
        };
    }

    /** The hold prompt's answer: 1 leaves a message instead of holding; anything else holds. */
    public static boolean leavesTheQueueForAMessage(String keys) {
        return keys != null && keys.trim().startsWith("1");
    }

    /** The context the shipped queues.conf names as the help-desk queue's exit-key context. */
    public static final String QUEUE_EXIT_CONTEXT = "pagerline-queue-exit";

    /**
     * After {@code Queue()} returned 0: true when the caller left it with the queue's exit key,
     * which app_queue takes by moving the channel to an extension of the queue's {@code context}
     * (queues.conf: {@link #QUEUE_EXIT_CONTEXT}). A move anywhere else (an AMI Redirect, a transfer)
     * is not the caller's key.
     */
    public static boolean leftQueueByKey(String contextNow) {
        return contextNow != null && contextNow.trim().equals(QUEUE_EXIT_CONTEXT);
    }

    /**
     * What a caller hears when the queue sends them to leave a message: sorry for the wait when
     * they waited (the wait limit, or the last technician gone meanwhile), that nobody is free when
     * they never joined (nobody signed in or reachable, the queue full).
     */
    public static Prompt queueLeftPrompt(String queueStatus) {
        return switch (norm(queueStatus)) {
            case "JOINEMPTY", "JOINUNAVAIL", "FULL" -> Prompt.NOBODY_FREE;
            default -> Prompt.QUEUE_WAIT_OVER;
        };
    }

    /**
     * Keyed-in call-back digits worth trying to read as a phone number: 7 to 15 digits (E.164
     * allows 15). Whether the number is valid is for the phone-number rules to say.
     */
    public static boolean plausibleNumber(String digits) {
        return digits != null && digits.matches("[0-9]{7,15}");
    }

    private static String norm(String s) {
        return s == null ? "" : s.trim().toUpperCase(Locale.ROOT);
    }
}

package org.pagerline.cli.simulate;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * How a simulated caller (and the rest of the simulated PBX) behaves.
 *
 * @param presses     answers to the digit prompts (GET DATA) in order; "" is silence (timeout);
 *                    once used up, every prompt gets silence
 * @param hangupAt    the PAGERLINE_STEP value at which the caller hangs up (null: never). At
 *                    "recording" the caller hangs up while recording (the message is kept);
 *                    at {@link #AT_THE_TONE} during the recording's beep (Asterisk writes no
 *                    file); at any other step, during the step's first prompt or application
 * @param technician  what the on-call technician does when Dial rings them
 * @param queue       how the help-desk queue ends
 * @param hold        run while the caller sits in Queue(), before it returns (benchmarks hold
 *                    calls open with it); null for none
 * @param missingSounds sound files this PBX does not have: STREAM FILE answers {@code result=-1}
 *                    for them, as Asterisk does, while the channel stays up
 */
public record CallerScript(List<String> presses, String hangupAt, Technician technician, QueueEnd queue,
        Runnable hold, java.util.Set<String> missingSounds) {

    /** {@code hangupAt}: the caller hangs up during the recording's beep, before Asterisk opens the file. */
    public static final String AT_THE_TONE = "tone";
    /**
     * A press that answers RECORD FILE instead of a prompt: # during the beep, so Asterisk records
     * nothing ({@code result=35 (randomerror) endpos=0}) and the caller is still on the line.
     */
    public static final String HASH_AT_THE_TONE = "#tone";
    /** A press that answers a prompt (GET DATA) by hanging up there: {@code 200 result=-1}, then the channel is gone. */
    public static final String HANG_UP_HERE = "hangup";

    public CallerScript(List<String> presses, String hangupAt, Technician technician, QueueEnd queue, Runnable hold) {
        this(presses, hangupAt, technician, queue, hold, java.util.Set.of());
    }

    /** Whether the caller hangs up during the recording's beep ({@link #AT_THE_TONE}). */
    public boolean hangsUpAtTheTone() {
        return AT_THE_TONE.equals(hangupAt);
    }

    /** What the technician's phone does. */
    public enum Technician {
        /** answers and presses 1 (runs the "accept" script on a second FastAGI connection) */
        ACCEPT,
        /** answers and presses nothing: a voicemail greeting, say */
        IGNORE,
        /**
         * answers and presses 1, but the caller has hung up during the accept prompt (Asterisk keeps the
         * caller's channel until the accept subroutine returns; its hang-up source is then set)
         */
        ACCEPT_AFTER_CALLER_LEFT,
        /**
         * answers, presses 1 and hangs up at once, before being put through (while pagerline writes
         * the acceptance): Dial still says ANSWER, since their phone answered
         */
        ACCEPT_THEN_HANG_UP,
        /** rings out */
        NOANSWER,
        BUSY
    }

    /**
     * How Queue() returns: answered, the wait limit, nobody signed in, the caller hangs up, the caller
     * presses 1 in the queue to leave a message (KEY), or during the hold prompt, before joining
     * (DECLINED).
     */
    public enum QueueEnd { ANSWERED, TIMEOUT, JOINEMPTY, HANGUP, KEY, DECLINED }

    public CallerScript {
        presses = List.copyOf(presses);
        missingSounds = java.util.Set.copyOf(missingSounds);
    }

    /** The same caller on a PBX that lacks these sound files. */
    public CallerScript missing(String... sounds) {
        return new CallerScript(presses, hangupAt, technician, queue, hold, java.util.Set.of(sounds));
    }

    public static CallerScript pressing(String... keys) {
        return new CallerScript(Arrays.asList(keys), null, Technician.ACCEPT, QueueEnd.ANSWERED, null);
    }

    /**
     * Parses {@code --press} as {@link #parsePresses} does, refusing anything a phone cannot send:
     * each answer is keys 0-9, * and # (a trailing # ends the answer), or '_' / '-' for silence.
     *
     * @throws IllegalArgumentException naming the answer and the key that is not a phone key
     */
    public static List<String> parsePressesStrictly(String text) {
        if (text != null && !text.isEmpty()) {
            String[] answers = text.contains(",") ? text.split(",", -1) : text.split("");
            for (int i = 0; i < answers.length; i++) {
                String a = answers[i].trim();
                if (a.isEmpty() && text.contains(",")) {
                    throw new IllegalArgumentException("--press: answer " + (i + 1) + " is empty (use _ for silence)");
                }
                if (a.equals("_") || a.equals("-")) {
                    continue;
                }
                for (int k = 0; k < a.length(); k++) {
                    char c = a.charAt(k);
                    if (!(c >= '0' && c <= '9') && c != '*' && c != '#') {
                        throw new IllegalArgumentException("--press: '" + c + "' in answer " + (i + 1) + " ('" + a
                                + "') is not a phone key (0-9, * and #; _ for silence)");
                    }
                }
            }
        }
        return parsePresses(text);
    }

    /**
     * Parses {@code --press}: comma-separated answers ("1,2,12045550199#") or, without commas,
     * one key per prompt ("121"); '_' or '-' is silence.
     */
    public static List<String> parsePresses(String text) {
        if (text == null || text.isEmpty()) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        if (text.contains(",")) {
            for (String p : text.split(",", -1)) {
                out.add(silence(p.trim()));
            }
        } else {
            for (char c : text.toCharArray()) {
                out.add(silence(String.valueOf(c)));
            }
        }
        return out;
    }

    private static String silence(String p) {
        return p.equals("_") || p.equals("-") ? "" : p.replace("#", "");
    }

    public CallerScript hangingUpAt(String step) {
        return new CallerScript(presses, step == null ? null : step.toLowerCase(Locale.ROOT), technician, queue, hold, missingSounds);
    }

    public CallerScript technician(Technician t) {
        return new CallerScript(presses, hangupAt, t, queue, hold, missingSounds);
    }

    public CallerScript queue(QueueEnd q) {
        return new CallerScript(presses, hangupAt, technician, q, hold, missingSounds);
    }

    public CallerScript holding(Runnable h) {
        return new CallerScript(presses, hangupAt, technician, queue, h, missingSounds);
    }
}

package org.pagerline.core.call;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.pagerline.core.ticket.Priority;

/**
 * One support-line call while it runs: the single owner of what the call has gathered (step,
 * urgency, priority, call-back number, recording, how it ended) and of the timeline lines not yet
 * saved. Pure: no I/O, no clock (every change is given its instant). Owned by the one thread that
 * serves the call; the service takes what changed with {@link #takeProgress()} at the steps that
 * matter and writes it in one go, so a call costs a few transactions rather than one per prompt.
 */
public final class Call {
    /**
     * A line for the ticket's timeline, in the order the call made it.
     *
     * @param ending the line that says how the call ended (left out when an earlier end was saved)
     */
    public record Line(Instant at, String kind, String detail, boolean ending) {}

    /**
     * What changed since the last {@link #takeProgress()}: the timeline lines in order and the
     * call row as it stands now (the fields this call owns; the queue's fields belong to AMI).
     *
     * @param raisePriority the ticket's priority becomes this one unless it already has a more urgent one; or null
     * @param callbackNumber the ticket's new call-back number (E.164), or null for no change
     * @param endedAt        set with {@code outcome} once the call has ended
     */
    public record Progress(long callId, long ticketId, CallStep lastStep, CallOutcome outcome, Instant endedAt,
            String recording, Priority raisePriority, String callbackNumber, List<Line> lines) {
        public Progress {
            lines = List.copyOf(lines);
        }

        public boolean ended() {
            return outcome != null;
        }

        /**
         * Whether {@link #then} can write this progress and {@code later} (the same call's, taken
         * after it) as one with the very result of writing them one after the other. Not when this
         * one ended in a hang-up and the call moved on after it: such an ending is judged by the
         * step it is saved at ({@link #savedOutcome}).
         */
        public boolean canTake(Progress later) {
            return later.callId == callId
                    && !(outcome == CallOutcome.HUNG_UP && later.lastStep != lastStep);
        }

        /**
         * This progress and {@code later} as one: what writing the two one after the other leaves,
         * written once. The row as {@code later} has it (the call as it stands) but the first
         * ending, which wins (a later ending line is left out, as its own write would leave it),
         * the lines of both in order, the more urgent priority, the latest call-back number.
         *
         * @throws IllegalArgumentException when {@link #canTake} says no
         */
        public Progress then(Progress later) {
            if (!canTake(later)) {
                throw new IllegalArgumentException("call " + callId + "'s progress cannot take call " + later.callId
                        + "'s after " + outcome);
            }
            List<Line> all = new ArrayList<>(lines.size() + later.lines.size());
            all.addAll(lines);
            for (Line l : later.lines) {
                if (!(l.ending() && ended())) {
                    all.add(l);
                }
            }
            return new Progress(callId, ticketId, later.lastStep, ended() ? outcome : later.outcome,
                    ended() ? endedAt : later.endedAt, later.recording != null ? later.recording : recording,
                    moreUrgent(raisePriority, later.raisePriority),
                    later.callbackNumber != null ? later.callbackNumber : callbackNumber, all);
        }
    }

    private final long id;
    private final long ticketId;
    private CallStep step;
    private boolean urgent;
    private Priority priority;
    private String callbackNumber;
    private String recording;
    private CallOutcome outcome;
    private Instant endedAt;
    private Priority raisePriority;
    private String newCallbackNumber;
    private boolean rowChanged;
    private final List<Line> pending = new ArrayList<>();

    public Call(long id, long ticketId, CallStep step) {
        this.id = id;
        this.ticketId = ticketId;
        this.step = step;
    }

    public long id() {
        return id;
    }

    public long ticketId() {
        return ticketId;
    }

    public CallStep step() {
        return step;
    }

    public boolean urgent() {
        return urgent;
    }

    /** The priority the urgent caller chose, or null. */
    public Priority priority() {
        return priority;
    }

    /** The call-back number given on this call (E.164), or null. */
    public String callbackNumber() {
        return callbackNumber;
    }

    public String recording() {
        return recording;
    }

    /** How the call ended, or null while it runs. */
    public CallOutcome outcome() {
        return outcome;
    }

    public boolean ended() {
        return outcome != null;
    }

    /** True when lines or row changes wait to be saved. */
    public boolean hasProgress() {
        return rowChanged || !pending.isEmpty();
    }

    /** The caller reached {@code s} (kept on the call row: where a hang-up happened). */
    public void enter(CallStep s) {
        if (step != s) {
            step = s;
            rowChanged = true;
        }
    }

    /** A line on the ticket's timeline. */
    public void note(Instant at, String kind, String detail) {
        pending.add(new Line(at, kind, detail, false));
    }

    public void urgency(Instant at, boolean isUrgent, boolean defaulted) {
        urgent = isUrgent;
        note(at, "URGENCY", (isUrgent ? "urgent" : "not urgent") + (defaulted ? " (no valid key pressed; default taken)" : ""));
    }

    /** The urgent caller's priority: the ticket takes it unless it already has a more urgent one. */
    public void priority(Instant at, Priority p, boolean defaulted) {
        priority = p;
        raisePriority = moreUrgent(raisePriority, p);
        note(at, "PRIORITY", p + ": " + p.meaning() + (defaulted ? " (no valid key pressed; default taken)" : ""));
    }

    /** The ticket's call-back number (E.164), or that there is none ({@code e164} null). */
    public void callback(Instant at, String e164, String how) {
        if (e164 != null) {
            callbackNumber = e164;
            newCallbackNumber = e164;
        }
        note(at, "CALLBACK_NUMBER", e164 == null ? "no call-back number: " + how : e164 + " (" + how + ")");
    }

    /**
     * The caller left a message (kept even when they hung up while recording).
     *
     * @param seconds its length, when Asterisk said
     */
    public void voicemail(Instant at, String name, long seconds, boolean hungUpWhileRecording) {
        recording = name;
        rowChanged = true;
        note(at, "VOICEMAIL", name + " (" + seconds + " s"
                + (hungUpWhileRecording ? ", caller hung up while recording; kept" : "") + ")");
    }

    /** The call ended normally ({@code detail} may be empty). False if it had ended already: the first ending wins. */
    public boolean finish(Instant at, CallOutcome o, String detail) {
        return end(at, o, "CALL_ENDED", o.name().toLowerCase(Locale.ROOT).replace('_', ' ')
                + (detail == null || detail.isBlank() ? "" : ": " + detail));
    }

    /** The caller hung up at the current step; what was gathered stays. */
    public boolean hungUp(Instant at) {
        return end(at, CallOutcome.HUNG_UP, "HUNG_UP", "caller hung up during " + step.wireName());
    }

    /**
     * The urgent message, taken as {@code lost} to be written with its incident, could not be saved,
     * nor the line saying so: what it held comes back, to go with the next save (its lines first,
     * the priority and call-back number it carried), and the call fails rather than end with a
     * message nobody was paged for. The recording stays the call's. True if this failure is the
     * call's end (false: an earlier end, saved before the message, stands).
     */
    public boolean messageNotSaved(Progress lost, Instant at, String why) {
        List<Line> back = new ArrayList<>(lost.lines().size());
        boolean endedThere = false;
        for (Line l : lost.lines()) {
            if (l.ending()) {
                endedThere = true;
            } else {
                back.add(l);
            }
        }
        pending.addAll(0, back);
        raisePriority = moreUrgent(lost.raisePriority(), raisePriority);
        if (newCallbackNumber == null) {
            newCallbackNumber = lost.callbackNumber();
        }
        if (endedThere) { // that end was never saved: the failure below is the call's end
            outcome = null;
            endedAt = null;
        }
        rowChanged = true;
        return failed(at, why);
    }

    /** pagerline could not serve the call; the dialplan's fallback voicemail takes it. */
    public boolean failed(Instant at, String why) {
        return end(at, CallOutcome.FAILED, "CALL_FAILED", why + "; the dialplan's fallback voicemail takes the call");
    }

    private boolean end(Instant at, CallOutcome o, String kind, String detail) {
        if (outcome != null) {
            return false;
        }
        outcome = o;
        endedAt = at;
        rowChanged = true;
        pending.add(new Line(at, kind, detail, true));
        return true;
    }

    /** The more urgent of two priorities (P1 before P5); either may be null (none). */
    private static Priority moreUrgent(Priority a, Priority b) {
        return a == null || (b != null && b.compareTo(a) < 0) ? b : a;
    }

    /** What changed since the last time, and forgets it (the caller writes it). */
    public Progress takeProgress() {
        Progress p = new Progress(id, ticketId, step, outcome, endedAt, recording, raisePriority, newCallbackNumber, pending);
        pending.clear();
        raisePriority = null;
        newCallbackNumber = null;
        rowChanged = false;
        return p;
    }

    /**
     * The outcome to save for a call that ended in a hang-up while in the queue, given who the
     * queue events say answered it (read when it is saved, since AMI writes that): a caller
     * answered in the queue who hangs up after talking ended well.
     */
    public static CallOutcome savedOutcome(Progress p, String answeredBy) {
        if (p.outcome() == CallOutcome.HUNG_UP && p.lastStep() == CallStep.QUEUE && answeredBy != null) {
            return CallOutcome.ANSWERED_IN_QUEUE;
        }
        return p.outcome();
    }
}

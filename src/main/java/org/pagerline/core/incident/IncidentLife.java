package org.pagerline.core.incident;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import org.pagerline.core.ticket.Priority;

/**
 * The one owner of an incident's life: every change a person or a caller makes (acknowledge,
 * called back, pass it on, resolve, a second voicemail) is a pure function here, from the
 * incident as read and the event to the new incident and what follows ({@link Effect}s: pages to
 * cancel, notices to write, the ticket's timeline lines, the ticket to close). The engine's own
 * moves (the ladder, the timers) are the {@link Escalator}'s. A service loads the incident, asks
 * here, saves the result with one compare-and-set on its version (rereading and asking again on a
 * conflict) and carries out the effects in the same transaction. Nothing else writes the state.
 *
 * <p>A late, repeated or stale event is an expected outcome ({@link Result#STALE},
 * {@link Result#ALREADY_YOURS}): the incident is unchanged and the only effect is a timeline line.
 */
public final class IncidentLife {
    private IncidentLife() {}

    /** Who acts: a technician. */
    public record Actor(long id, String name) {}

    /**
     * The page a pass-on came from: the policy step it was sent for, in which cycle. A pass-on is
     * "move on from that step", so once a later step has fired it is already done.
     */
    public record AsOf(int step, int cycle) {
        /** The page was not sent for a policy step (a late call-back page): as of the current step. */
        public boolean current() {
            return step < 0;
        }
    }

    /** A later urgent voicemail on the same ticket. {@code respondBy}: the deadline its priority brings. */
    public record Voicemail(Priority priority, String callbackNumber, String recording, Instant respondBy) {
        public boolean hasMessage() {
            return recording != null && !recording.isBlank();
        }
    }

    public enum Result {
        /** The event changed the incident. */
        DONE,
        /** The same person already did this (a repeat). */
        ALREADY_YOURS,
        /** Someone else already did it, or the incident moved past this point. */
        STALE
    }

    /** What follows a transition, for the service to carry out in the same transaction, in order. */
    public sealed interface Effect {
        /**
         * Cancel the incident's pending pages: the ones asking for an acknowledgement, or with
         * {@code notices} every pending page and notice except the who-took-it ones.
         */
        record CancelPending(boolean notices) implements Effect {}

        /** Tell everyone else paged for the incident who took it. */
        record TellWhoTook(Actor by) implements Effect {}

        /** Tell the people working the incident that the caller called again (the owner, or all paged). */
        record TellVoicemailAgain(Incident before, boolean message) implements Effect {}

        /** Close the incident's ticket. */
        record CloseTicket() implements Effect {}

        /**
         * A line on the ticket's timeline; {@code then} says what the service appends from the
         * effects before it (how many pages were cancelled, who was told).
         */
        record Timeline(String kind, String text, Appendix then) implements Effect {}

        enum Appendix { NOTHING, PAGES_CANCELLED, PAGES_AND_NOTICES_CANCELLED, WHO_WAS_TOLD }
    }

    /** The new incident (unchanged unless DONE) and what follows. */
    public record Outcome(Result result, Incident incident, List<Effect> effects) {
        public boolean changed() {
            return result == Result.DONE;
        }
    }

    /** OPEN to ACKNOWLEDGED: paging stops, the others hear who took it, the call-back timer runs on. */
    public static Outcome acknowledge(Incident i, Actor who, String via, Instant now) {
        if (i.state() != IncidentState.OPEN) {
            return late(i, who, via, "acknowledgement");
        }
        Incident next = i.edit().state(IncidentState.ACKNOWLEDGED).owner(new Incident.Owner(who.id(), who.name()))
                .acknowledgedAt(now).nextEscalationAt(null).build();
        return done(next, new Effect.CancelPending(false),
                new Effect.Timeline("ACKNOWLEDGED", who.name() + " acknowledged incident " + i.id() + " by " + via,
                        Effect.Appendix.PAGES_CANCELLED),
                new Effect.TellWhoTook(who));
    }

    /**
     * OPEN or ACKNOWLEDGED to CALLED_BACK (the owner stays; one who calls back an OPEN incident
     * takes it): every timer stops, every pending page and notice but who-took-it is cancelled.
     */
    public static Outcome calledBack(Incident i, Actor who, String via, Instant now) {
        if (!i.state().awaitsCallback()) {
            return late(i, who, via, "call-back");
        }
        boolean wasOpen = i.state() == IncidentState.OPEN;
        Incident.Builder b = i.edit().state(IncidentState.CALLED_BACK).calledBackAt(now).noMoreDeadlines();
        if (i.owner() == null) {
            b.owner(new Incident.Owner(who.id(), who.name()));
        }
        if (i.acknowledgedAt() == null) {
            b.acknowledgedAt(now);
        }
        Effect.Timeline line = new Effect.Timeline("CALLED_BACK", who.name() + " called the caller back (" + via + ")",
                Effect.Appendix.PAGES_AND_NOTICES_CANCELLED);
        return wasOpen ? done(b.build(), new Effect.CancelPending(true), line, new Effect.TellWhoTook(who))
                : done(b.build(), new Effect.CancelPending(true), line);
    }

    /**
     * "Pass it on" from a page of step {@code asOf}: the next step fires now, if no later step has
     * fired since that page (else it is already done: two people paged at one step both pressing 5
     * move the ladder one step, not two). {@code policySteps}: how many steps the policy has.
     */
    public static Outcome passOn(Incident i, AsOf asOf, int policySteps, Actor who, String via, Instant now) {
        if (i.state() != IncidentState.OPEN) {
            return late(i, who, via, "pass-it-on");
        }
        boolean nextAlreadyDue = i.nextEscalationAt() == null || !i.nextEscalationAt().isAfter(now);
        if (nextAlreadyDue || (asOf != null && !asOf.current() && !asOf.equals(lastFired(i, policySteps)))) {
            return late(i, who, via, "pass-it-on");
        }
        return done(i.edit().nextEscalationAt(now).build(), new Effect.Timeline("PASSED_ON", who.name()
                + " passed incident " + i.id() + " on to the next step (" + via + ")", Effect.Appendix.NOTHING));
    }

    /** The step that fired last: the one before {@code nextStep}, wrapping into the previous cycle. */
    static AsOf lastFired(Incident i, int policySteps) {
        int n = Math.max(1, policySteps);
        int next = Math.min(i.nextStep(), n);
        return next > 0 ? new AsOf(next - 1, i.cycle()) : new AsOf(n - 1, i.cycle() - 1);
    }

    /** To RESOLVED from any other state: every timer stops, pending pages and notices go, the ticket closes. */
    public static Outcome resolve(Incident i, Instant now) {
        if (i.state() == IncidentState.RESOLVED) {
            return new Outcome(Result.STALE, i, List.of());
        }
        return done(i.edit().state(IncidentState.RESOLVED).resolvedAt(now).noMoreDeadlines().build(),
                new Effect.CancelPending(true),
                new Effect.Timeline("RESOLVED", "incident " + i.id() + " resolved",
                        Effect.Appendix.PAGES_AND_NOTICES_CANCELLED),
                new Effect.CloseTicket());
    }

    /**
     * Its ticket was resolved or closed by the desk ({@code how}: by whom, and why): an incident
     * still awaiting its call-back ends with it, as {@link #resolve} ends it (every timer stops,
     * pending pages and notices go) but for the ticket, which the desk has already left as it wants
     * it. An incident already past its call-back is as it was.
     */
    public static Outcome endedWithTicket(Incident i, String how, Instant now) {
        if (!i.state().awaitsCallback()) {
            return new Outcome(Result.STALE, i, List.of());
        }
        return done(i.edit().state(IncidentState.RESOLVED).resolvedAt(now).noMoreDeadlines().build(),
                new Effect.CancelPending(true),
                new Effect.Timeline("RESOLVED", "incident " + i.id() + " resolved with its ticket (" + how + ")",
                        Effect.Appendix.PAGES_AND_NOTICES_CANCELLED));
    }

    /**
     * A later urgent voicemail joins the incident while it awaits its call-back: the newest
     * recording and call-back number, a higher priority (whose deadline replaces the running one
     * when earlier, the service-level checks starting again for it); the people working it are
     * told. STALE when the incident no longer awaits a call-back (the caller opens a new one).
     */
    public static Outcome voicemailAgain(Incident i, Voicemail v, Duration slaWarning, Instant now) {
        if (!i.state().awaitsCallback()) {
            return new Outcome(Result.STALE, i, List.of());
        }
        Incident.Builder b = i.edit();
        boolean higher = v.priority() != null && (i.priority() == null || v.priority().ordinal() < i.priority().ordinal());
        if (higher) {
            b.priority(v.priority());
            if (v.respondBy() != null && (i.respondBy() == null || v.respondBy().isBefore(i.respondBy()))) {
                b.respondBy(v.respondBy()).sla(v.respondBy().minus(slaWarning), 0);
            }
        }
        if (v.callbackNumber() != null && !v.callbackNumber().isBlank()) {
            b.callbackNumber(v.callbackNumber());
        }
        if (v.hasMessage()) {
            b.recording(v.recording());
        }
        Incident next = b.build();
        String changed = (next.priority() != i.priority() ? "; priority now " + next.priority() : "")
                + (java.util.Objects.equals(next.callbackNumber(), i.callbackNumber()) ? ""
                        : "; call back on " + next.callbackNumber());
        return done(next, new Effect.TellVoicemailAgain(i, v.hasMessage()),
                new Effect.Timeline("VOICEMAIL_AGAIN", (v.hasMessage() ? "another urgent voicemail (" + v.recording() + ")"
                        : "another urgent call with no message") + " joins incident " + i.id() + changed,
                        Effect.Appendix.WHO_WAS_TOLD));
    }

    /**
     * The one wording of "this already happened": "incident 12 is already acknowledged by Pat;
     * nothing changed". Every reply to a late, repeated or stale response (SMS, paging-call key,
     * command line) is built from it.
     */
    public static String already(Incident i) {
        return "incident " + i.id() + " is already " + standing(i) + "; nothing changed";
    }

    /** Where the incident stands, for "already ...": "acknowledged by Pat", "resolved", "passed on to the next step". */
    public static String standing(Incident i) {
        if (i.state() == IncidentState.OPEN) {
            return "passed on to the next step";
        }
        return i.state().name().toLowerCase(Locale.ROOT).replace('_', ' ')
                + (i.ownerName() == null ? "" : " by " + i.ownerName());
    }

    private static Outcome done(Incident next, Effect... effects) {
        return new Outcome(Result.DONE, next, List.of(effects));
    }

    private static Outcome late(Incident i, Actor who, String via, String what) {
        boolean mine = i.ownerId() != null && i.ownerId() == who.id() && i.state() != IncidentState.RESOLVED;
        return new Outcome(mine ? Result.ALREADY_YOURS : Result.STALE, i, List.of(new Effect.Timeline("LATE_RESPONSE",
                who.name() + "'s " + what + " by " + via + " changed nothing: the incident is " + standing(i),
                Effect.Appendix.NOTHING)));
    }
}

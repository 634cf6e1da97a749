package org.pagerline.core.incident;

import java.time.Duration;
import java.time.Instant;
import org.pagerline.core.ticket.Priority;

/**
 * An urgent voicemail being paged out. Deadlines are columns: the engine looks for incidents
 * whose {@code nextEscalationAt}, {@code callbackDueAt} or {@code slaCheckAt} has come.
 *
 * <p>Its state changes belong to {@link IncidentLife} (acknowledge, called back, pass on, resolve,
 * a second voicemail) and the {@link Escalator} (the due columns): pure functions that return the
 * new incident; the service saves it with one compare-and-set on {@code version}. Copies are made
 * with {@link #edit()}, a small builder, never positionally.
 *
 * @param version bumped by every save; a save names the version it read (compare-and-set)
 * @param caller who called, how to call them back and their message (set by the voicemails)
 * @param escalation where the paging ladder stands (set by the Escalator and a pass-on)
 * @param deadlines the call-back timer and the service level (set by the Escalator; stopped by
 *     a call-back or resolve)
 * @param owner who acknowledged; null while OPEN (set by acknowledge or called back)
 * @param times when it was opened, acknowledged, called back, resolved
 */
public record Incident(long id, long ticketId, long version, IncidentState state, Priority priority, Caller caller,
        Escalation escalation, Deadlines deadlines, Owner owner, Times times) {

    /** The caller as the voicemails left them. {@code recording}: the newest message, or null. */
    public record Caller(String number, String name, String company, String callbackNumber, String recording) {}

    /**
     * @param nextStep index of the policy step that fires at {@code nextAt}
     * @param cycle how many times the policy has started over (0 for the first round)
     * @param nextAt when the next step fires; null once nobody needs paging (not OPEN)
     */
    public record Escalation(int nextStep, int cycle, Instant nextAt) {}

    /**
     * @param callbackDueAt when the caller must have been called back; null once called back or resolved
     * @param respondBy the priority's service-level deadline (P1/P2: 2 h wall clock; P3 4 h, P4/P5 8 h of
     *     business time, see {@link RespondBy}); null if none
     * @param slaCheckAt next service-level check: the warning, then the deadline; null when done
     * @param slaStage 0 nothing told yet, 1 team lead warned (approaching), 2 VP told (missed)
     */
    public record Deadlines(Instant callbackDueAt, Instant respondBy, Instant slaCheckAt, int slaStage) {}

    /** The technician who took it. */
    public record Owner(long id, String name) {}

    public record Times(Instant openedAt, Instant acknowledgedAt, Instant calledBackAt, Instant resolvedAt) {}

    public Incident {
        if (state == null || caller == null || escalation == null || deadlines == null || times == null) {
            throw new IllegalArgumentException("an incident needs its state, caller, escalation, deadlines and times");
        }
    }

    /**
     * A new OPEN incident: the first step is due {@code firstStepDelay} after {@code now}, the
     * call-back {@code callbackDeadline} after the voicemail, and when the priority brings a
     * {@code respondBy} deadline (computed by the caller, who has the desk calendar: {@link RespondBy})
     * the service-level warning {@code slaWarning} before it.
     */
    public static Incident open(long ticketId, Priority priority, Caller caller, Instant voicemailAt, Instant now,
            Duration firstStepDelay, Duration callbackDeadline, Instant respondBy, Duration slaWarning) {
        Instant left = voicemailAt == null ? now : voicemailAt;
        Instant slaCheck = respondBy == null ? null : respondBy.minus(slaWarning);
        return new Incident(0, ticketId, 0, IncidentState.OPEN, priority, caller,
                new Escalation(0, 0, now.plus(firstStepDelay)),
                new Deadlines(left.plus(callbackDeadline), respondBy, slaCheck, 0), null,
                new Times(now, null, null, null));
    }

    /** A copy to change: {@code i.edit().state(ACKNOWLEDGED).owner(o).build()}. */
    public Builder edit() {
        return new Builder(this);
    }

    /** The earliest of the due columns, or null if nothing is due ever again. */
    public Instant nextDue() {
        Instant d = null;
        for (Instant i : new Instant[] {nextEscalationAt(), callbackDueAt(), slaCheckAt()}) {
            if (i != null && (d == null || i.isBefore(d))) {
                d = i;
            }
        }
        return d;
    }

    /** A one-line description for messages: "Jane Doe (Acme)". */
    public String who() {
        String name = callerName() == null || callerName().isBlank()
                ? (callerNumber() == null ? "unknown caller" : callerNumber()) : callerName();
        return name + (company() == null || company().isBlank() ? "" : " (" + company() + ")");
    }

    // Reading shortcuts, so readers need not know the grouping.
    public String callerNumber() { return caller.number(); }
    public String callerName() { return caller.name(); }
    public String company() { return caller.company(); }
    public String callbackNumber() { return caller.callbackNumber(); }
    public String recording() { return caller.recording(); }
    public Instant openedAt() { return times.openedAt(); }
    public int nextStep() { return escalation.nextStep(); }
    public int cycle() { return escalation.cycle(); }
    public Instant nextEscalationAt() { return escalation.nextAt(); }
    public Instant callbackDueAt() { return deadlines.callbackDueAt(); }
    public Instant respondBy() { return deadlines.respondBy(); }
    public Instant slaCheckAt() { return deadlines.slaCheckAt(); }
    public int slaStage() { return deadlines.slaStage(); }
    public Long ownerId() { return owner == null ? null : owner.id(); }
    public String ownerName() { return owner == null ? null : owner.name(); }
    public Instant acknowledgedAt() { return times.acknowledgedAt(); }
    public Instant calledBackAt() { return times.calledBackAt(); }
    public Instant resolvedAt() { return times.resolvedAt(); }

    /** Named setters over a copy; {@link #build()} makes the new incident. */
    public static final class Builder {
        private long id;
        private final long ticketId;
        private long version;
        private IncidentState state;
        private Priority priority;
        private Caller caller;
        private Escalation escalation;
        private Deadlines deadlines;
        private Owner owner;
        private Times times;

        private Builder(Incident i) {
            id = i.id;
            ticketId = i.ticketId;
            version = i.version;
            state = i.state;
            priority = i.priority;
            caller = i.caller;
            escalation = i.escalation;
            deadlines = i.deadlines;
            owner = i.owner;
            times = i.times;
        }

        public Builder id(long v) { id = v; return this; }
        public Builder version(long v) { version = v; return this; }
        public Builder state(IncidentState v) { state = v; return this; }
        public Builder priority(Priority v) { priority = v; return this; }
        public Builder caller(Caller v) { caller = v; return this; }
        public Builder owner(Owner v) { owner = v; return this; }

        public Builder callbackNumber(String v) {
            caller = new Caller(caller.number(), caller.name(), caller.company(), v, caller.recording());
            return this;
        }

        public Builder recording(String v) {
            caller = new Caller(caller.number(), caller.name(), caller.company(), caller.callbackNumber(), v);
            return this;
        }

        /** Which step fires next, in which cycle, when (null: no more paging). */
        public Builder escalation(int nextStep, int cycle, Instant nextAt) {
            escalation = new Escalation(nextStep, cycle, nextAt);
            return this;
        }

        public Builder nextEscalationAt(Instant v) {
            escalation = new Escalation(escalation.nextStep(), escalation.cycle(), v);
            return this;
        }

        public Builder callbackDueAt(Instant v) {
            deadlines = new Deadlines(v, deadlines.respondBy(), deadlines.slaCheckAt(), deadlines.slaStage());
            return this;
        }

        public Builder respondBy(Instant v) {
            deadlines = new Deadlines(deadlines.callbackDueAt(), v, deadlines.slaCheckAt(), deadlines.slaStage());
            return this;
        }

        /** The next service-level check and the stage reached. */
        public Builder sla(Instant checkAt, int stage) {
            deadlines = new Deadlines(deadlines.callbackDueAt(), deadlines.respondBy(), checkAt, stage);
            return this;
        }

        public Builder acknowledgedAt(Instant v) {
            times = new Times(times.openedAt(), v, times.calledBackAt(), times.resolvedAt());
            return this;
        }

        public Builder calledBackAt(Instant v) {
            times = new Times(times.openedAt(), times.acknowledgedAt(), v, times.resolvedAt());
            return this;
        }

        public Builder resolvedAt(Instant v) {
            times = new Times(times.openedAt(), times.acknowledgedAt(), times.calledBackAt(), v);
            return this;
        }

        /** Every timer off: nothing is due for this incident any more. */
        public Builder noMoreDeadlines() {
            escalation = new Escalation(escalation.nextStep(), escalation.cycle(), null);
            deadlines = new Deadlines(null, deadlines.respondBy(), null, deadlines.slaStage());
            return this;
        }

        public Incident build() {
            return new Incident(id, ticketId, version, state, priority, caller, escalation, deadlines, owner, times);
        }
    }
}

package org.pagerline.core.incident;

import java.time.Duration;
import java.time.Instant;
import org.pagerline.core.ticket.Priority;

/**
 * An urgent voicemail being paged out. Deadlines are columns: the engine looks for incidents
 * whose {@code nextEscalationAt}, {@code callbackDueAt} or {@code slaCheckAt} has come.
 *
 * @param nextStep index of the policy step that fires at {@code nextEscalationAt}
 * @param cycle how many times the policy has started over (0 for the first round)
 * @param nextEscalationAt when the next step fires; null once nobody needs paging (not OPEN)
 * @param callbackDueAt when the caller must have been called back; null once called back or resolved
 * @param respondBy the priority's service-level deadline (P1/P2: 2 h wall clock; P3 4 h, P4/P5 8 h of
 *     business time, see {@link RespondBy}); null if none
 * @param slaCheckAt next service-level check: the warning, then the deadline; null when done
 * @param slaStage 0 nothing told yet, 1 team lead warned (approaching), 2 VP told (missed)
 * @param ownerId who acknowledged (null while OPEN)
 */
public record Incident(
        long id, long ticketId, IncidentState state, Priority priority,
        String callerNumber, String callerName, String company, String callbackNumber, String recording,
        Instant openedAt,
        int nextStep, int cycle, Instant nextEscalationAt,
        Instant callbackDueAt, Instant respondBy, Instant slaCheckAt, int slaStage,
        Long ownerId, String ownerName, Instant acknowledgedAt, Instant calledBackAt, Instant resolvedAt) {

    /**
     * A new OPEN incident: the first step is due {@code firstStepDelay} after {@code now}, the
     * call-back {@code callbackDeadline} after the voicemail, and when the priority brings a
     * {@code respondBy} deadline (computed by the caller, who has the desk calendar: {@link RespondBy})
     * the service-level warning {@code slaWarning} before it.
     */
    public static Incident open(long ticketId, Priority priority, String callerNumber, String callerName, String company,
            String callbackNumber, String recording, Instant voicemailAt, Instant now, Duration firstStepDelay,
            Duration callbackDeadline, Instant respondBy, Duration slaWarning) {
        Instant left = voicemailAt == null ? now : voicemailAt;
        Instant slaCheck = respondBy == null ? null : respondBy.minus(slaWarning);
        return new Incident(0, ticketId, IncidentState.OPEN, priority, callerNumber, callerName, company,
                callbackNumber, recording, now, 0, 0, now.plus(firstStepDelay), left.plus(callbackDeadline),
                respondBy, slaCheck, 0, null, null, null, null, null);
    }

    /** The earliest of the due columns, or null if nothing is due ever again. */
    public Instant nextDue() {
        Instant d = null;
        for (Instant i : new Instant[] {nextEscalationAt, callbackDueAt, slaCheckAt}) {
            if (i != null && (d == null || i.isBefore(d))) {
                d = i;
            }
        }
        return d;
    }

    /** A one-line description for messages: "Jane Doe (Acme), P1". */
    public String who() {
        String name = callerName == null || callerName.isBlank() ? (callerNumber == null ? "unknown caller" : callerNumber) : callerName;
        return name + (company == null || company.isBlank() ? "" : " (" + company + ")");
    }

    public Incident escalated(int nextStep, int cycle, Instant nextEscalationAt) {
        return new Incident(id, ticketId, state, priority, callerNumber, callerName, company, callbackNumber, recording,
                openedAt, nextStep, cycle, nextEscalationAt, callbackDueAt, respondBy, slaCheckAt, slaStage, ownerId,
                ownerName, acknowledgedAt, calledBackAt, resolvedAt);
    }

    public Incident withCallbackDue(Instant at) {
        return new Incident(id, ticketId, state, priority, callerNumber, callerName, company, callbackNumber, recording,
                openedAt, nextStep, cycle, nextEscalationAt, at, respondBy, slaCheckAt, slaStage, ownerId,
                ownerName, acknowledgedAt, calledBackAt, resolvedAt);
    }

    public Incident withSla(Instant checkAt, int stage) {
        return new Incident(id, ticketId, state, priority, callerNumber, callerName, company, callbackNumber, recording,
                openedAt, nextStep, cycle, nextEscalationAt, callbackDueAt, respondBy, checkAt, stage, ownerId,
                ownerName, acknowledgedAt, calledBackAt, resolvedAt);
    }

    /**
     * What a later urgent voicemail on this incident changes: its recording and call-back number
     * (when given), and the priority when higher. A higher priority's deadline {@code newRespondBy}
     * (counted from the new voicemail by the caller, {@link RespondBy}) replaces the running one when
     * it comes earlier, and the service-level checks start again for it (warning, then missed).
     */
    public Incident withVoicemail(Priority newPriority, String newCallback, String newRecording, Instant newRespondBy,
            Duration slaWarning) {
        Priority p = priority;
        Instant rb = respondBy;
        Instant check = slaCheckAt;
        int stage = slaStage;
        if (newPriority != null && (priority == null || newPriority.ordinal() < priority.ordinal())) {
            p = newPriority;
            if (newRespondBy != null && (rb == null || newRespondBy.isBefore(rb))) {
                rb = newRespondBy;
                check = rb.minus(slaWarning);
                stage = 0;
            }
        }
        String cb = newCallback == null || newCallback.isBlank() ? callbackNumber : newCallback;
        String rec = newRecording == null || newRecording.isBlank() ? recording : newRecording;
        return new Incident(id, ticketId, state, p, callerNumber, callerName, company, cb, rec, openedAt, nextStep, cycle,
                nextEscalationAt, callbackDueAt, rb, check, stage, ownerId, ownerName, acknowledgedAt, calledBackAt,
                resolvedAt);
    }

    public Incident withId(long newId) {
        return new Incident(newId, ticketId, state, priority, callerNumber, callerName, company, callbackNumber, recording,
                openedAt, nextStep, cycle, nextEscalationAt, callbackDueAt, respondBy, slaCheckAt, slaStage, ownerId,
                ownerName, acknowledgedAt, calledBackAt, resolvedAt);
    }
}

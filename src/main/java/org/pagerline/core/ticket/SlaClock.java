package org.pagerline.core.ticket;

import java.time.Duration;
import java.time.Instant;

/**
 * One service-level clock of a ticket, as facts; its {@link #state()} follows from them. Deadlines
 * are recomputed from the ticket's history ({@link TicketLife#recompute}) whenever the priority,
 * the pauses or the calendar change; the facts that happened (met, warned, breached) are kept.
 *
 * @param startedAt when it began counting (the ticket's opening; the voicemail for the call-back promise)
 * @param priority the level its target comes from (RESPOND and RESOLVE); null for CONTACT
 * @param promise the urgent line's call-back promise (CONTACT on the urgent line only), else null
 * @param dueAt the deadline; null while paused
 * @param warnAt when the team lead is warned (the warning lead before the deadline, in the clock's own time)
 * @param metAt when the target was met (set by the ticket's transitions)
 * @param warnedAt when the warning went out (the engine; once per clock)
 * @param breachedAt when the breach was told (the engine; once per clock)
 * @param stoppedAt when the ticket closed with the target unmet
 */
public record SlaClock(ClockKind kind, Instant startedAt, Priority priority, Duration promise, Instant dueAt,
        Instant warnAt, Instant metAt, Instant warnedAt, Instant breachedAt, Instant stoppedAt) {

    public static SlaClock start(ClockKind kind, Instant at, Priority priority, Duration promise) {
        return new SlaClock(kind, at, priority, promise, null, null, null, null, null, null);
    }

    public ClockState state() {
        if (metAt != null || stoppedAt != null || breachedAt != null) {
            return breachedAt != null ? ClockState.BREACHED : metAt != null ? ClockState.MET : ClockState.STOPPED;
        }
        if (dueAt == null) {
            return ClockState.PAUSED;
        }
        return warnedAt != null ? ClockState.WARNED : ClockState.RUNNING;
    }

    /** Still counting towards its target (running, warned, paused, or breached and not yet met). */
    public boolean live() {
        return metAt == null && stoppedAt == null;
    }

    SlaClock withDue(Priority p, Instant due, Instant warn) {
        return new SlaClock(kind, startedAt, p, promise, due, warn, metAt, warnedAt, breachedAt, stoppedAt);
    }

    SlaClock met(Instant at) {
        return new SlaClock(kind, startedAt, priority, promise, dueAt, warnAt, at, warnedAt, breachedAt, stoppedAt);
    }

    SlaClock stopped(Instant at) {
        return new SlaClock(kind, startedAt, priority, promise, dueAt, warnAt, metAt, warnedAt, breachedAt, at);
    }

    SlaClock restarted() {
        return new SlaClock(kind, startedAt, priority, promise, dueAt, warnAt, null, warnedAt, breachedAt, null);
    }

    SlaClock warned(Instant at) {
        return new SlaClock(kind, startedAt, priority, promise, dueAt, warnAt, metAt, at, breachedAt, stoppedAt);
    }

    SlaClock breached(Instant at) {
        return new SlaClock(kind, startedAt, priority, promise, dueAt, warnAt, metAt, warnedAt, at, stoppedAt);
    }

    /** The next instant the engine must look at this clock, or null. */
    public Instant nextCheck() {
        if (!live() || breachedAt != null) {
            return null;
        }
        if (warnedAt == null && warnAt != null && (dueAt == null || warnAt.isBefore(dueAt))) {
            return warnAt;
        }
        return dueAt;
    }
}

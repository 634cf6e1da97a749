package org.pagerline.service;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Set;
import org.pagerline.core.incident.Incident;
import org.pagerline.core.incident.IncidentState;
import org.pagerline.core.page.Page;
import org.pagerline.core.page.PageKind;
import org.pagerline.core.roster.Technician;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Acknowledge, called back, pass it on: shared by every route in (SMS, paging-call keys, CLI).
 * Each is one transaction built on a conditional UPDATE, so two racing acknowledgements leave
 * exactly one owner; the loser, and any late or repeated response, changes nothing and is told why.
 */
final class Acknowledgements {
    private static final Logger log = LoggerFactory.getLogger(Acknowledgements.class);
    private final Transactions tx;
    private final Clock clock;
    private final Runnable kick;

    Acknowledgements(Transactions tx, Clock clock, Runnable kick) {
        this(tx, clock, kick, Metrics.NONE);
    }

    Acknowledgements(Transactions tx, Clock clock, Runnable kick, Metrics metrics) {
        this.tx = tx;
        this.clock = clock;
        this.kick = kick;
        this.metrics = metrics;
    }

    /** Counts the time to acknowledge and to call back, once the change has committed. */
    private final Metrics metrics;

    enum Result {
        /** This response changed the incident. */
        DONE,
        /** The same person already did this (a repeat). */
        ALREADY_YOURS,
        /** Someone else already took it, or it moved past this point. */
        STALE,
        NO_SUCH_INCIDENT
    }

    record Outcome(Result result, Incident incident) {}

    Outcome acknowledge(long incidentId, Technician who, String via) {
        Instant now = clock.instant();
        Outcome o = tx.inTransaction(s -> {
            if (s.incidents().acknowledge(incidentId, who.id(), who.name(), now)) {
                Incident i = s.incidents().find(incidentId).orElseThrow();
                int cancelled = s.pages().cancelPending(incidentId);
                s.tickets().addEvent(i.ticketId(), now, "ACKNOWLEDGED", who.name() + " acknowledged incident " + i.id()
                        + " by " + via + (cancelled > 0 ? "; " + cancelled + " pending page(s) cancelled" : ""));
                tellOthers(s, i, who, now);
                return new Outcome(Result.DONE, i);
            }
            return stale(s, incidentId, who, via, "acknowledgement", now);
        });
        if (o.result() == Result.DONE) {
            metrics.acknowledged(Duration.between(o.incident().openedAt(), now));
            kick.run();
        }
        return o;
    }

    Outcome calledBack(long incidentId, Technician who, String via) {
        Instant now = clock.instant();
        Outcome o = tx.inTransaction(s -> {
            Incident before = s.incidents().find(incidentId).orElse(null);
            if (s.incidents().calledBack(incidentId, who.id(), who.name(), now)) {
                Incident i = s.incidents().find(incidentId).orElseThrow();
                int cancelled = s.pages().cancelPendingAll(incidentId);   // late call-back and SLA notices too
                s.tickets().addEvent(i.ticketId(), now, "CALLED_BACK", who.name() + " called the caller back (" + via + ")"
                        + (cancelled > 0 ? "; " + cancelled + " pending page(s) and notice(s) cancelled" : ""));
                if (before != null && before.state() == IncidentState.OPEN) {
                    tellOthers(s, i, who, now);
                }
                return new Outcome(Result.DONE, i);
            }
            return stale(s, incidentId, who, via, "call-back", now);
        });
        if (o.result() == Result.DONE) {
            metrics.calledBack(Duration.between(o.incident().openedAt(), now));
            kick.run();
        }
        return o;
    }

    Outcome passOn(long incidentId, Technician who, String via) {
        Instant now = clock.instant();
        Outcome o = tx.inTransaction(s -> {
            if (s.incidents().escalateNow(incidentId, now)) {
                Incident i = s.incidents().find(incidentId).orElseThrow();
                s.tickets().addEvent(i.ticketId(), now, "PASSED_ON", who.name() + " passed incident " + i.id()
                        + " on to the next step (" + via + ")");
                return new Outcome(Result.DONE, i);
            }
            return stale(s, incidentId, who, via, "pass-it-on", now);
        });
        if (o.result() == Result.DONE) {
            kick.run();
        }
        return o;
    }

    private Outcome stale(Stores s, long incidentId, Technician who, String via, String what, Instant now) {
        Incident i = s.incidents().find(incidentId).orElse(null);
        if (i == null) {
            return new Outcome(Result.NO_SUCH_INCIDENT, null);
        }
        boolean mine = i.ownerId() != null && i.ownerId() == who.id();
        log.info("late or repeated {} for incident {} from {} by {} (incident is {}, owner {})", what, incidentId,
                who.name(), via, i.state(), i.ownerName());
        s.tickets().addEvent(i.ticketId(), now, "LATE_RESPONSE", who.name() + "'s " + what + " by " + via
                + " changed nothing: the incident is " + i.state().name().toLowerCase().replace('_', ' ')
                + (i.ownerName() == null ? "" : " (" + i.ownerName() + ")"));
        return new Outcome(mine && i.state() != IncidentState.RESOLVED ? Result.ALREADY_YOURS : Result.STALE, i);
    }

    /** An SMS (voice if opted out) to everyone else paged for the incident: who took it. */
    private static void tellOthers(Stores s, Incident i, Technician who, Instant now) {
        Set<Long> others = new LinkedHashSet<>();
        for (Page p : s.pages().forIncident(i.id())) {
            if (p.kind() == PageKind.PAGE && p.technicianId() != null && p.technicianId() != who.id()) {
                others.add(p.technicianId());
            }
        }
        for (long id : others) {
            s.roster().technician(id).ifPresent(t ->
                    PageWriter.write(s, i, t, PageKind.NOTICE, PageTexts.taken(i, who.name()), Page.TAKEN_STEP, i.cycle(), now));
        }
    }
}

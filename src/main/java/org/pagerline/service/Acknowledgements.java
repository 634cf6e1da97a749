package org.pagerline.service;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.pagerline.core.incident.IncidentLife;
import org.pagerline.core.incident.IncidentLife.Effect;
import org.pagerline.core.incident.Incident;
import org.pagerline.core.incident.IncidentState;
import org.pagerline.core.page.Notice;
import org.pagerline.core.page.Page;
import org.pagerline.core.page.PageKind;
import org.pagerline.core.roster.Technician;
import org.pagerline.core.ticket.Ticket;
import org.pagerline.core.ticket.TicketStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out the incident's transitions ({@link IncidentLife}) for every route in (SMS,
 * paging-call keys, CLI, a second voicemail): read the incident, decide, save it with one
 * compare-and-set on its version, and carry out what follows in the same transaction. On a
 * conflict (someone saved it between the read and the save) it reads again and decides again, so
 * of two racing acknowledgements exactly one wins and the other is answered as late.
 */
final class Acknowledgements {
    private static final Logger log = LoggerFactory.getLogger(Acknowledgements.class);
    /** Rereads after a conflict before giving up: each conflict means someone else's change landed. */
    private static final int ATTEMPTS = 20;
    private final Transactions tx;
    private final Clock clock;
    private final Runnable kick;
    /** The incident's ticket follows its acknowledgement, in the same transaction. */
    private final TicketService tickets;

    Acknowledgements(Transactions tx, Clock clock, Runnable kick, Metrics metrics, TicketService tickets) {
        this.tx = tx;
        this.clock = clock;
        this.kick = kick;
        this.metrics = metrics;
        this.tickets = tickets;
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

    static IncidentLife.Actor actor(Technician t) {
        return new IncidentLife.Actor(t.id(), t.name());
    }

    /** Acknowledged: the incident is theirs, and so is its ticket (acknowledged in the same transaction). */
    Outcome acknowledge(long incidentId, Technician who, String via) {
        Outcome o = change(incidentId, (i, now) -> IncidentLife.acknowledge(i, actor(who), via, now), ticketTakenBy(who));
        if (o.result() == Result.DONE) {
            metrics.acknowledged(Duration.between(o.incident().openedAt(), clock.instant()));
        }
        return o;
    }

    /** What a change that took the incident does to its ticket, in the same transaction. */
    private AfterDone ticketTakenBy(Technician who) {
        return (s, i, now) -> tickets.acknowledgedOnIncident(s, i.ticketId(), i.id(), who, now);
    }

    /** Called back (an OPEN incident is taken by the caller-back, and so is its ticket). */
    Outcome calledBack(long incidentId, Technician who, String via) {
        Outcome o = change(incidentId, (i, now) -> IncidentLife.calledBack(i, actor(who), via, now), ticketTakenBy(who));
        if (o.result() == Result.DONE) {
            metrics.calledBack(Duration.between(o.incident().openedAt(), clock.instant()));
        }
        return o;
    }

    /** Pass it on, as of the page {@code asOf} was sent for (null: as of the current step). */
    Outcome passOn(long incidentId, IncidentLife.AsOf asOf, Technician who, String via) {
        return change(incidentId, (s, i, now) -> IncidentLife.passOn(i, asOf, EscalationEngine.policy(s).steps().size(),
                actor(who), via, now));
    }

    Outcome resolve(long incidentId) {
        return change(incidentId, (i, now) -> IncidentLife.resolve(i, now));
    }

    interface Decide {
        IncidentLife.Outcome decide(Stores s, Incident i, Instant now);
    }

    interface SimpleDecide extends Decide {
        IncidentLife.Outcome decide(Incident i, Instant now);

        @Override
        default IncidentLife.Outcome decide(Stores s, Incident i, Instant now) {
            return decide(i, now);
        }
    }

    /** What follows a change that was DONE, in its transaction (after the incident's own effects). */
    interface AfterDone {
        void apply(Stores s, Incident saved, Instant now);
    }

    private Outcome change(long incidentId, SimpleDecide d) {
        return change(incidentId, (Decide) d, null);
    }

    private Outcome change(long incidentId, SimpleDecide d, AfterDone after) {
        return change(incidentId, (Decide) d, after);
    }

    private Outcome change(long incidentId, Decide d) {
        return change(incidentId, d, null);
    }

    private Outcome change(long incidentId, Decide d, AfterDone after) {
        Instant now = clock.instant();
        Outcome o = tx.inTransaction(s -> {
            Optional<IncidentLife.Outcome> r = decideAndSave(s, incidentId, i -> d.decide(s, i, now), now);
            if (r.isEmpty()) {
                return new Outcome(Result.NO_SUCH_INCIDENT, null);
            }
            IncidentLife.Outcome life = r.get();
            if (life.changed() && after != null) {
                after.apply(s, life.incident(), now);
            }
            if (!life.changed()) {
                Incident i = life.incident();
                log.info("late or repeated response for incident {} changed nothing (incident is {}, owner {})", i.id(),
                        i.state(), i.ownerName());
            }
            return new Outcome(switch (life.result()) {
                case DONE -> Result.DONE;
                case ALREADY_YOURS -> Result.ALREADY_YOURS;
                case STALE -> Result.STALE;
            }, life.incident());
        });
        if (o.result() == Result.DONE) {
            kick.run();
        }
        return o;
    }

    /**
     * Inside the caller's transaction: read, decide, compare-and-set, carry out the effects; on a
     * conflict read again and decide again. Empty when there is no such incident. The returned
     * outcome's incident is the one now stored (its version as saved).
     */
    static Optional<IncidentLife.Outcome> decideAndSave(Stores s, long incidentId,
            Function<Incident, IncidentLife.Outcome> decide, Instant now) {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            Optional<Incident> read = s.incidents().find(incidentId);
            if (read.isEmpty()) {
                return Optional.empty();
            }
            IncidentLife.Outcome o = decide.apply(read.get());
            if (o.changed()) {
                if (!s.incidents().save(o.incident())) {
                    log.debug("incident {} changed under us (version {}); reading it again", incidentId,
                            read.get().version());
                    continue;
                }
                o = new IncidentLife.Outcome(o.result(), o.incident().edit().version(o.incident().version() + 1).build(),
                        o.effects());
            }
            carryOut(s, o, now);
            return Optional.of(o);
        }
        throw new IllegalStateException("incident " + incidentId + " kept changing; gave up after " + ATTEMPTS + " reads");
    }

    /** The effects of a transition, in order, in the caller's transaction. */
    static void carryOut(Stores s, IncidentLife.Outcome o, Instant now) {
        Incident i = o.incident();
        int cancelled = 0;
        List<String> told = new ArrayList<>();
        for (Effect e : o.effects()) {
            if (e instanceof Effect.CancelPending c) {
                cancelled += c.notices() ? s.pages().cancelPendingAll(i.id()) : s.pages().cancelPending(i.id());
            } else if (e instanceof Effect.TellWhoTook t) {
                tellOthers(s, i, t.by(), now);
            } else if (e instanceof Effect.TellVoicemailAgain v) {
                told.addAll(tellVoicemailAgain(s, i, v, now));
            } else if (e instanceof Effect.CloseTicket) {
                closeTicket(s, i, now);
            } else if (e instanceof Effect.Timeline t) {
                String then = switch (t.then()) {
                    case NOTHING -> "";
                    case PAGES_CANCELLED -> cancelled > 0 ? "; " + cancelled + " pending page(s) cancelled" : "";
                    case PAGES_AND_NOTICES_CANCELLED -> cancelled > 0
                            ? "; " + cancelled + " pending page(s) and notice(s) cancelled" : "";
                    case WHO_WAS_TOLD -> "; told " + (told.isEmpty() ? "nobody yet" : String.join(", ", told));
                };
                s.tickets().addEvent(i.ticketId(), now, t.kind(), t.text() + then);
            }
        }
    }

    /** An SMS (voice if opted out) to everyone else paged for the incident: who took it. */
    private static void tellOthers(Stores s, Incident i, IncidentLife.Actor who, Instant now) {
        Set<Long> others = new LinkedHashSet<>();
        for (Page p : s.pages().forIncident(i.id())) {
            if (p.kind() == PageKind.PAGE && p.technicianId() != null && p.technicianId() != who.id()) {
                others.add(p.technicianId());
            }
        }
        for (long id : others) {
            s.roster().technician(id).ifPresent(t ->
                    PageWriter.write(s, i, t, Notice.TAKEN, PageTexts.taken(i, who.name()), Page.TAKEN_STEP, i.cycle(), now));
        }
    }

    /** The people working the incident hear that the caller called again: the owner once acknowledged, else all paged. */
    private static List<String> tellVoicemailAgain(Stores s, Incident i, Effect.TellVoicemailAgain v, Instant now) {
        Set<Long> who = new LinkedHashSet<>();
        if (i.state() == IncidentState.ACKNOWLEDGED && i.ownerId() != null) {
            who.add(i.ownerId());
        } else {
            for (Page p : s.pages().forIncident(i.id())) {
                if (p.kind() == PageKind.PAGE && p.technicianId() != null) {
                    who.add(p.technicianId());
                }
            }
        }
        List<String> names = new ArrayList<>();
        for (long id : who) {
            s.roster().technician(id).ifPresent(t -> names.add(PageWriter.write(s, i, t,
                    v.message() ? Notice.ANOTHER_MESSAGE : Notice.ANOTHER_CALL, PageTexts.voicemailAgain(i, v.before(), v.message()), Page.OTHER_STEP, i.cycle(), now)));
        }
        return names;
    }

    private static void closeTicket(Stores s, Incident i, Instant now) {
        Ticket t = s.tickets().find(i.ticketId()).orElseThrow();
        if (t.status() != TicketStatus.CLOSED) {
            s.tickets().update(t.withStatus(TicketStatus.CLOSED).touchedAt(now));
            s.tickets().addEvent(t.id(), now, "CLOSED", "closed: incident " + i.id() + " resolved");
        }
    }
}

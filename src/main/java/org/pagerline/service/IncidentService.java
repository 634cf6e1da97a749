package org.pagerline.service;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.pagerline.core.incident.EscalationPolicy;
import org.pagerline.core.incident.Incident;
import org.pagerline.core.incident.IncidentLife;
import org.pagerline.core.incident.IncidentState;
import org.pagerline.core.incident.RespondBy;
import org.pagerline.core.incident.Target;
import org.pagerline.core.page.Page;
import org.pagerline.core.roster.Technician;
import org.pagerline.core.text.TextField;
import org.pagerline.core.ticket.Priority;
import org.pagerline.core.ticket.Ticket;
import org.pagerline.core.ticket.TicketEvent;
import org.pagerline.core.ticket.TicketStatus;

/**
 * Incidents: opened by the support line's urgent voicemail ({@link IncidentOpener}), listed,
 * shown with their pages and timeline, and acknowledged, called back or resolved from the CLI;
 * and the escalation policy they are paged by.
 */
public final class IncidentService implements IncidentOpener {
    private final Transactions tx;
    private final Clock clock;
    private final Duration callbackDeadline;
    private final Duration slaWarning;
    private final Runnable kick;
    private final Acknowledgements acks;

    public IncidentService(Transactions tx, Clock clock, Duration callbackDeadline, Duration slaWarning, Runnable kick) {
        this(tx, clock, callbackDeadline, slaWarning, kick, Metrics.NONE);
    }

    /** With the tickets on the default service levels ({@link TicketService#TicketService(Transactions, Clock)}). */
    public IncidentService(Transactions tx, Clock clock, Duration callbackDeadline, Duration slaWarning, Runnable kick,
            Metrics metrics) {
        this(tx, clock, callbackDeadline, slaWarning, kick, metrics, new TicketService(tx, clock));
    }

    /** @param tickets acknowledges an incident's ticket with the incident */
    public IncidentService(Transactions tx, Clock clock, Duration callbackDeadline, Duration slaWarning, Runnable kick,
            Metrics metrics, TicketService tickets) {
        this.tx = tx;
        this.clock = clock;
        this.callbackDeadline = callbackDeadline;
        this.slaWarning = slaWarning;
        this.kick = kick;
        this.acks = new Acknowledgements(tx, clock, kick, metrics, tickets);
    }

    /** An incident with its pages and its ticket's timeline. */
    public record IncidentView(Incident incident, List<Page> pages, List<TicketEvent> timeline) {}

    /**
     * Opens an OPEN incident on the voicemail's ticket, first step due at once, and asks the
     * engine for a pass so the first pages go out without waiting for a sweep. A second urgent
     * voicemail on a ticket whose incident is still awaiting a call-back joins that incident.
     */
    @Override
    public long openFromVoicemail(VoicemailIncident v) {
        long id = tx.inTransaction(s -> openFromVoicemail(s, v));
        kick.run();
        return id;
    }

    /**
     * The same, inside the caller's transaction (the support line saves the voicemail and opens
     * its incident in one commit). The caller must call {@link #afterCommit()} once committed.
     */
    @Override
    public long openFromVoicemail(Stores s, VoicemailIncident v) {
        Ticket t = s.tickets().find(v.ticketId())
                .orElseThrow(() -> new NotFoundException("no ticket with id " + v.ticketId()));
        return openFromVoicemail(s, v, t, s.incidents().awaitingCallbackOnTicket(t.id()));
    }

    @Override
    public long openFromVoicemail(Stores s, VoicemailIncident v, Ticket t, Optional<Incident> existing) {
        Instant now = clock.instant();
        if (existing.isPresent()) {
            Optional<Long> joined = voicemailAgain(s, t, existing.get().id(), v, now);
            if (joined.isPresent()) {
                return joined.get();
            }
        }
        Ticket updated = t;
        if (v.priority() != null) {
            updated = updated.withPriority(v.priority());
        }
        if (v.callbackNumber() != null && !v.callbackNumber().isBlank()) {
            updated = updated.withCallback(v.callbackNumber());
        }
        if (updated != t) {
            s.tickets().update(updated.touchedAt(now));
        }
        EscalationPolicy policy = EscalationEngine.policy(s);
        Incident i = s.incidents().insert(Incident.open(t.id(), v.priority(), new Incident.Caller(v.callerNumber(),
                first(v.callerName(), t.callerName()), first(v.company(), t.company()),
                first(v.callbackNumber(), t.callbackNumber()), v.recording()), v.leftAt(), now,
                policy.steps().get(0).delay(), callbackDeadline,
                respondBy(s, v.priority(), v.leftAt() == null ? now : v.leftAt()), slaWarning));
        s.tickets().addEvent(t.id(), now, "INCIDENT_OPENED", "incident " + i.id() + " opened "
                + (v.recording() == null ? "for the urgent caller (no message)" : "from the urgent voicemail")
                + (v.priority() == null ? "" : " (" + v.priority() + ")") + "; call back by " + i.callbackDueAt());
        return i.id();
    }

    /** Wakes the engine so the first pages of incidents opened in a committed transaction go out at once. */
    @Override
    public void afterCommit() {
        kick.run();
    }

    /**
     * A second urgent voicemail on an incident still awaiting its call-back joins it
     * ({@link IncidentLife#voicemailAgain}: newest recording and call-back number, a higher
     * priority, the people working it told). Empty when the incident no longer awaits its
     * call-back (the caller then opens a new one).
     */
    private Optional<Long> voicemailAgain(Stores s, Ticket t, long incidentId, VoicemailIncident v, Instant now) {
        IncidentLife.Voicemail again = new IncidentLife.Voicemail(v.priority(), v.callbackNumber(), v.recording(),
                respondBy(s, v.priority(), v.leftAt() == null ? now : v.leftAt()));
        Optional<IncidentLife.Outcome> o = Acknowledgements.decideAndSave(s, incidentId,
                i -> IncidentLife.voicemailAgain(i, again, slaWarning, now), now);
        if (o.isEmpty() || !o.get().changed()) {
            return Optional.empty();
        }
        Incident i = o.get().incident();
        Ticket updated = t;
        if (i.priority() != null && i.priority() != t.priority()) {
            updated = updated.withPriority(i.priority());
        }
        if (i.callbackNumber() != null && !i.callbackNumber().equals(t.callbackNumber())) {
            updated = updated.withCallback(i.callbackNumber());
        }
        if (updated != t) {
            s.tickets().update(updated.touchedAt(now));
        }
        return Optional.of(i.id());
    }

    /**
     * The respond-by deadline {@code p} brings from {@code from}: the desk calendar is read only for
     * the business-hours levels (P3 to P5), whose clock stops outside opening hours and on holidays.
     */
    private static Instant respondBy(Stores s, Priority p, Instant from) {
        if (p == null || p.roundTheClock()) {
            return RespondBy.of(p, null, from);
        }
        return RespondBy.of(p, s.calendar().calendar(), from);
    }

    private static String first(String a, String b) {
        return a != null && !a.isBlank() ? a : b;
    }

    public List<Incident> list(int limit, boolean openOnly) {
        return tx.inTransaction(s -> s.incidents().list(limit, openOnly));
    }

    public IncidentView show(long id) {
        return tx.inTransaction(s -> {
            Incident i = require(s, id);
            return new IncidentView(i, s.pages().forIncident(id), s.tickets().events(i.ticketId()));
        });
    }

    /** What a CLI acknowledgement did, in a sentence; {@code changed} false when it was late or repeated. */
    public record Response(boolean changed, String message) {}

    public Response acknowledge(long id, String techRef) {
        return acknowledge(id, techRef, "CLI");
    }

    /** As {@link #acknowledge(long, String)}; {@code via} names the way in on the timeline ("the console"). */
    public Response acknowledge(long id, String techRef, String via) {
        Technician t = technician(techRef);
        Acknowledgements.Outcome o = acks.acknowledge(id, t, via);
        return switch (o.result()) {
            case DONE -> new Response(true, "incident " + id + " acknowledged by " + t.name() + "; paging stopped"
                    + " (the call-back timer runs until " + o.incident().callbackDueAt() + ")");
            case ALREADY_YOURS, STALE -> new Response(false, IncidentLife.already(o.incident()));
            case NO_SUCH_INCIDENT -> throw new NotFoundException("no incident with id " + id);
        };
    }

    public Response calledBack(long id, String techRef) {
        Technician t = technician(techRef);
        Acknowledgements.Outcome o = acks.calledBack(id, t, "CLI");
        return switch (o.result()) {
            case DONE -> new Response(true, "incident " + id + ": call-back by " + t.name() + " recorded; all timers stopped");
            case ALREADY_YOURS, STALE -> new Response(false, IncidentLife.already(o.incident()));
            case NO_SUCH_INCIDENT -> throw new NotFoundException("no incident with id " + id);
        };
    }

    public Response resolve(long id) {
        Acknowledgements.Outcome o = acks.resolve(id);
        return switch (o.result()) {
            case DONE -> new Response(true, "incident " + id + " resolved; ticket " + o.incident().ticketId() + " closed");
            case ALREADY_YOURS, STALE -> new Response(false, IncidentLife.already(o.incident()));
            case NO_SUCH_INCIDENT -> throw new NotFoundException("no incident with id " + id);
        };
    }

    public EscalationPolicy policy() {
        return tx.inTransaction(EscalationEngine::policy);
    }

    /** Validates (named technicians must exist) and stores the policy; returns it. */
    public EscalationPolicy setPolicy(List<String> steps, String repeat) {
        if (steps == null || steps.isEmpty()) {
            throw new ValidationException("give at least one --step, e.g. --step \"0m PRIMARY,SECONDARY\"");
        }
        EscalationPolicy p = RosterService.core(() -> EscalationPolicy.of(steps, repeat == null ? "10m" : repeat));
        RosterService.text(TextField.ESCALATION_POLICY, p.toString());
        Instant now = clock.instant();
        tx.run(s -> {
            for (EscalationPolicy.Step st : p.steps()) {
                for (Target t : st.targets()) {
                    if (t instanceof Target.Named n && s.roster().technicianByName(n.name()).isEmpty()) {
                        throw new ValidationException("step '" + st + "': no technician named '" + n.name() + "'");
                    }
                }
            }
            s.incidents().savePolicy(p.toString(), now);
        });
        return p;
    }

    private Technician technician(String ref) {
        return tx.inTransaction(s -> RosterService.resolve(s.roster(), ref));
    }

    private static Incident require(Stores s, long id) {
        return s.incidents().find(id).orElseThrow(() -> new NotFoundException("no incident with id " + id));
    }

    /** True while the incident still needs someone (for the list view). */
    public static boolean live(Incident i) {
        return i.state() == IncidentState.OPEN || i.state() == IncidentState.ACKNOWLEDGED;
    }
}

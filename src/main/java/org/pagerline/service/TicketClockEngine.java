package org.pagerline.service;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import org.pagerline.core.incident.Target;
import org.pagerline.core.page.Channel;
import org.pagerline.core.page.Notice;
import org.pagerline.core.page.Page;
import org.pagerline.core.page.PageKind;
import org.pagerline.core.roster.OnCallShift;
import org.pagerline.core.roster.Role;
import org.pagerline.core.roster.Technician;
import org.pagerline.core.text.DeskTime;
import org.pagerline.core.ticket.ClockKind;
import org.pagerline.core.ticket.ServiceLevels;
import org.pagerline.core.ticket.SlaClock;
import org.pagerline.core.ticket.Ticket;
import org.pagerline.core.ticket.TicketEvent;
import org.pagerline.core.ticket.TicketLife;
import org.pagerline.core.ticket.TicketStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tickets' side of the engine: one idempotent pass, {@link #runDue()}, over tickets whose
 * {@code sla_check_at} has come. For each it asks {@link TicketLife#due} what is due (a warning, a
 * breach, the automatic close), and writes the new life, its timeline lines and the notices to the
 * page outbox in one transaction with the compare-and-set: a warning is marked sent in the same
 * commit as its pages, so a restart never warns twice and never loses one. The outbox is then sent
 * by the paging engine's dispatcher ({@code dispatch}). Warnings go to the team lead on duty;
 * breaches to the team lead and the VP of service (by SMS, or a voice call to a phone that opted
 * out of texts), never to the on-call cycle.
 *
 * <p>Tickets are taken in batches of {@link #BATCH}, earliest due first, claimed with one query
 * ({@code FOR UPDATE SKIP LOCKED}: two nodes' passes share the work, never decide one ticket
 * together) and decided and written in one transaction with JDBC batches: a few statements per
 * batch rather than several per ticket, which is what lets 10,000 warnings due in a minute go out
 * on time. The pass wakes itself at the next {@code sla_check_at} ({@link PassKicker}).
 */
public final class TicketClockEngine implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TicketClockEngine.class);
    /**
     * The least time between two passes' starts. Every save of a call on the support line kicks
     * the pass: at 500 urgent callers, with a priority chosen on the phone then making its ticket
     * due at once, the passes ran back to back, a few tickets and a commit each (0.43 commits per
     * call, each contending for H2's store with the callers' own). Now a pass starts at most every
     * quarter of a second and takes what is due a batch at a time; no deadline is that close.
     */
    static final java.time.Duration KICK_GAP = java.time.Duration.ofMillis(250);
    /** Due tickets claimed, decided and written per transaction. */
    private static final int BATCH = 100;
    private final Transactions tx;
    private final Clock clock;
    private final TicketService tickets;
    private final Runnable dispatch;
    private final ReentrantLock passLock = new ReentrantLock();
    private final PassKicker kicker;

    /** What one pass did: tickets looked at, notices written, the next instant to look. */
    public record PassResult(int ticketsDecided, int notices, Instant nextDue) {}

    /** @param dispatch sends the outbox (the paging engine's pass, or its kick) */
    public TicketClockEngine(Transactions tx, Clock clock, TicketService tickets, Runnable dispatch) {
        this.tx = tx;
        this.clock = clock;
        this.tickets = tickets;
        this.dispatch = dispatch;
        this.kicker = new PassKicker("ticket-clocks", this::runDue, log,
                "ticket clock pass failed; the next wake-up or sweep retries", KICK_GAP);
    }

    /** Counts service-level warnings and breaches (by priority and clock), once their notices have committed. */
    private volatile Metrics metrics = Metrics.NONE;

    /** Wiring only: the server's metrics. */
    public void attachMetrics(Metrics m) {
        this.metrics = m;
    }

    /** A notice written in a transaction, counted once that transaction has committed. */
    private record Told(org.pagerline.core.ticket.Priority priority, TicketLife.Notice notice) {}

    private void count(List<Told> told) {
        for (Told t : told) {
            String target = t.notice().clock().words();   // the label PrometheusMetrics registers at start
            if (t.notice().breach()) {
                metrics.slaBreach(t.priority(), target);
            } else {
                metrics.slaWarning(t.priority(), target);
            }
        }
    }

    /** Wiring only: where the engine asks to be woken (Quartz). */
    public void attachWakeUps(WakeUps w) {
        kicker.attachWakeUps(w);
    }

    /** A pass soon, on the engine's own thread; kicks while one is queued coalesce. */
    public void kick() {
        kicker.kick();
    }

    /** The idempotent pass: batches of due tickets, each claimed, decided and written in one transaction. */
    public PassResult runDue() {
        passLock.lock();
        try {
            int decided = 0;
            int notices = 0;
            for (int round = 0; round < 1000; round++) {
                Batch b = batch(clock.instant());
                count(b.told());
                decided += b.decided();
                notices += b.told().size();
                if (!b.told().isEmpty()) {
                    dispatch.run();   // each batch's notices go out as soon as it commits, not at the pass's end
                }
                if (b.claimed() < BATCH) {
                    break;
                }
            }
            Instant next = tx.inTransaction(s -> s.tickets().nextClockCheck().orElse(null));
            if (next != null) {
                kicker.wakeAt(next, clock.instant());
            }
            return new PassResult(decided, notices, next);
        } finally {
            passLock.unlock();
        }
    }

    /** What one batch did: due tickets claimed, tickets decided, notices written (counted after the commit). */
    private record Batch(int claimed, int decided, List<Told> told) {}

    /**
     * Up to {@link #BATCH} due tickets, earliest first, in one transaction: claimed (rows another
     * node's pass holds are skipped), read together, decided in memory, and written with JDBC
     * batches (the clocks with their compare-and-set, the outbox rows, the timeline lines). If a
     * ticket's decision fails, the batch rolls back and its tickets are decided one by one, so the
     * others go on.
     */
    private Batch batch(Instant now) {
        try {
            return tx.inTransaction(s -> decide(s, s.tickets().claimClockDue(now, BATCH), now));
        } catch (RuntimeException e) {
            List<Long> ids = tx.inTransaction(s -> s.tickets().clockDue(now, BATCH));
            log.warn("a batch of {} ticket clock decisions failed ({}); deciding them one by one", ids.size(), e.toString());
            int decided = 0;
            List<Told> told = new ArrayList<>();
            for (long id : ids) {
                try (LogContext ctx = LogContext.ticket(id)) {
                    Batch one = tx.inTransaction(s -> decide(s, List.of(id), now));
                    decided += one.decided();
                    told.addAll(one.told());
                } catch (RuntimeException again) {
                    log.error("ticket {}: clock decision failed; the next pass retries", id, again);
                }
            }
            return new Batch(ids.size(), decided, told);
        }
    }

    /** One ticket's decision, saved or to save: the stored life, what reconciling brought, what is due. */
    private record Decision(TicketLife stored, TicketLife.Result reconciled, TicketLife.Result due) {
        boolean quiet() {
            return due.notices().isEmpty() && due.lines().isEmpty() && reconciled.lines().isEmpty()
                    && reconciled.priorityChange() == null;
        }
    }

    /** These tickets, inside the transaction. */
    private Batch decide(Stores s, List<Long> ids, Instant now) {
        if (ids.isEmpty()) {
            return new Batch(0, 0, List.of());
        }
        ServiceLevels levels = tickets.levels(s);
        List<TicketLife> lives = s.tickets().lives(ids);
        List<Long> responding = new ArrayList<>();
        for (TicketLife l : lives) {
            if (l.clock(ClockKind.RESPOND).filter(SlaClock::live).isPresent()) {
                responding.add(l.ticketId());
            }
        }
        Set<Long> incidentTellsRespond = s.incidents().ticketsWithIncidentRespondBy(responding);
        List<Decision> decided = new ArrayList<>();
        List<TicketStore.ClockSave> clockOnly = new ArrayList<>();
        for (TicketLife stored : lives) {
            try (LogContext ctx = LogContext.ticket(stored.ticketId())) {
                TicketLife.Result rec = callBackOnTheIncident(s, stored.ticketId(), stored.reconcile(now, levels), levels, now);
                TicketLife.Result r = rec.life().due(now, levels, incidentTellsRespond.contains(stored.ticketId()));
                Decision d = new Decision(stored, rec, r);
                TicketLife after = r.life();
                if (onlyClocksMoved(stored, after)) {
                    clockOnly.add(new TicketStore.ClockSave(stored, after, after.nextCheck(), d.quiet() ? null : now));
                    decided.add(d);
                } else if (s.tickets().saveLife(stored, after, after.nextCheck(), now)) {
                    decided.add(d);
                }   // else its version moved: the next pass decides again
            }
        }
        Set<Long> moved = new HashSet<>(s.tickets().saveClocks(clockOnly));
        decided.removeIf(d -> moved.contains(d.stored().ticketId()));

        List<Long> telling = decided.stream().filter(d -> !d.due().notices().isEmpty()).map(d -> d.stored().ticketId()).toList();
        Map<Long, Ticket> facts = telling.isEmpty() ? Map.of() : s.tickets().findAll(telling);
        Map<Role, Optional<OnCallShift>> onCall = telling.isEmpty() ? Map.of() : RosterService.onCall(s.roster(), now);
        Map<String, Boolean> optedOut = new HashMap<>();
        List<Page> pages = new ArrayList<>();
        List<TicketEvent> events = new ArrayList<>();
        List<Told> told = new ArrayList<>();
        for (Decision d : decided) {
            if (d.quiet()) {
                continue;
            }
            long id = d.stored().ticketId();
            TicketLife after = d.due().life();
            Map<ClockKind, String> whom = new java.util.EnumMap<>(ClockKind.class);
            for (TicketLife.Notice n : d.due().notices()) {
                whom.put(n.clock(), notify(s, facts.get(id), after, n, levels, onCall, optedOut, pages, now));
                told.add(new Told(after.priority(), n));
            }
            List<TicketLife.Line> lines = new ArrayList<>(d.reconciled().lines());
            for (TicketLife.Line line : d.due().lines()) {
                lines.add(withWhom(line, whom));
            }
            for (TicketLife.Line line : lines) {
                events.add(new TicketEvent(0, id, now, line.kind(), line.detail()));
            }
            if (d.reconciled().priorityChange() != null) {
                TicketLife.PriorityChange c = d.reconciled().priorityChange();
                s.tickets().addPriorityChange(id, now, c.from(), c.to(), c.by(), c.why());
            }
        }
        s.pages().insertAll(pages);
        s.tickets().addEvents(events);
        return new Batch(ids.size(), decided.size(), told);
    }

    /** A warning's or breach's timeline line, with whom its notice pages (a clock the incident tells has no notice). */
    private static TicketLife.Line withWhom(TicketLife.Line line, Map<ClockKind, String> whom) {
        if (line.kind().equals("SLA_WARNING") || line.kind().equals("SLA_BREACHED")) {
            for (Map.Entry<ClockKind, String> w : whom.entrySet()) {
                if (line.detail().startsWith(w.getKey().words() + ":")) {
                    return new TicketLife.Line(line.kind(), line.detail() + ": " + w.getValue());
                }
            }
        }
        return line;
    }

    /** The engine's own decision moved only clock columns (warned, breached): the batched, narrower write will do. */
    private static boolean onlyClocksMoved(TicketLife stored, TicketLife after) {
        return after.state() == stored.state() && after.pauses().equals(stored.pauses())
                && java.util.Objects.equals(after.ownerId(), stored.ownerId()) && after.priority() == stored.priority()
                && after.clocks().stream().map(SlaClock::kind).toList()
                        .equals(stored.clocks().stream().map(SlaClock::kind).toList());
    }

    /**
     * The urgent line's call-back promise is kept on the incident (a key on the paging call, an SMS
     * "12c", the CLI): once no incident on the ticket awaits its call-back, the ticket's contact and
     * respond clocks are met as of the recorded call-back (or now, when the incident was resolved
     * without one).
     */
    private static TicketLife.Result callBackOnTheIncident(Stores s, long id, TicketLife.Result rec, ServiceLevels levels,
            Instant now) {
        TicketLife l = rec.life();
        Optional<org.pagerline.core.ticket.SlaClock> promise = l.clock(org.pagerline.core.ticket.ClockKind.CONTACT)
                .filter(c -> c.live() && c.promise() != null);
        if (promise.isEmpty() || s.incidents().awaitingCallbackOnTicket(id).isPresent()) {
            return rec;
        }
        List<org.pagerline.core.ticket.TicketEvent> events = s.tickets().events(id).stream()
                .filter(e -> !e.at().isBefore(promise.get().startedAt())).toList();
        if (events.stream().noneMatch(e -> e.kind().equals("INCIDENT_OPENED") || e.kind().equals("VOICEMAIL_AGAIN"))) {
            return rec;   // no incident took the promise on (it failed to open): the clock runs, someone must call back by hand
        }
        Instant at = events.stream().filter(e -> e.kind().equals("CALLED_BACK"))
                .map(org.pagerline.core.ticket.TicketEvent::at).reduce((a, b) -> b).orElse(now);
        TicketLife.Result c = l.contacted("the incident's owner", "the call-back was recorded on the incident", at, levels);
        if (c.refused()) {
            return rec;
        }
        List<TicketLife.Line> lines = new ArrayList<>(rec.lines());
        lines.addAll(c.lines());
        return new TicketLife.Result(c.life(), lines, null, rec.priorityChange(), List.of());
    }

    /** One warning or breach for the outbox ({@code pages}); returns whom it reaches, for the timeline. */
    private String notify(Stores s, Ticket t, TicketLife l, TicketLife.Notice n, ServiceLevels levels,
            Map<Role, Optional<OnCallShift>> onCall, Map<String, Boolean> optedOut, List<Page> pages, Instant now) {
        List<Target> targets = n.breach() ? List.of(Target.role(Role.TEAM_LEAD), Target.role(Role.VP_SERVICE))
                : List.of(Target.role(Role.TEAM_LEAD));
        List<String> unfilled = new ArrayList<>();
        List<Technician> people = Recipients.resolve(s, targets, now, onCall, unfilled);
        String text = text(t, l, n, levels);
        List<String> paged = new ArrayList<>();
        for (Technician p : people) {
            boolean smsOff = optedOut.computeIfAbsent(p.textPhone(), phone -> s.pages().isOptedOut(phone));
            Channel c = smsOff ? Channel.VOICE : Channel.SMS;
            pages.add(Page.pending(0, t.id(), p.id(), p.name(), c, PageWriter.number(p, c), PageKind.NOTICE,
                    "t" + t.id(), text, Page.OTHER_STEP, 0, false, now).telling(notice(n)));
            paged.add(p.name() + " (" + c.name().toLowerCase() + (smsOff ? ", SMS opted out" : "") + ")");
        }
        if (paged.isEmpty()) {
            log.warn("ticket {}: {} {} reached nobody (unfilled: {})", t.id(), n.clock().words(), n.breach() ? "breach"
                    : "warning", unfilled);
        }
        return "paging " + (paged.isEmpty() ? "nobody" : String.join(", ", paged))
                + (unfilled.isEmpty() ? "" : "; nobody holds " + String.join(", ", unfilled));
    }

    /** The clock a notice warns of (its target near), if it is such a warning: {@link #notice} read back. */
    static Optional<org.pagerline.core.ticket.ClockKind> warnedClock(Notice n) {
        return java.util.Arrays.stream(org.pagerline.core.ticket.ClockKind.values())
                .filter(k -> notice(new TicketLife.Notice(k, false, null)) == n).findFirst();
    }

    /** What a call says of a warning or a breach. */
    static Notice notice(TicketLife.Notice n) {
        return switch (n.clock()) {
            case CONTACT -> n.breach() ? Notice.CONTACT_TARGET_MISSED : Notice.CONTACT_TARGET_NEAR;
            case RESPOND -> n.breach() ? Notice.RESPOND_TARGET_MISSED : Notice.RESPOND_TARGET_NEAR;
            case RESOLVE -> n.breach() ? Notice.RESOLVE_TARGET_MISSED : Notice.RESOLVE_TARGET_NEAR;
        };
    }

    /** The words of a warning or a breach (one place). Times in the desk's zone. */
    static String text(Ticket t, TicketLife l, TicketLife.Notice n, ServiceLevels levels) {
        String who = t.callerName() != null ? t.callerName() : t.callerNumber() != null ? t.callerNumber() : "unknown caller";
        String owner = l.ownerName() == null ? "nobody has taken it" : "owner " + l.ownerName();
        String clockName = switch (n.clock()) {
            case CONTACT -> "contact";
            case RESPOND -> "respond";
            case RESOLVE -> "resolve";
        };
        String prio = l.priority() != null ? l.priority() + " " : l.projectRequest() ? "project " : "";
        String due = DeskTime.format(n.dueAt(), levels.time().zone());
        return n.breach()
                ? "pagerline " + prio + "ticket " + t.id() + " (" + who + (t.company() == null ? "" : ", " + t.company())
                        + "): " + clockName + " target MISSED, due " + due + "; " + owner + ", " + l.state().words() + "."
                : "pagerline " + prio + "ticket " + t.id() + " (" + who + (t.company() == null ? "" : ", " + t.company())
                        + "): " + clockName + " target due " + due + "; " + owner + ", " + l.state().words() + ".";
    }

    @Override
    public void close() {
        kicker.close();
    }
}

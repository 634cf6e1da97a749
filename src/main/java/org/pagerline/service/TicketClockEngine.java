package org.pagerline.service;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.pagerline.core.incident.Target;
import org.pagerline.core.page.Channel;
import org.pagerline.core.page.Page;
import org.pagerline.core.page.PageKind;
import org.pagerline.core.roster.OnCallShift;
import org.pagerline.core.roster.Role;
import org.pagerline.core.roster.Technician;
import org.pagerline.core.text.DeskTime;
import org.pagerline.core.ticket.ServiceLevels;
import org.pagerline.core.ticket.Ticket;
import org.pagerline.core.ticket.TicketLife;
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
 */
public final class TicketClockEngine implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TicketClockEngine.class);
    private static final int BATCH = 200;
    /** Tickets decided per transaction. */
    private static final int GROUP = 20;
    static final Duration NEAR = Duration.ofSeconds(2);
    private final Transactions tx;
    private final Clock clock;
    private final TicketService tickets;
    private final Runnable dispatch;
    private volatile WakeUps wakeUps = due -> { };
    private final ReentrantLock passLock = new ReentrantLock();
    private final AtomicBoolean kickQueued = new AtomicBoolean();
    private final AtomicLong timerAt = new AtomicLong();
    private final ScheduledExecutorService kicker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "ticket-clocks");
        t.setDaemon(true);
        return t;
    });

    /** What one pass did: tickets looked at, notices written, the next instant to look. */
    public record PassResult(int ticketsDecided, int notices, Instant nextDue) {}

    /** @param dispatch sends the outbox (the paging engine's pass, or its kick) */
    public TicketClockEngine(Transactions tx, Clock clock, TicketService tickets, Runnable dispatch) {
        this.tx = tx;
        this.clock = clock;
        this.tickets = tickets;
        this.dispatch = dispatch;
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
        this.wakeUps = w;
    }

    /** A pass soon, on the engine's own thread; kicks while one is queued coalesce. */
    public void kick() {
        if (kickQueued.compareAndSet(false, true)) {
            try {
                kicker.execute(() -> {
                    kickQueued.set(false);
                    try {
                        runDue();
                    } catch (RuntimeException e) {
                        log.error("ticket clock pass failed; the next wake-up or sweep retries", e);
                    }
                });
            } catch (java.util.concurrent.RejectedExecutionException closed) {
                kickQueued.set(false);
            }
        }
    }

    /** The idempotent pass. */
    public PassResult runDue() {
        passLock.lock();
        try {
            int decided = 0;
            int notices = 0;
            for (int round = 0; round < 1000; round++) {
                Instant now = clock.instant();
                List<Long> ids = tx.inTransaction(s -> s.tickets().clockDue(now, BATCH));
                if (ids.isEmpty()) {
                    break;
                }
                record Context(ServiceLevels levels, Map<Role, Optional<OnCallShift>> onCall) {}
                Context c = tx.inTransaction(s -> new Context(tickets.levels(s), RosterService.onCall(s.roster(), now)));
                // A few tickets per transaction (each with its own compare-and-set), and the outbox sent after
                // each group: a warning waits for its group's commit, never for the whole pass.
                for (int from = 0; from < ids.size(); from += GROUP) {
                    List<Long> group = ids.subList(from, Math.min(ids.size(), from + GROUP));
                    int[] done;
                    try {
                        List<Told> told = new ArrayList<>();
                        done = tx.inTransaction(s -> {
                            told.clear();
                            return decideGroup(s, group, c.levels(), c.onCall(), now, told);
                        });
                        count(told);
                    } catch (RuntimeException e) {
                        done = new int[2];
                        for (long id : group) {   // one of them failed: each on its own, so the others go on
                            try (LogContext ctx = LogContext.ticket(id)) {
                                List<Told> told = new ArrayList<>();
                                int[] one = tx.inTransaction(s -> {
                                    told.clear();
                                    return decideGroup(s, List.of(id), c.levels(), c.onCall(), now, told);
                                });
                                count(told);
                                done[0] += one[0];
                                done[1] += one[1];
                            } catch (RuntimeException again) {
                                log.error("ticket {}: clock decision failed; the next pass retries", id, again);
                            }
                        }
                    }
                    decided += done[0];
                    notices += done[1];
                    if (done[1] > 0) {
                        dispatch.run();
                    }
                }
                if (ids.size() < BATCH) {
                    break;
                }
            }
            Instant next = tx.inTransaction(s -> s.tickets().nextClockCheck().orElse(null));
            if (next != null) {
                Instant now = clock.instant();
                wakeAt(next.isAfter(now) ? next : now.plusMillis(500), now);
            }
            return new PassResult(decided, notices, next);
        } finally {
            passLock.unlock();
        }
    }

    /** Several tickets in one transaction; returns {tickets decided, notices written}. */
    private int[] decideGroup(Stores s, List<Long> ids, ServiceLevels levels, Map<Role, Optional<OnCallShift>> onCall,
            Instant now, List<Told> told) {
        int[] done = new int[2];
        for (TicketLife stored : s.tickets().lives(ids)) {
            try (LogContext ctx = LogContext.ticket(stored.ticketId())) {
                Integer n = decideOne(s, stored, levels, onCall, now, told);
                if (n != null) {
                    done[0]++;
                    done[1] += n;
                }
            }
        }
        return done;
    }

    /** One ticket, inside the transaction; null when its version moved (the next pass decides again). */
    private Integer decideOne(Stores s, TicketLife stored, ServiceLevels levels, Map<Role, Optional<OnCallShift>> onCall,
            Instant now, List<Told> counted) {
        long id = stored.ticketId();
        TicketLife.Result rec = stored.reconcile(now, levels);
        rec = callBackOnTheIncident(s, id, rec, levels, now);
        TicketLife.Result r = rec.life().due(now, levels);
        TicketLife after = r.life();
        boolean onlyClocks = after.state() == stored.state() && after.pauses().equals(stored.pauses())
                && java.util.Objects.equals(after.ownerId(), stored.ownerId()) && after.priority() == stored.priority()
                && after.clocks().stream().map(org.pagerline.core.ticket.SlaClock::kind).toList()
                        .equals(stored.clocks().stream().map(org.pagerline.core.ticket.SlaClock::kind).toList());
        if (!(onlyClocks ? s.tickets().saveClocks(after, after.nextCheck()) : s.tickets().saveLife(after, after.nextCheck(), now))) {
            return null;
        }
        if (r.notices().isEmpty() && r.lines().isEmpty() && rec.lines().isEmpty() && rec.priorityChange() == null) {
            return 0;
        }
        Ticket t = s.tickets().find(id).orElseThrow();
        List<TicketLife.Line> lines = new ArrayList<>(rec.lines());
        List<String> told = new ArrayList<>();
        for (TicketLife.Notice n : r.notices()) {
            told.add(notify(s, t, after, n, levels, onCall, now));
            counted.add(new Told(after.priority(), n));
        }
        int k = 0;
        for (TicketLife.Line line : r.lines()) {
            boolean notice = line.kind().equals("SLA_WARNING") || line.kind().equals("SLA_BREACHED");
            lines.add(notice && k < told.size() ? new TicketLife.Line(line.kind(), line.detail() + ": " + told.get(k++)) : line);
        }
        for (TicketLife.Line line : lines) {
            s.tickets().addEvent(id, now, line.kind(), line.detail());
        }
        if (rec.priorityChange() != null) {
            TicketLife.PriorityChange c = rec.priorityChange();
            s.tickets().addPriorityChange(id, now, c.from(), c.to(), c.by(), c.why());
        }
        return r.notices().size();
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

    /** Writes one warning or breach to the outbox; returns whom it reaches, for the timeline. */
    private String notify(Stores s, Ticket t, TicketLife l, TicketLife.Notice n, ServiceLevels levels,
            Map<Role, Optional<OnCallShift>> onCall, Instant now) {
        List<Target> targets = n.breach() ? List.of(Target.role(Role.TEAM_LEAD), Target.role(Role.VP_SERVICE))
                : List.of(Target.role(Role.TEAM_LEAD));
        List<String> unfilled = new ArrayList<>();
        List<Technician> people = Recipients.resolve(s, targets, now, onCall, unfilled);
        String text = text(t, l, n, levels);
        List<String> paged = new ArrayList<>();
        for (Technician p : people) {
            boolean smsOff = s.pages().isOptedOut(p.textPhone());
            Channel c = smsOff ? Channel.VOICE : Channel.SMS;
            s.pages().insert(Page.pending(0, t.id(), p.id(), p.name(), c, PageWriter.number(p, c), PageKind.NOTICE,
                    "t" + t.id(), text, Page.OTHER_STEP, 0, false, now));
            paged.add(p.name() + " (" + c.name().toLowerCase() + (smsOff ? ", SMS opted out" : "") + ")");
        }
        if (paged.isEmpty()) {
            log.warn("ticket {}: {} {} reached nobody (unfilled: {})", t.id(), n.clock().words(), n.breach() ? "breach"
                    : "warning", unfilled);
        }
        return "paging " + (paged.isEmpty() ? "nobody" : String.join(", ", paged))
                + (unfilled.isEmpty() ? "" : "; nobody holds " + String.join(", ", unfilled));
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
        String prio = l.priority() == null ? "" : l.priority() + " ";
        String due = DeskTime.format(n.dueAt(), levels.time().zone());
        return n.breach()
                ? "pagerline " + prio + "ticket " + t.id() + " (" + who + (t.company() == null ? "" : ", " + t.company())
                        + "): " + clockName + " target MISSED, due " + due + "; " + owner + ", " + l.state().words() + "."
                : "pagerline " + prio + "ticket " + t.id() + " (" + who + (t.company() == null ? "" : ", " + t.company())
                        + "): " + clockName + " target due " + due + "; " + owner + ", " + l.state().words() + ".";
    }

    private void wakeAt(Instant due, Instant now) {
        Duration in = Duration.between(now, due);
        if (in.compareTo(NEAR) > 0) {
            wakeUps.wakeAt(due);
            return;
        }
        long at = due.toEpochMilli();
        long pending = timerAt.get();
        if (pending > now.toEpochMilli() - 1000 && pending <= at) {
            return;
        }
        timerAt.set(at);
        try {
            kicker.schedule(() -> {
                timerAt.compareAndSet(at, 0);
                kick();
            }, Math.max(0, in.toMillis()), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException closed) {
            // shutting down
        }
    }

    @Override
    public void close() {
        kicker.shutdown();
        try {
            kicker.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

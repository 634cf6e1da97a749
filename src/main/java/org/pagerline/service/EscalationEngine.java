package org.pagerline.service;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.pagerline.core.incident.EscalationPolicy;
import org.pagerline.core.incident.Escalator;
import org.pagerline.core.incident.Incident;
import org.pagerline.core.incident.IncidentState;
import org.pagerline.core.page.Notice;
import org.pagerline.core.page.Page;
import org.pagerline.core.page.PageKind;
import org.pagerline.core.page.PageStore.HandOver;
import org.pagerline.core.roster.OnCallShift;
import org.pagerline.core.roster.Role;
import org.pagerline.core.roster.Technician;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine: one idempotent pass, {@link #runDue()}. It finds incidents whose due column has
 * come, decides with the {@link Escalator}, and writes the moved-on incident and its pages to the
 * outbox in one transaction (shared by a few due incidents, each under a savepoint of its own);
 * then the {@link PageDispatcher} sends the outbox outside any transaction; then the engine asks
 * to be woken at the next due instant. Because every decision moves its due column in the same
 * transaction as its pages, running the pass twice, or after a crash, pages nothing twice and
 * loses nothing.
 *
 * <p>Passes never overlap within a node (a lock): Quartz wake-ups, the sweep and {@link #kick()} all
 * funnel here. Across nodes on one PostgreSQL, each due incident is claimed with
 * {@code FOR UPDATE SKIP LOCKED} ({@code IncidentStore.claimDue}), so one node decides each step and
 * the others move on; the outbox's claims are conditional updates, which hold across nodes too.
 */
public final class EscalationEngine implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EscalationEngine.class);
    private static final int BATCH = 200;
    /** Due incidents decided per commit. */
    static final int PER_COMMIT = 32;
    private final Transactions tx;
    private final Clock clock;
    private final Escalator escalator;
    private final PageDispatcher dispatcher;
    private final Duration callbackDeadline;
    private final ReentrantLock passLock = new ReentrantLock();
    private final PassKicker kicker;

    /** What one pass did. */
    public record PassResult(int incidentsDecided, int pagesSent, Instant nextDue) {}

    public EscalationEngine(Transactions tx, Clock clock, Duration callbackDeadline, PageDispatcher dispatcher) {
        this.tx = tx;
        this.clock = clock;
        this.callbackDeadline = callbackDeadline;
        this.escalator = new Escalator(callbackDeadline);
        this.dispatcher = dispatcher;
        this.kicker = new PassKicker("engine-kick", this::runDue, log, "engine pass failed; the next wake-up or sweep retries");
    }

    /** The dispatcher this engine's passes hand pages to (tests change its bundle gaps while a server runs). */
    public PageDispatcher dispatcher() {
        return dispatcher;
    }

    /** Wiring only: where pass durations, step lateness and service-level notices are counted. */
    public void attachMetrics(Metrics m) {
        this.metrics = m;
    }

    private volatile Metrics metrics = Metrics.NONE;

    /** Wiring only: where the engine asks to be woken (Quartz). Until then it is not woken. */
    public void attachWakeUps(WakeUps w) {
        kicker.attachWakeUps(w);
    }

    /** A pass soon, on the engine's own thread; kicks while one is queued coalesce. */
    public void kick() {
        kicker.kick();
    }

    /** The idempotent pass. */
    public PassResult runDue() {
        passLock.lock();
        long started = System.nanoTime();
        try {
            int decided = 0;
            int sent = 0;
            Instant next = null;
            for (int round = 0; round < 5; round++) {
                int d = decideDue();
                int p = dispatcher.dispatchDue();
                decided += d;
                sent += p;
                next = nextDue();
                // something fell due while we worked: go round again rather than wait for a wake-up
                if (next == null || next.isAfter(clock.instant()) || d + p == 0) {
                    break;
                }
            }
            if (next != null) {
                // past-due work this pass could not do (a send still in flight) is retried shortly, not in a tight loop
                kicker.wakeAt(next, clock.instant());
            }
            return new PassResult(decided, sent, next);
        } finally {
            metrics.enginePass(Duration.ofNanos(System.nanoTime() - started));
            passLock.unlock();
        }
    }

    private int decideDue() {
        int decided = 0;
        for (int round = 0; round < 100; round++) {
            Instant now = clock.instant();
            List<Long> ids = tx.inTransaction(s -> s.incidents().dueIds(now, BATCH));
            if (ids.isEmpty()) {
                break;
            }
            // The policy and who is on call are read once per batch; then the incidents are locked, decided
            // and written PER_COMMIT at a time, each under a savepoint of its own: one commit (on H2 one write
            // of the database file) for many decisions, an acknowledgement arriving meanwhile waits for a few
            // incidents' writes at most (H2 gives up on a lock after a while), and an incident that cannot be
            // decided is undone alone and logged: it does not hold back the others' pages.
            record Context(EscalationPolicy policy, Map<Role, Optional<OnCallShift>> onCall) {}
            Context c = tx.inTransaction(s -> new Context(policy(s), RosterService.onCall(s.roster(), now)));
            BatchReads reads = new BatchReads(new HashMap<>(), new HashMap<>());
            for (int from = 0; from < ids.size(); from += PER_COMMIT) {
                List<Long> group = ids.subList(from, Math.min(ids.size(), from + PER_COMMIT));
                List<Transactions.Result> results = tx.inOneCommit(group.stream()
                        .<java.util.function.Function<Stores, ?>>map(id -> s -> decideOne(s, id, c.policy(), c.onCall(), now,
                                reads))
                        .toList());
                // inOneCommit hands every piece the same failure when the commit itself failed
                RuntimeException commitFailed = results.isEmpty() ? null : results.get(0).failure();
                if (commitFailed != null && results.stream().allMatch(r -> r.failure() == commitFailed)) {
                    // the commit itself failed (the database went away, a full disk): one line, no stack trace (the
                    // database's own line says why); the incidents stay due and the next pass decides them
                    log.error("{} due incident(s) could not be decided: {}; the next pass tries again", group.size(),
                            rootCause(commitFailed));
                    return decided;
                }
                for (int i = 0; i < results.size(); i++) {
                    Transactions.Result r = results.get(i);
                    if (r.failure() != null) {
                        log.error("incident {} could not be decided ({}); the next pass tries again", group.get(i),
                                r.failure().toString(), r.failure());
                    } else if (Boolean.TRUE.equals(r.value())) {
                        decided++;
                    }
                }
            }
            if (ids.size() < BATCH) {
                break;
            }
        }
        return decided;
    }

    /**
     * What a batch's pages ask of every phone, read once for the batch (in an outage, hundreds of pages
     * to the same few phones): each phone's newest urgent hand-over ({@link PageDispatcher#gapEnds})
     * and whether it opted out of texts.
     */
    private record BatchReads(Map<String, Optional<HandOver>> handOvers, Map<String, Boolean> optedOut) {}

    private boolean decideOne(Stores s, long id, EscalationPolicy policy, Map<Role, Optional<OnCallShift>> onCall,
            Instant now, BatchReads reads) {
        // another node (or a response) holds it, or it is no longer due: not this pass's to decide
        Optional<Incident> locked = s.incidents().claimDue(id, now);
        if (locked.isEmpty()) {
            return false;
        }
        try (LogContext ctx = LogContext.of(locked.get().ticketId(), id)) {
            Escalator.Decision d = escalator.decide(locked.get(), policy, now);
            if (d.incident().equals(locked.get())) {
                return true;   // nothing moved: nothing to save
            }
            // the row is locked, so the compare-and-set holds; it fails only if the lock was not honoured
            if (!s.incidents().save(d.incident())) {
                log.warn("incident {} changed while locked; the next pass decides again", id);
                return false;
            }
            for (Escalator.Due due : d.due()) {
                write(s, d.incident(), due, onCall, now, reads);
            }
            count(locked.get(), d.due(), now);
            return true;
        }
    }

    private void write(Stores s, Incident i, Escalator.Due due, Map<Role, Optional<OnCallShift>> onCall, Instant now,
            BatchReads reads) {
        List<String> unfilled = new ArrayList<>();
        List<Technician> people = Recipients.resolve(s, due.targets(), now, onCall, unfilled);
        PageKind kind = due.kind() == Escalator.Kind.STEP
                || (due.kind() == Escalator.Kind.CALLBACK_LATE && i.state() == IncidentState.OPEN)
                ? PageKind.PAGE : PageKind.NOTICE;
        List<String> paged = new ArrayList<>();
        List<Page> held = new ArrayList<>();
        // a page to a phone inside its bundle gap is written waiting for the gap's end (the dispatcher
        // would only claim it to put it off: in an outage, most pages)
        PageWriter.Hold hold = dispatcher.gapEnds(s, reads.handOvers());
        List<Page> pages = new ArrayList<>(2 * people.size());
        for (Technician t : people) {
            String text = kind == PageKind.PAGE && due.kind() == Escalator.Kind.STEP ? null
                    : PageTexts.notice(i, due.kind(), t, callbackDeadline);
            boolean smsOff = reads.optedOut().computeIfAbsent(t.textPhone(), phone -> s.pages().isOptedOut(phone));
            paged.add(PageWriter.add(i, t, smsOff, kind, notice(due.kind()), text, due.step(), due.cycle(), now, hold, held,
                    pages));
        }
        s.pages().insertAll(pages);
        String what = switch (due.kind()) {
            case STEP -> "escalation step " + (due.step() + 1) + " (cycle " + (due.cycle() + 1) + ", "
                    + String.join(",", due.targets().stream().map(Object::toString).toList()) + ")";
            case CALLBACK_LATE -> "caller not called back within " + PageTexts.minutes(callbackDeadline)
                    + ": escalating wider";
            case SLA_APPROACHING -> "respond-by deadline " + i.respondBy() + " approaching";
            case SLA_MISSED -> "respond-by deadline " + i.respondBy() + " missed";
        };
        s.tickets().addEvent(i.ticketId(), now, "ESCALATED", what + ": paging "
                + (paged.isEmpty() ? "nobody" : String.join(", ", paged))
                + (unfilled.isEmpty() ? "" : "; nobody holds " + String.join(", ", unfilled)));
        for (Page p : held) {
            s.tickets().addEvent(i.ticketId(), now, "PAGE_HELD", dispatcher.heldLine(p, p.nextAttemptAt()));
        }
        if (paged.isEmpty()) {
            log.warn("incident {}: {} reached nobody (unfilled: {})", i.id(), what, unfilled);
        }
    }

    /** What a notice of this kind tells (a step asks for an acknowledgement: no notice). */
    private static Notice notice(Escalator.Kind kind) {
        return switch (kind) {
            case STEP -> null;
            case CALLBACK_LATE -> Notice.CALLBACK_LATE;
            case SLA_APPROACHING -> Notice.RESPOND_NEAR;
            case SLA_MISSED -> Notice.RESPOND_MISSED;
        };
    }

    /**
     * Step lateness (once per decision: from the due instant of the step that fell due) and
     * service-level notices. Counted as decided; a rolled-back decision is decided and counted again.
     */
    private void count(Incident before, List<Escalator.Due> due, Instant now) {
        if (before.nextEscalationAt() != null && due.stream().anyMatch(x -> x.kind() == Escalator.Kind.STEP)) {
            metrics.stepLateness(Duration.between(before.nextEscalationAt(), now));
        }
        for (Escalator.Due x : due) {
            if (x.kind() == Escalator.Kind.SLA_APPROACHING) {
                metrics.slaWarning(before.priority(), "respond-by");
            } else if (x.kind() == Escalator.Kind.SLA_MISSED) {
                metrics.slaBreach(before.priority(), "respond-by");
            }
        }
    }

    private static String rootCause(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c == t ? t.toString() : t + " (" + c + ")";
    }

    static EscalationPolicy policy(Stores s) {
        Optional<String> text = s.incidents().policyText();
        if (text.isEmpty()) {
            return EscalationPolicy.defaultPolicy();
        }
        try {
            return EscalationPolicy.parse(text.get());
        } catch (IllegalArgumentException e) {
            log.error("stored escalation policy is unreadable ({}); using the default", e.getMessage());
            return EscalationPolicy.defaultPolicy();
        }
    }

    /** The earliest due instant: a due column, a page's (re)try, a send timing out. */
    private Instant nextDue() {
        return tx.inTransaction(s -> {
            Instant m = s.incidents().nextDue().orElse(null);
            m = earliest(m, s.pages().nextPending().orElse(null));
            Instant sending = s.pages().oldestSending().orElse(null);
            return earliest(m, sending == null ? null : sending.plus(dispatcher.sendTimeout()));
        });
    }

    private static Instant earliest(Instant a, Instant b) {
        return a == null ? b : b == null ? a : a.isBefore(b) ? a : b;
    }

    @Override
    public void close() {
        kicker.close();
    }
}

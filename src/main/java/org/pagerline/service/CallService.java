package org.pagerline.service;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.BiConsumer;
import org.pagerline.core.calendar.BusinessCalendar;
import org.pagerline.core.call.Call;
import org.pagerline.core.call.CallOutcome;
import org.pagerline.core.call.CallRecord;
import org.pagerline.core.call.CallStep;
import org.pagerline.core.call.QueueEventText;
import org.pagerline.core.directory.Client;
import org.pagerline.core.roster.OnCallShift;
import org.pagerline.core.roster.Role;
import org.pagerline.core.roster.Technician;
import org.pagerline.core.ticket.Priority;
import org.pagerline.core.ticket.Ticket;
import org.pagerline.core.ticket.TicketEvent;
import org.pagerline.core.ticket.TicketSource;
import org.pagerline.core.ticket.TicketStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The support line's bookkeeping. Every call gets a ticket (new, or the caller's open one from the
 * last hours) and a call record keyed by Asterisk's unique id, in one transaction at its start
 * ({@link #start}), which also reads the desk (open or not, who is primary): what the caller waits
 * for is read and written once. From then on the call's object ({@link Call}, in {@link LiveCall})
 * gathers steps and timeline lines in memory, and {@link #save} hands what changed to the
 * {@link CallJournal}, which writes it off the caller's thread, batched with the other calls'
 * (one commit for many). The urgent voicemail and its incident, the urgent hang-up's incident and a
 * technician's accept are written through the same journal and waited for. Lines a stopped or
 * killed server had not saved are never lost silently: its live calls end as
 * {@link CallOutcome#CUT_OFF} with a line saying so, at the stop or at the next start.
 * Also receives the AMI helper's queue events ({@link CallEvents}).
 */
public final class CallService implements CallEvents, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CallService.class);
    private final Transactions tx;
    /** Counts calls by outcome (as their ending is written). */
    private final Metrics metrics;
    /** The tickets' life: a call opens or reuses its ticket, an urgent message starts its call-back clock. */
    private final TicketService tickets;
    private final PhoneNumbers phones;
    private final IncidentOpener incidents;
    private final Clock clock;
    private final Duration reuseWindow;
    private final Duration callbackDeadline;
    private final Set<String> callbackRegions;
    /**
     * The writer of the calls' starts and progress: H2 writes a chunk per commit whatever its size,
     * so few commits, each carrying many calls' waiting work, cost least.
     */
    private final CallJournal journal;
    /**
     * Transactions the journal writes at once. One writer was the line's bottleneck at 500 callers
     * (one core busy in H2 while callers waited on it). Four: the starts (two commits at once, never
     * two of one caller's number), the urgent voicemails with their incidents (one commit at a
     * time), and the calls' lines each commit beside the others (see {@link CallJournal}).
     */
    static final int JOURNAL_WRITERS = 4;
    private final String runHost;
    private final String run;

    /**
     * @param callbackDeadline the urgent caller is called back this long after the message
     *                         (paging.callback-deadline: the engine's timer, the ticket and the prompt agree)
     * @param callbackRegions  countries (ISO codes) pagerline may call back (line.callback-regions)
     */
    public CallService(Transactions tx, TicketService tickets, PhoneNumbers phones, IncidentOpener incidents,
            Clock clock, Duration reuseWindow, Duration callbackDeadline, Set<String> callbackRegions) {
        this(tx, tickets, phones, incidents, clock, reuseWindow, callbackDeadline, callbackRegions, "local", Metrics.NONE);
    }

    /**
     * @param host names this machine in the calls' server run ("host|random id"): a start ends as
     *             cut off only the calls that earlier runs on the same host left live
     */
    public CallService(Transactions tx, TicketService tickets, PhoneNumbers phones, IncidentOpener incidents, Clock clock,
            Duration reuseWindow, Duration callbackDeadline, Set<String> callbackRegions, String host, Metrics metrics) {
        this.metrics = metrics;
        this.tickets = tickets;
        this.tx = tx;
        this.phones = phones;
        this.incidents = incidents;
        this.clock = clock;
        this.reuseWindow = reuseWindow;
        this.callbackDeadline = callbackDeadline;
        this.callbackRegions = Set.copyOf(callbackRegions);
        this.journal = new CallJournal(tx, JOURNAL_WRITERS);
        this.runHost = host.replace('|', '_') + "|";
        this.run = runHost + UUID.randomUUID();
    }

    /** What the desk looks like right now: open or not, who is primary, the calendar for read-outs. */
    public record Situation(Instant now, boolean deskOpen, Optional<Technician> primary, BusinessCalendar calendar) {}

    /**
     * Starts (or, for a unique id seen before, resumes) a call and waits for its commit: {@link #begin}
     * then {@link StartingCall#await}.
     */
    public LiveCall start(String uniqueId, String channel, String callerIdNum, String callerIdName) {
        return begin(uniqueId, channel, callerIdNum, callerIdName).await();
    }

    /**
     * Starts (or, for a unique id seen before, resumes) a call, in one transaction: identifies the
     * caller, opens or reuses their ticket, records the call and reads the desk. Does not wait: the
     * journal commits it, with the other calls starting at the same moment, while the line answers
     * and plays the greeting, and {@link StartingCall#await} hands the call over once it is committed.
     * Throws {@link ValidationException} at once, writing nothing, when Asterisk gave no unique id.
     */
    public StartingCall begin(String uniqueId, String channel, String callerIdNum, String callerIdName) {
        if (uniqueId == null || uniqueId.isBlank() || uniqueId.length() > 64) {
            throw new ValidationException("the call has no usable agi_uniqueid");
        }
        Caller who = caller(callerIdNum, callerIdName);
        String shownChannel = CallerIdText.channel(channel);
        // The database keeps microseconds: a ticket opened now must read back as opened now, or it
        // looked reused (the ticket engine woken for every new call) and its life was saved a second
        // time for a difference in nanoseconds.
        Instant now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
        // the starts' lane, keyed by the number whose open ticket it may reuse: the caller hears
        // the greeting meanwhile, and nothing after it until the ticket is committed
        java.util.concurrent.CompletableFuture<LiveCall> committed = new java.util.concurrent.CompletableFuture<>();
        journal.submit(CallJournal.Lane.START, uniqueId, who.number(), s -> {
            Situation situation = situation(s, now);
            Optional<CallRecord> seen = s.calls().findByUniqueId(uniqueId);
            if (seen.isPresent()) {
                CallRecord c = seen.get();
                s.tickets().addEvent(c.ticketId(), now, "CALL_RESUMED", "the dialplan handed the same call to pagerline again");
                Call call = new Call(c.id(), c.ticketId(), c.lastStep() == null ? CallStep.GREETING : c.lastStep());
                return new LiveCall(call, uniqueId, who.raw(), who.e164(), Optional.empty(), true, situation);
            }
            Optional<Client> client = who.e164().flatMap(n -> s.clients().findByPhone(n));
            Ticket t = callersTicket(s, now, who, client);
            boolean reused = !t.openedAt().equals(now);
            CallRecord c = s.calls().insert(new CallRecord(0, uniqueId, t.id(), who.raw(), now, null, CallStep.GREETING, null,
                    null, null, null, null, null), run);
            s.tickets().addEvent(t.id(), now, "CALL_STARTED", "call from " + describeCaller(who, client)
                    + (shownChannel.isEmpty() ? "" : " on " + shownChannel));
            return new LiveCall(new Call(c.id(), t.id(), CallStep.GREETING), uniqueId, who.raw(), who.e164(), client, reused,
                    situation);
        }, (v, e) -> {
            if (e != null) {
                committed.completeExceptionally(e);
                return;
            }
            LiveCall live = (LiveCall) v;
            try {
                if (live.reusedTicket()) {
                    tickets.afterCommit(); // a reused ticket may have resumed or reopened: its clocks moved (a new one has none yet)
                }
            } catch (RuntimeException k) {
                log.warn("call {}: the ticket engine could not be woken for ticket {}: {}", live.callId(),
                        live.ticketId(), k.toString());
            } finally {
                committed.complete(live);
            }
        });
        return new StartingCall(committed);
    }

    /**
     * The desk for a start. The starts the journal writes together share one transaction, so they
     * share one reading of the calendar and the roster (the primary's shift holds until its
     * {@code until}): a third of a start's statements, read once per batch instead of per call.
     */
    private Situation situation(Stores s, Instant now) {
        DeskReading d;
        synchronized (desks) {
            d = desks.get(s);
            if (d == null) {
                if (desks.size() >= 8) {
                    desks.clear(); // the transactions read before are over; two or three are open at once
                }
                d = new DeskReading();
                desks.put(s, d);
            }
        }
        synchronized (d) { // one transaction is one writer's: never contended
            if (d.calendar == null) {
                d.calendar = s.calendar().calendar();
            }
            if (d.primary == null || d.primary.isEmpty() || !now.isBefore(d.primary.get().until())) {
                d.primary = RosterService.onCall(s.roster(), now).getOrDefault(Role.PRIMARY, Optional.empty());
            }
            return new Situation(now, d.calendar.isOpen(now), d.primary.map(OnCallShift::technician), d.calendar);
        }
    }

    /** The desk as read in one transaction (see {@link #situation}). */
    private static final class DeskReading {
        private BusinessCalendar calendar;
        private Optional<OnCallShift> primary;
    }

    /** Each open start transaction's reading of the desk, by its stores (identity: one per transaction). */
    private final java.util.Map<Stores, DeskReading> desks = new java.util.IdentityHashMap<>();

    /** The instant for the call's next line. */
    public Instant now() {
        return clock.instant();
    }

    /**
     * Hands what the call gathered since the last save to the journal, which writes it off this
     * thread. Throws if an earlier save of this call failed (the caller then goes to the
     * dialplan's fallback: the lines that could not be saved are in the log).
     */
    public void save(LiveCall live) {
        RuntimeException failed = live.takeSaveFailure();
        if (failed != null) {
            throw new IllegalStateException("the call's progress could not be saved: " + failed.getMessage(), failed);
        }
        if (!live.call().hasProgress()) {
            return;
        }
        Call.Progress p = live.call().takeProgress();
        journal.submit(live.asteriskUniqueId(), new ProgressPiece(p), (v, e) -> {
            if (e != null) {
                live.saveFailed(e);
                logUnsaved(p, e);
            }
        });
    }

    /**
     * The call is over (the caller has hung up or heard everything): hands the rest of what it
     * gathered to the journal, which writes it after the call's earlier pieces, and returns at once,
     * so the connection (and Asterisk's channel) closes without waiting on the database. Only while
     * the journal is behind by more than {@link CallJournal#REST_BACKLOG} pieces does it wait for the
     * backlog to shrink: a database that cannot keep up slows the calls' ends rather than filling the
     * heap. Lost only if the server dies before the writer gets to it (milliseconds; seconds while
     * the journal is behind): the call then stays live in the database, and the next start on this
     * host ends it as cut off, with a line saying where ({@link #endCallsLeftLive}).
     */
    public void saveLast(LiveCall live) {
        handLast(live, true);
    }

    /**
     * {@link #saveLast(LiveCall)}, written after {@code after} (the call's urgent message, or its
     * page without one, still being committed: its completion may hand in a line of its own, which
     * must come first) without waiting for it; {@code mayWait}: false once the dialplan's fallback
     * has the caller, who waits for the script to end, so it never waits on a journal behind.
     */
    public void saveLast(LiveCall live, SavingMessage after, boolean mayWait) {
        if (after != null && !after.settled()) {
            after.whenSettled(() -> last(live, after, false)); // on the journal's writer: never waits
            return;
        }
        last(live, after, mayWait);
    }

    /**
     * The call's last save, {@code after} settled. If nothing of the urgent message could be saved
     * (it and the line saying so failed: the database was away), what it held comes back to the
     * call, which fails (the dialplan's fallback has the caller), and the caller is paged with the
     * message they left, now that the database may be back: else the last save would say the call
     * ended with its message, and nobody would be paged. The last lines follow that page.
     */
    private void last(LiveCall live, SavingMessage after, boolean mayWait) {
        try {
            MessageNotSavedException lost = after == null ? null : after.notSaved();
            if (lost != null) {
                Instant now = clock.instant();
                boolean ends = live.call().messageNotSaved(lost.lost(), now,
                        "pagerline could not save the urgent message and its incident");
                SavingMessage page = pageAnyway(live, live.call().priority(), ends, now, "URGENT_MESSAGE_NOT_SAVED",
                        "pagerline could not save the urgent caller's message with its incident",
                        "the message could not be saved with its incident at first (" + lost.getCause() + ")");
                if (!page.settled()) {
                    page.whenSettled(() -> last(live, null, false));
                    return;
                }
            }
            handLast(live, mayWait);
        } catch (RuntimeException e) {
            log.error("call {}: its last lines could not be handed in: {}", live.callId(), e.toString(), e);
        }
    }

    private void handLast(LiveCall live, boolean mayWait) {
        live.takeSaveFailure(); // reported already; the last lines still go in
        if (!live.call().hasProgress()) {
            return; // the earlier saves are on their way, in order
        }
        Call.Progress p = live.call().takeProgress();
        BiConsumer<Object, RuntimeException> done = (v, e) -> {
            if (e != null) {
                logUnsaved(p, e);
            }
        };
        if (mayWait) {
            journal.submitOrWaitWhileBehind(live.asteriskUniqueId(), new ProgressPiece(p), done);
        } else {
            journal.submit(live.asteriskUniqueId(), new ProgressPiece(p), done);
        }
    }

    /**
     * The line stopped waiting for this start ({@code line.wait-limit}, or the caller hung up while
     * it waited) and the caller has left the script: once the start is committed, {@code end} ends
     * the call as the line left it and the call is saved, so it is not left live for the cut-off
     * sweep to page. Nothing happens if the start fails (nothing of it was written). Runs on the
     * journal's writer (or here, if the start is committed already) and never waits.
     */
    public void whenStartLands(StartingCall starting, java.util.function.Consumer<Call> end) {
        starting.whenCommitted(live -> {
            try {
                end.accept(live.call());
                handLast(live, false);
            } catch (RuntimeException e) { // the call stays live: the next start on this host ends it as cut off
                log.error("call {}: could not end it once its late start was written: {}", live.callId(), e.toString(), e);
            }
        });
    }

    /** A caller waited on this node's own work past {@code line.hold-after}: {@link Metrics#callerHeld}. */
    public void callerHeld(String at, String result) {
        metrics.callerHeld(at, result);
    }

    /** A save that failed, with the lines it held (they are nowhere else now). */
    private static void logUnsaved(Call.Progress p, RuntimeException e) {
        log.error("call {} (ticket {}): could not save {} timeline line(s) {}: {}", p.callId(), p.ticketId(),
                p.lines().size(), LogText.of(p.lines().stream().map(l -> l.kind() + ": " + l.detail()).toList()
                        .toString()), e.toString(), e);
    }

    /**
     * A save of a call's progress, in the rest lane. A later save of the same call handed in while
     * this one still waits joins it ({@link Call.Progress#then}): under load the call's steps before
     * the recording, its message and its last lines become one update of the call row and one batch
     * of lines instead of three.
     */
    private final class ProgressPiece implements CallJournal.Joinable {
        /** What this piece writes; fixed once a writer takes it (joins happen only before). */
        private Call.Progress progress;

        ProgressPiece(Call.Progress progress) {
            this.progress = progress;
        }

        @Override
        public boolean join(CallJournal.Joinable later) {
            if (!(later instanceof ProgressPiece next) || !progress.canTake(next.progress)) {
                return false;
            }
            progress = progress.then(next.progress);
            return true;
        }

        @Override
        public Object apply(Stores s) {
            writeProgress(s, progress);
            return null;
        }
    }

    /** Writes one save: the call row, the ticket's priority and call-back number, then the lines in order. */
    private void writeProgress(Stores s, Call.Progress p) {
        CallOutcome outcome = p.outcome();
        String answeredBy = null;
        if (outcome == CallOutcome.HUNG_UP && p.lastStep() == CallStep.QUEUE) {
            // the queue events (AMI, written through this journal too) say whether someone answered
            answeredBy = s.calls().find(p.callId()).map(CallRecord::answeredBy).orElse(null);
            outcome = Call.savedOutcome(p, answeredBy);
        }
        boolean endsNow = s.calls().saveProgress(p.callId(), p.lastStep(), p.recording(), outcome, p.endedAt(),
                p.raisePriority());
        if (endsNow && outcome != null) {
            // counted once the ending's commit stands: a piece undone (its ticket held, then written apart) or a
            // commit that failed and was tried again counted it twice
            CallOutcome ended = outcome;
            s.afterCommit(() -> metrics.call(ended));
        }
        if (p.raisePriority() != null || p.callbackNumber() != null) {
            TicketStore ts = s.tickets();
            ts.find(p.ticketId()).ifPresent(t -> {
                Ticket u = t;
                if (p.raisePriority() != null && (t.priority() == null || p.raisePriority().compareTo(t.priority()) < 0)) {
                    u = u.withPriority(p.raisePriority());
                }
                if (p.callbackNumber() != null) {
                    u = u.withCallback(p.callbackNumber());
                }
                if (u != t) {
                    ts.update(u.touchedAt(p.lines().isEmpty() ? t.updatedAt() : p.lines().get(p.lines().size() - 1).at()));
                    if (u.priority() != t.priority()) {
                        tickets.priorityChosen(s, t.id(), clock.instant());
                    }
                }
            });
        }
        List<TicketEvent> lines = new java.util.ArrayList<>(p.lines().size());
        int afterEnding = -1;
        for (Call.Line l : p.lines()) {
            if (l.ending() && !endsNow) {
                continue; // the call had ended already: the first ending wins
            }
            if (l.ending()) {
                afterEnding = lines.size() + 1;
            }
            if (l.ending() && outcome != p.outcome()) {
                lines.add(new TicketEvent(0, p.ticketId(), l.at(), "CALL_ENDED", "answered in the queue by " + answeredBy));
                continue;
            }
            lines.add(new TicketEvent(0, p.ticketId(), l.at(), l.kind(), l.detail()));
        }
        if (afterEnding < 0 || outcome != CallOutcome.MESSAGE) {
            s.tickets().addEvents(p.ticketId(), lines);
            return;
        }
        // a message that is not urgent starts the ticket's contact clock, its line right after the call's end
        // (where it stands when the call's later lines come in a save of their own)
        s.tickets().addEvents(p.ticketId(), lines.subList(0, afterEnding));
        tickets.messageLeft(s, p.ticketId(), p.endedAt());
        if (afterEnding < lines.size()) {
            s.tickets().addEvents(p.ticketId(), lines.subList(afterEnding, lines.size()));
        }
    }

    /**
     * A line on the timeline of a call this thread does not serve (the accept leg's), written
     * through the journal in order with the call's own lines. Never blocks.
     */
    public void note(long callId, String kind, String detail) {
        Instant now = clock.instant();
        journal.submit(null, s -> {
            s.calls().find(callId).ifPresent(c -> s.tickets().addEvent(c.ticketId(), now, kind, detail));
            return null;
        }, (v, e) -> {
            if (e != null) {
                log.error("call {}: could not save the line {}: {}", callId, LogText.of(kind + ": " + detail), e.toString(), e);
            }
        });
    }

    /**
     * The technician pressed the accept key (accept script) while the caller was still there. The
     * acceptance is written as a compare-and-set (the call still live, nobody else's), in the first
     * lane after the caller's pieces still waiting ({@code callerUniqueId}, their channel's unique id;
     * null if unknown), so the ticket says RINGING before ACCEPTED and the call's end comes after it.
     * Waits for it at most {@code wait} (the server: {@code line.hold-after}): past that, or if it
     * failed, the technician, who hears silence meanwhile, and the caller, who hears ringing, are put
     * through all the same ({@link Acceptance#PUT_THROUGH_UNWRITTEN}); the write goes on (a piece
     * whose ticket is held is tried again for a minute, then waits for it as any transaction), and
     * until it stands {@link #acceptedBy} answers from this node's memory.
     */
    public Acceptance accept(long callId, String callerUniqueId, long technicianId, Duration wait) {
        Instant now = clock.instant();
        java.util.concurrent.CompletableFuture<Boolean> written = new java.util.concurrent.CompletableFuture<>();
        // keyed by the call: two technicians' accepts of one call are never decided side by side
        journal.submit(CallJournal.Lane.WAITED_FOR, callerUniqueId, acceptKey(callId), s -> {
            Optional<CallRecord> c = s.calls().find(callId);
            if (c.isEmpty() || !s.calls().accept(callId, technicianId)) {
                return false;
            }
            s.tickets().addEvent(c.get().ticketId(), now, "ACCEPTED", technicianName(s, technicianId)
                    + " pressed 1 to accept the call");
            return true;
        }, (v, e) -> {
            if (e != null) {
                written.completeExceptionally(e);
            } else {
                written.complete(Boolean.TRUE.equals(v));
            }
        });
        try {
            Optional<Boolean> ok = CallJournal.join(written, wait); // empty if not yet, or the server is stopping
            if (ok.isPresent()) {
                return ok.get() ? Acceptance.WRITTEN : Acceptance.REFUSED;
            }
            log.warn("call {}: technician {}'s accept was not written within {} ms (or the server is stopping); put"
                    + " through all the same, the write goes on", callId, technicianId, wait.toMillis());
        } catch (RuntimeException e) {
            log.error("call {}: technician {}'s accept could not be written: {}; put through all the same", callId,
                    technicianId, LogText.of(e.toString()), e);
        }
        Optional<Long> putThrough = Optional.of(technicianId);
        acceptsDecided.put(callId, putThrough);
        written.whenComplete((ok, e) -> {
            if (e == null && ok) {
                acceptsDecided.remove(callId, putThrough); // the database knows now
            } else if (e == null) {
                log.error("call {}: technician {} was put through, but the acceptance was refused when written (the"
                        + " call had ended meanwhile)", callId, technicianId);
            } else {
                log.error("call {}: technician {} was put through, but the acceptance could not be written: {}", callId,
                        technicianId, LogText.of(e.toString()));
            }
        });
        return Acceptance.PUT_THROUGH_UNWRITTEN;
    }

    /**
     * The technician was not put through after all (they or the caller hung up, or the line failed,
     * while the acceptance was decided; {@code why} says which, after the technician's name): the
     * acceptance is taken back, after it, and the caller's script, when Dial returns, learns that
     * nobody accepted. Waits for the write at most {@code wait}, so that a caller's script on another
     * node, which reads the database, finds it.
     */
    public void acceptWithdrawn(long callId, String callerUniqueId, long technicianId, String why, Duration wait) {
        acceptsDecided.put(callId, Optional.empty());
        Instant now = clock.instant();
        java.util.concurrent.CompletableFuture<Void> written = new java.util.concurrent.CompletableFuture<>();
        journal.submit(CallJournal.Lane.WAITED_FOR, callerUniqueId, acceptKey(callId), s -> {
            if (s.calls().withdrawAccept(callId, technicianId)) {
                s.calls().find(callId).ifPresent(c -> s.tickets().addEvent(c.ticketId(), now, "ACCEPT_WITHDRAWN",
                        technicianName(s, technicianId) + " " + why));
            }
            return null;
        }, (v, e) -> {
            if (e != null) {
                log.error("call {}: technician {}'s withdrawn accept could not be written: {}", callId, technicianId,
                        LogText.of(e.toString()));
            }
            written.complete(null);
        });
        CallJournal.join(written, wait); // completes normally, written or failed
        if (!written.isDone()) {
            log.warn("call {}: technician {}'s withdrawn accept was not written within {} ms; this node's answer stands",
                    callId, technicianId, wait.toMillis());
        }
    }

    /** The caller is about to ring a technician: nothing this node decided for an earlier Dial of the call stands. */
    public void ringing(long callId) {
        acceptsDecided.remove(callId);
    }

    /** The technician's name as the ticket's lines give it. */
    private static String technicianName(Stores s, long technicianId) {
        return s.roster().technician(technicianId).map(Technician::name).orElse("technician " + technicianId);
    }

    private static String acceptKey(long callId) {
        return "call " + callId;
    }

    /**
     * What this node's accept script decided for a call while the database did not say so yet
     * (call id to the technician put through, or empty: their key taken back), until the caller's
     * script reads it ({@link #acceptedBy}) or, for a put-through, the acceptance is written. Cleared
     * at the call's next ring ({@link #ringing}). An entry outlives its call only when the caller's
     * script is on another node or failed before reading it: a few bytes each.
     */
    private final java.util.concurrent.ConcurrentHashMap<Long, Optional<Long>> acceptsDecided =
            new java.util.concurrent.ConcurrentHashMap<>();

    /** Asterisk's unique id of the caller's channel (agi_uniqueid), for the accept leg to look at the caller. */
    public Optional<String> uniqueIdOf(long callId) {
        return tx.inTransaction(s -> s.calls().find(callId).map(CallRecord::asteriskUniqueId));
    }

    /**
     * Who accepted the call (read by the caller's script when Dial returns): what this node's accept
     * script decided while the database did not say so yet (a technician put through before the
     * acceptance was written, or nobody: the key taken back), else the database's.
     */
    public Optional<Long> acceptedBy(long callId) {
        Optional<Long> decided = acceptsDecided.remove(callId); // decided here, not yet in the database
        if (decided != null) {
            return decided;
        }
        return tx.inTransaction(s -> s.calls().find(callId).map(CallRecord::acceptedBy));
    }

    /** The ticket number spoken to the technician on the accept call. */
    public Optional<Long> ticketOf(long callId) {
        return tx.inTransaction(s -> s.calls().find(callId).map(CallRecord::ticketId));
    }

    /** Reads a keyed-in or caller-ID number as E.164; empty when it is not a number we can call. */
    public Optional<String> callbackNumber(String input) {
        return phones.toE164(input);
    }

    /**
     * Whether pagerline may call {@code e164} back: empty if so, else why not (premium-rate,
     * shared-cost or UAN, or a country outside line.callback-regions). A question only: the script
     * notes a refusal on the call.
     */
    public Optional<String> callbackRefusal(String e164) {
        return phones.callbackRefusal(e164, callbackRegions);
    }

    /** Out-of-hours message: when the next business day opens (from the desk read at the start). */
    public Instant nextBusinessDayOpens(LiveCall live, Instant now) {
        return live.situation().calendar().nextBusinessDayStart(now);
    }

    /**
     * The caller left a message; the call ends as a message. {@link #leaveMessage}, waited for.
     *
     * @param seconds length of the recording, when Asterisk said (endpos / 8000)
     */
    public void messageLeft(LiveCall live, String recording, long seconds, boolean hungUpWhileRecording, boolean urgent,
            Priority priority) {
        leaveMessage(live, recording, seconds, hungUpWhileRecording, urgent, priority).await();
    }

    /**
     * The caller left a message; the call ends as a message. On the urgent path the voicemail and
     * the incident it opens (which starts the paging, with the call-back deadline) are one piece of
     * the journal: never a saved urgent message nobody is paged for. It is committed while the
     * caller hears their ticket number; {@link SavingMessage#await} waits for it before the
     * call-back promise is told. A failure to open the incident is recorded on the ticket, never
     * thrown: the caller must still hear their ticket number. A non-urgent message is saved like
     * any other progress (nothing to wait for).
     *
     * @param seconds length of the recording, when Asterisk said (endpos / 8000)
     */
    public SavingMessage leaveMessage(LiveCall live, String recording, long seconds, boolean hungUpWhileRecording,
            boolean urgent, Priority priority) {
        Call call = live.call();
        Instant now = clock.instant();
        call.voicemail(now, recording, seconds, hungUpWhileRecording);
        call.finish(now, urgent ? CallOutcome.URGENT_VOICEMAIL : CallOutcome.MESSAGE,
                hungUpWhileRecording ? "the caller hung up at the end of the message" : "message left");
        if (!urgent) {
            save(live);
            return SavingMessage.SAVED;
        }
        Call.Progress p = call.takeProgress();
        // nothing of the message saved (the retry failed too): the caller goes to the dialplan's fallback voicemail
        return urgentPiece(live, p, now, "urgent voicemail", "could not open the incident", true, s -> {
            writeProgress(s, p);
            openIncident(s, p.ticketId(), priority, recording, now, null);
            return true;
        });
    }

    /**
     * The urgent caller chose the priority, then hung up before leaving a message (while the
     * technician's phone rang, at the call-back number or before the tone): they are paged for all
     * the same, with no recording. The call-back number is the one already given, else the caller
     * ID when it is a number we may call. Recording the hang-up and opening the incident are
     * written together. Never throws.
     */
    public SavingMessage urgentHungUpBeforeMessage(LiveCall live, Priority priority) {
        Instant now = clock.instant();
        boolean ends = live.call().hungUp(now);
        return pageAnyway(live, priority, ends, now, "NO_MESSAGE", "urgent caller hung up before leaving a message",
                "the caller hung up before the message");
    }

    /**
     * The urgent caller chose the priority, then pagerline failed them before their message was
     * saved (a fault on the line or in pagerline: the dialplan's fallback voicemail takes the
     * message, handed over only once the caller hangs up: {@link #fallbackMessage}). As
     * {@link #urgentHungUpBeforeMessage}: paged all the same, with no recording, the call's failure
     * and the incident written together. Call after {@link Call#failed}. Never throws, never waits.
     */
    public SavingMessage urgentFailedBeforeMessage(LiveCall live, Priority priority) {
        return pageAnyway(live, priority, live.call().outcome() == CallOutcome.FAILED, clock.instant(), "URGENT_FAILED",
                "pagerline failed the urgent caller before their message was saved",
                "pagerline failed during the call before the caller's message was saved (a message they leave in the"
                        + " dialplan's fallback voicemail joins the incident when they hang up; if no pagerline answers"
                        + " then, it stays in Asterisk's fallback folder)");
    }

    /**
     * The urgent caller's page when their message was not saved with its incident, with the call's
     * progress (its end among it), in one first-lane piece, handed in without waiting (the caller has
     * hung up, or waits for the script to end to reach the fallback voicemail): with no recording, or
     * with the message they left when it could not be saved ({@link #last}); {@code ends}: this end is
     * the call's first (else only the progress is written). If the incident cannot be opened, the
     * ticket says to call back by hand. The call's last save goes in after what this returns settles
     * ({@link #saveLast(LiveCall, SavingMessage, boolean)}).
     *
     * @param noMessageWhy why the incident has no recording or, with one, why it was not saved with it
     */
    private SavingMessage pageAnyway(LiveCall live, Priority priority, boolean ends, Instant now, String kind,
            String what, String noMessageWhy) {
        Call call = live.call();
        Call.Progress p = call.takeProgress();
        String recording = call.recording();
        if (!ends) {
            journal.submit(live.asteriskUniqueId(), s -> {
                writeProgress(s, p);
                return null;
            }, (v, e) -> {
                if (e != null) {
                    logUnsaved(p, e);
                }
            });
            return SavingMessage.SAVED; // ended or messaged already: nothing to add
        }
        return urgentPiece(live, p, now, what, what + " and the incident could not be opened", false, s -> {
            writeProgress(s, p);
            if (s.calls().find(p.callId()).map(CallRecord::acceptedBy).isPresent()) {
                return false; // a technician accepted the call: the caller was put through
            }
            String callback = callbackNumber(s, p.ticketId(), live.callerId(), now);
            s.tickets().addEvent(p.ticketId(), now, kind, what + "; paging " + (recording == null
                    ? "anyway with no recording" : "with the message they left (" + noMessageWhy + ")") + "; call back "
                    + (callback == null ? "impossible: no usable caller ID" : callback));
            openIncident(s, p.ticketId(), priority, recording, now, noMessageWhy);
            return true;
        });
    }

    /**
     * An urgent call's piece in the first lane, keyed by its ticket, handed in without waiting: the
     * urgent message with its incident, or the page without one. {@code work} writes the call's
     * progress {@code p} and says whether it opened an incident (the engine is then woken). If it
     * fails, the progress goes in again with an {@code INCIDENT_FAILED} line ({@code failed}, why,
     * "call the caller back by hand"). What this returns settles once either is written; if the
     * retry fails too, exceptionally when {@code failIfRetryFails} (nobody is promised a call-back),
     * else it is logged. Known to a fallback hand-over until it settles ({@link #settling}).
     */
    private SavingMessage urgentPiece(LiveCall live, Call.Progress p, Instant now, String what, String failed,
            boolean failIfRetryFails, java.util.function.Function<Stores, Boolean> work) {
        java.util.concurrent.CompletableFuture<Void> settled = settling(live.asteriskUniqueId());
        String key = ticketKey(p.ticketId());
        journal.submit(CallJournal.Lane.WAITED_FOR, live.asteriskUniqueId(), key, work, (paged, e) -> {
            if (e == null) {
                try {
                    if (Boolean.TRUE.equals(paged)) {
                        incidents.afterCommit();
                    }
                } catch (RuntimeException k) { // the incident is committed: the engine's sweep finds it
                    log.warn("call {}: the engine could not be woken for its incident: {}", live.callId(), k.toString());
                } finally {
                    settled.complete(null);
                }
                return;
            }
            log.error("could not open an incident for call {} ({}): {}", live.callId(), what, e.toString(), e);
            try {
                journal.submit(CallJournal.Lane.WAITED_FOR, live.asteriskUniqueId(), key, s -> {
                    writeProgress(s, p);
                    s.tickets().addEvent(p.ticketId(), now, "INCIDENT_FAILED", failed + ": " + e.getMessage()
                            + "; call the caller back by hand");
                    return null;
                }, (v, again) -> retrySettled(live, p, settled, again, failIfRetryFails));
            } catch (RuntimeException | Error again) { // NOPMD: a caller's thread or the call's last save waits on it
                retrySettled(live, p, settled, again, failIfRetryFails);
            }
        });
        return new SavingMessage(settled);
    }

    /**
     * {@link #urgentPiece}'s retry is written ({@code again} null) or failed too: then, with
     * {@code failIfRetryFails}, {@code p} goes with the failure, for the call's last save to give back.
     */
    private static void retrySettled(LiveCall live, Call.Progress p, java.util.concurrent.CompletableFuture<Void> settled,
            Throwable again, boolean failIfRetryFails) {
        if (again == null) {
            settled.complete(null); // on the ticket: the caller still hears their number and the promise
        } else if (failIfRetryFails) {
            settled.completeExceptionally(new MessageNotSavedException(p, again));
        } else {
            log.error("could not record the end of urgent call {}: {}", live.callId(), again.toString(), again);
            settled.complete(null);
        }
    }

    /**
     * The calls (by Asterisk unique id) whose urgent message or page is being written with its retry:
     * the retry is handed in from the first try's completion, so a fallback hand-over for the call
     * waits for it to settle ({@link #fallbackMessage}) rather than be written between the two.
     */
    private final java.util.concurrent.ConcurrentHashMap<String, java.util.concurrent.CompletableFuture<Void>> urgentSettling =
            new java.util.concurrent.ConcurrentHashMap<>();

    /** A call's urgent piece's settling, known to {@link #fallbackMessage} until it settles. */
    private java.util.concurrent.CompletableFuture<Void> settling(String uniqueId) {
        java.util.concurrent.CompletableFuture<Void> settled = new java.util.concurrent.CompletableFuture<>();
        urgentSettling.put(uniqueId, settled);
        settled.whenComplete((v, e) -> urgentSettling.remove(uniqueId, settled));
        return settled;
    }

    /** How long a fallback hand-over waits for the call's urgent piece still being written here. */
    static final Duration HAND_OVER_WAITS_FOR_URGENT = Duration.ofSeconds(30);

    /**
     * A first-lane piece's key: what it decides (whether the voicemail joins an incident awaiting its
     * call-back) is the ticket's, so two pieces of one ticket are never written side by side.
     */
    private static String ticketKey(long ticketId) {
        return "ticket " + ticketId;
    }

    /**
     * The number to call the urgent caller back on: the ticket's call-back number, else their caller
     * ID when it is a number pagerline may call (then kept on the ticket); null when neither.
     */
    private String callbackNumber(Stores s, long ticketId, String callerId, Instant now) {
        Ticket t = s.tickets().find(ticketId).orElseThrow(() -> new NotFoundException("no ticket " + ticketId));
        String callback = t.callbackNumber();
        if (callback == null) {
            callback = phones.toE164(callerId).filter(n -> phones.callbackRefusal(n, callbackRegions).isEmpty())
                    .orElse(null);
            if (callback != null) {
                s.tickets().update(t.withCallback(callback).touchedAt(now));
            }
        }
        return callback;
    }

    /**
     * Inside the caller's transaction: the call-back deadline on the ticket, then the incident
     * (paging). When the ticket's incident still awaits its call-back the call joins it: its
     * deadline stands (no new CALLBACK_DUE) and it keeps the recording it has. Whether it joined is
     * the incident service's answer, not the read before it: a technician's call-back committed in
     * between takes the incident out of awaiting, and the call then opens a new one, with its own
     * promise.
     *
     * @param noMessageWhy why there is no recording (for the ticket's line), when {@code recording} is null
     */
    private void openIncident(Stores s, long ticketId, Priority priority, String recording, Instant now,
            String noMessageWhy) {
        Optional<org.pagerline.core.incident.Incident> awaiting = s.incidents().awaitingCallbackOnTicket(ticketId);
        tickets.callbackPromised(s, ticketId, now, callbackDeadline);
        Ticket t = s.tickets().find(ticketId).orElseThrow(() -> new NotFoundException("no ticket " + ticketId));
        long id = incidents.openFromVoicemail(s, new VoicemailIncident(t.id(), priority == null ? Priority.P3 : priority,
                t.callerNumber(), t.callerName(), t.company(), t.callbackNumber(), recording, now), t, awaiting);
        boolean joined = awaiting.isPresent() && id == awaiting.get().id();
        if (!joined) {
            s.tickets().addEvent(ticketId, now, "CALLBACK_DUE", "call the caller back by " + now.plus(callbackDeadline)
                    + " (" + callbackDeadline.toMinutes() + "-minute promise)");
        }
        // The incident service writes INCIDENT_OPENED itself; the line adds only what it alone knows.
        if (id > 0 && recording == null && !joined) {
            s.tickets().addEvent(t.id(), now, "PAGING_WITHOUT_MESSAGE", "incident " + id
                    + " pages without a recording: " + noMessageWhy);
        }
    }

    public Optional<CallRecord> find(long callId) {
        return tx.inTransaction(s -> s.calls().find(callId));
    }

    public List<CallRecord> callsOf(long ticketId) {
        return tx.inTransaction(s -> s.calls().forTicket(ticketId));
    }

    /** How many pieces the journal holds, handed in and not yet written (tests). */
    int piecesUnwritten() {
        return journal.unwrittenPieces();
    }

    /** How many saves were written as part of an earlier save of their call that still waited (tests). */
    long savesJoined() {
        return journal.joinedPieces();
    }

    /** Waits until everything handed to the journal so far is written, with its follow-ups (tests; the benchmark). */
    public boolean awaitSaved(Duration max) {
        return journal.awaitWritten(max);
    }

    /**
     * At a start: the calls that earlier server runs on this host left live (a kill, or a stop
     * that could not wait for them) end as cut off, with a line saying where. Returns how many.
     */
    public int endCallsLeftLive() {
        int n = endUnfinished(runHost, run, "pagerline stopped during the call, at or after the ");
        tx.run(s -> s.calls().forgetRuns(runHost, run));
        return n;
    }

    /**
     * A beat of this node's heartbeat (every sixth of {@code silentFor}): writes that this node still
     * serves its calls. Logs loudly when another node had ended this node's calls while it was
     * silent (a pause longer than that): its calls still go on, but their rows say cut off and their
     * urgent callers were paged.
     */
    public void beat(Duration silentFor) {
        Instant now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
        boolean known = tx.inTransaction(s -> s.calls().runSeen(run, now));
        synchronized (this) {
            if (!known && lastBeat != null) {
                log.warn("this node was silent for longer than the dead-node time: another node ended its live calls"
                        + " as cut off and paged the urgent callers among them");
            }
            if (lastBeat == null || Duration.between(lastBeat, now).compareTo(silentFor.dividedBy(2)) > 0) {
                watchingSince = now; // a gap in this node's own beats: it has not been watching the others
            }
            lastBeat = now;
        }
    }

    /** This node's last written beat, and since when it has beaten without a gap (guarded by this). */
    private Instant lastBeat;
    private Instant watchingSince;

    /**
     * The live calls of other nodes' runs silent for {@code silentFor} (a node killed or lost with its
     * machine) end as cut off, and their urgent callers owed a page are paged, as the dead node's next
     * start would (which may never come). Run beside the beats (every sixth of {@code silentFor}), so
     * a long cut-off never makes this node look silent itself.
     *
     * <p>Another node's silence counts only while this node's own beats have run without a gap for
     * as long, and its last beat is recent: after a database outage (or a pause of this node) every
     * node's beats stopped alike, and the nodes still alive get {@code silentFor} to beat again. A
     * silent run is first claimed: its beat is moved to now if still that old, so a node that beat
     * meanwhile keeps its calls, and of two nodes looking at once one ends them. The run is forgotten
     * only once its calls are ended; if that fails part-way, it is claimed again once silent again.
     * Returns how many calls it ended.
     */
    public int endCallsOfSilentNodes(Duration silentFor) {
        Instant now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
        synchronized (this) {
            if (lastBeat == null || Duration.between(watchingSince, now).compareTo(silentFor) < 0
                    || Duration.between(lastBeat, now).compareTo(silentFor.dividedBy(2)) > 0) {
                return 0;
            }
        }
        Instant before = now.minus(silentFor);
        List<String> silent = tx.inTransaction(s -> s.calls().runsSilentSince(before, run));
        int n = 0;
        for (String r : silent) {
            if (!tx.inTransaction(s -> s.calls().claimSilentRun(r, before, now))) {
                continue;
            }
            String node = r.contains("|") ? r.substring(0, r.indexOf('|')) : r;
            int ended = endUnfinished(r, null, "pagerline node " + node + " stopped answering (silent for over "
                    + silentFor.toSeconds() + " s) during the call, at or after the ");
            tx.run(s -> s.calls().forgetClaimedRun(r, now));
            log.warn("pagerline node {} stopped answering: {} of its calls ended as cut off", node, ended);
            n += ended;
        }
        return n;
    }

    private int endUnfinished(String runPrefix, String except, String why) {
        Instant now = clock.instant();
        List<CallRecord> left = tx.inTransaction(s -> s.calls().unfinished(runPrefix, except));
        int ended = 0;
        int paged = 0;
        for (CallRecord c : left) {
            // each call in a transaction of its own: one call that cannot be paged costs no other caller theirs
            Ending e = endOne(c, why, now);
            ended += e.ended() ? 1 : 0;
            paged += e.paged() ? 1 : 0;
        }
        if (ended > 0) {
            log.warn("{} call(s) left live by a stopped server ended as cut off{}", ended, paged == 0 ? ""
                    : "; " + paged + " of them urgent callers owed a page: paging them now");
        }
        if (paged > 0) {
            try {
                incidents.afterCommit();
            } catch (RuntimeException k) {
                log.warn("the engine could not be woken for the cut-off urgent callers' incidents: {}", k.toString());
            }
        }
        return ended;
    }

    /** Whether ending one call ended it (it was still live) and opened an incident for its urgent caller. */
    private record Ending(boolean ended, boolean paged) {}

    /**
     * Ends one live call as cut off, paging its urgent caller if owed one; tried twice (a deadlock, a
     * lock timeout), then once more without the incident: the call still ends, and the ticket says to
     * call the caller back by hand. Throws only if even that fails (the database is away).
     */
    private Ending endOne(CallRecord c, String why, Instant now) {
        RuntimeException last = null;
        for (int attempt = 0; attempt < 2; attempt++) {
            try {
                return tx.inTransaction(s -> cutOff(s, c, why, now, true, null));
            } catch (RuntimeException e) {
                last = e;
            }
        }
        log.error("call {} (ticket {}): could not page its urgent caller at the cut-off: {}", c.id(), c.ticketId(),
                last.toString(), last);
        return tx.inTransaction(s -> cutOff(s, c, why, now, false, null));
    }

    /**
     * Ends the call as cut off, if it is still live. An urgent caller who chose a priority and was
     * neither put through nor had their message (or hang-up) saved with its incident is owed a
     * page: {@code page} opens it in this transaction, with {@code recording} (the message they left
     * in the dialplan's fallback voicemail) or without one; else (opening it failed) their ticket
     * says to call them back by hand.
     */
    private Ending cutOff(Stores s, CallRecord c, String why, Instant now, boolean page, String recording) {
        CallStep at = c.lastStep() == null ? CallStep.GREETING : c.lastStep();
        if (!s.calls().saveProgress(c.id(), at, null, CallOutcome.CUT_OFF, now)) {
            return new Ending(false, false); // it ended meanwhile (another node's cut-off, its own last save)
        }
        s.tickets().addEvent(c.ticketId(), now, "CALL_CUT_OFF", why + at.wireName() + " step; lines after"
                + " the last one above may be missing (the dialplan's fallback took the caller)");
        // read after the row is ours: an accept committed before it is seen, one after it fails (the call ended)
        Optional<Priority> owed = s.calls().urgentPriority(c.id());
        if (owed.isEmpty()) {
            return new Ending(true, false);
        }
        if (!page) {
            s.tickets().addEvent(c.ticketId(), now, "INCIDENT_FAILED", "the urgent caller (" + owed.get()
                    + ") was cut off before their message was saved and the incident could not be opened;"
                    + " call the caller back by hand");
            return new Ending(true, false);
        }
        String callback = callbackNumber(s, c.ticketId(), c.callerId(), now);
        s.tickets().addEvent(c.ticketId(), now, "URGENT_CUT_OFF", "the urgent caller (" + owed.get()
                + ") was cut off before their message was saved; paging "
                + (recording == null ? "anyway with no recording" : "with the message they left in the fallback voicemail")
                + "; call back " + (callback == null ? "impossible: no usable caller ID" : callback));
        openIncident(s, c.ticketId(), owed.get(), recording, now, "the call was cut off before the caller's message"
                + " was saved (a message they leave in the dialplan's fallback voicemail joins the incident when"
                + " they hang up; if no pagerline answers then, it stays in Asterisk's fallback folder)");
        return new Ending(true, true);
    }

    /** What a fallback message handed over came to: its ticket, and whether it was new to pagerline. */
    public record FallbackTaken(long ticketId, boolean firstTime, String what) {}

    /**
     * A message the dialplan's fallback voicemail recorded, handed over by its {@code h} extension
     * once the caller hung up, to whichever node answers. It goes on the call's ticket and the call
     * lists it. The caller has left the line, so a call still live (its node died, not yet found
     * silent) ends as cut off now. An urgent caller owed a page (a priority chosen, nobody put
     * through) is paged with it: the incident opened at their cut-off, still awaiting its
     * call-back, takes it as its recording (its pages from then on play it, the people working it
     * are told), else an incident opens with it, unless one opened since the call began was
     * already called back ({@link #urgentCallersMessage}). A call pagerline has no record of (no
     * node answered it, or the one that did failed before saving it) gets a ticket, as a start
     * would, with the call and its message. Written through the journal in the call's order (its
     * own last save may still wait there, and after its urgent message or page still being written
     * here, with that one's retry); a repeat of a hand-over changes nothing. If the incident
     * cannot be opened (two tries), the ticket says to call the caller back by hand.
     *
     * @param recording the recording's name as Asterisk knows it (no extension), checked by the caller
     */
    public FallbackTaken fallbackMessage(String uniqueId, String recording, String callerIdNum, String callerIdName) {
        if (uniqueId == null || uniqueId.isBlank() || uniqueId.length() > 64) {
            throw new ValidationException("the fallback message has no usable agi_uniqueid");
        }
        Instant now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
        // a call with no record opens or reuses the caller's ticket: in the starts' lane, keyed by their
        // number like a start (never two open tickets for one number); any other in the first lane.
        // Either way after the call's pieces still waiting on this node (its start too, if it still waits)
        Caller who = caller(callerIdNum, callerIdName);
        java.util.concurrent.CompletableFuture<Void> urgent = urgentSettling.get(uniqueId);
        if (urgent != null && CallJournal.join(urgent.handle((v, e) -> Boolean.TRUE), HAND_OVER_WAITS_FOR_URGENT).isEmpty()) {
            log.warn("fallback message {}: the call's urgent message or page is still being written after {} s; handed"
                    + " over all the same", recording, HAND_OVER_WAITS_FOR_URGENT.toSeconds());
        }
        boolean known = tx.inTransaction(s -> s.calls().findByUniqueId(uniqueId).isPresent());
        CallJournal.Lane lane = known ? CallJournal.Lane.WAITED_FOR : CallJournal.Lane.START;
        String key = known ? null : who.number();
        RuntimeException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            boolean page = attempt < 2; // twice with the incident (a deadlock, a lock timeout), then without
            try {
                Taking t = journal.await(lane, uniqueId, key,
                        s -> takeFallback(s, uniqueId, recording, who, now, page));
                if (!page) {
                    log.error("fallback message {}: written without its incident after two failures: {}", recording,
                            last.toString(), last);
                }
                wake(t);
                metrics.fallbackMessage(t.result());
                return t.taken();
            } catch (ValidationException e) {
                throw e;
            } catch (RuntimeException e) {
                last = e;
            }
        }
        throw last;
    }

    /**
     * Whether the call with this unique id ended as cut off or failed and its fallback message was
     * never handed over (the dialplan found no pagerline at the hang-up): see {@code FallbackFolder}.
     */
    public boolean awaitsFallback(String uniqueId) {
        return uniqueId != null && !uniqueId.isBlank() && tx.inTransaction(s -> s.calls().awaitsFallback(uniqueId));
    }

    /** A hand-over as written, which engines its commit must wake, and whether the call had no record. */
    private record Taking(FallbackTaken taken, boolean paged, boolean reusedTicket, boolean noRecord) {
        Taking(FallbackTaken taken, boolean paged, boolean reusedTicket) {
            this(taken, paged, reusedTicket, false);
        }

        /** What {@link Metrics#fallbackMessage} counts it as. */
        String result() {
            return !taken.firstTime() ? "repeat" : paged ? "urgent_paged" : noRecord ? "no_record" : "on_ticket";
        }
    }

    private void wake(Taking t) {
        try {
            if (t.paged()) {
                incidents.afterCommit();
            }
            if (t.reusedTicket()) {
                tickets.afterCommit();
            }
        } catch (RuntimeException k) {
            log.warn("ticket {}: the engines could not be woken for the fallback message: {}", t.taken().ticketId(),
                    k.toString());
        }
    }

    private Taking takeFallback(Stores s, String uniqueId, String recording, Caller who, Instant now, boolean page) {
        Optional<CallRecord> seen = s.calls().findByUniqueId(uniqueId);
        if (seen.isEmpty()) {
            return neverBegun(s, uniqueId, recording, who, now);
        }
        CallRecord c = seen.get();
        if (!s.calls().takeFallback(c.id(), recording)) {
            return new Taking(new FallbackTaken(c.ticketId(), false, "handed over before"), false, false);
        }
        s.tickets().addEvent(c.ticketId(), now, "FALLBACK_MESSAGE", "the caller left a message in the dialplan's"
                + " fallback voicemail after pagerline failed them: " + recording);
        if (c.outcome() == null) {
            Ending e = cutOff(s, c, "the dialplan's fallback voicemail took the caller (their pagerline failed) during"
                    + " the call, at or after the ", now, page, recording);
            if (e.ended()) {
                if (!e.paged() && s.calls().urgentPriority(c.id()).isEmpty()) {
                    // a caller owed no page (not urgent, or put through) left a message: someone calls back, on its clock
                    tickets.messageLeft(s, c.ticketId(), now);
                }
                return new Taking(new FallbackTaken(c.ticketId(), true, e.paged() ? "the call cut off; its urgent caller"
                        + " paged with the message" : "the call cut off"), e.paged(), false);
            }
            // another node's cut-off (or the call's own end) committed after the read above: ended as any
            // other, and an incident it opened without a message takes this one
        }
        return urgentCallersMessage(s, c, recording, now, page);
    }

    /**
     * An ended call's fallback message: an urgent caller owed a page (a priority chosen, nobody put
     * through) is paged with it. The incident awaiting their call-back takes it as its recording;
     * with none awaiting, one opens, unless an incident opened since the call began has already
     * been called back or resolved (someone has talked to the caller: the message is for the ticket).
     */
    private Taking urgentCallersMessage(Stores s, CallRecord c, String recording, Instant now, boolean page) {
        Optional<Priority> owed = s.calls().urgentPriority(c.id());
        if (owed.isEmpty()) { // a message that is not urgent: someone calls back, on its contact clock
            tickets.messageLeft(s, c.ticketId(), now);
            return new Taking(new FallbackTaken(c.ticketId(), true, "on the ticket"), false, false);
        }
        Optional<org.pagerline.core.incident.Incident> awaiting = s.incidents().awaitingCallbackOnTicket(c.ticketId());
        if (awaiting.isEmpty() && s.incidents().openedOnTicketSince(c.ticketId(), c.startedAt())) {
            s.tickets().addEvent(c.ticketId(), now, "FALLBACK_MESSAGE_LATE", "the urgent caller's incident was already"
                    + " called back or resolved: nobody is paged for their message");
            return new Taking(new FallbackTaken(c.ticketId(), true, "on the ticket; already called back"), false, false);
        }
        if (!page && awaiting.isPresent()) {
            s.tickets().addEvent(c.ticketId(), now, "FALLBACK_MESSAGE_NOT_JOINED", "incident " + awaiting.get().id()
                    + " goes on paging without the caller's message: it could not take it (see the server's log)");
            return new Taking(new FallbackTaken(c.ticketId(), true, "on the ticket; its incident pages without it"), false,
                    false);
        }
        if (!page) {
            s.tickets().addEvent(c.ticketId(), now, "INCIDENT_FAILED", "the urgent caller's (" + owed.get()
                    + ") message in the fallback voicemail could not be joined to an incident; call the caller back by hand");
            return new Taking(new FallbackTaken(c.ticketId(), true, "on the ticket; the incident failed"), false, false);
        }
        callbackNumber(s, c.ticketId(), c.callerId(), now); // kept on the ticket if it had none: the incident calls it
        openIncident(s, c.ticketId(), owed.get(), recording, now, null);
        return new Taking(new FallbackTaken(c.ticketId(), true, "on the ticket; its urgent caller paged with it"), true,
                false);
    }

    /**
     * No record of the call (no node answered it, or the one that did failed before its start was
     * saved): a ticket for the caller, as a start would, with the call and its message.
     */
    private Taking neverBegun(Stores s, String uniqueId, String recording, Caller who, Instant now) {
        Optional<Client> client = who.e164().flatMap(n -> s.clients().findByPhone(n));
        Ticket t = callersTicket(s, now, who, client);
        CallRecord c = s.calls().insert(new CallRecord(0, uniqueId, t.id(), who.raw(), now, now, CallStep.GREETING,
                CallOutcome.MESSAGE, null, null, null, null, null), null);
        s.calls().takeFallback(c.id(), recording);
        s.tickets().addEvent(t.id(), now, "FALLBACK_MESSAGE", "pagerline has no record of the call from "
                + describeCaller(who, client) + " (no node answered it, or the one that did failed before"
                + " saving it); they left a message in the dialplan's fallback voicemail: " + recording);
        tickets.messageLeft(s, t.id(), now); // nobody knows if it was urgent: someone calls back
        return new Taking(new FallbackTaken(t.id(), true, "a call with no record: on the caller's ticket"), false,
                !t.openedAt().equals(now), true);
    }

    /**
     * The stop, once the FastAGI listener has drained: writes everything handed in, then ends the
     * calls of this run still live (their scripts could not finish in the drain time) as cut off.
     */
    @Override
    public void close() {
        journal.close();
        try {
            endUnfinished(run, null, "pagerline stopped during the call, at or after the ");
            tx.run(s -> s.calls().forgetRuns(run, null));
        } catch (RuntimeException e) {
            log.warn("could not end the calls still live at the stop: {}", e.toString());
        }
    }

    /**
     * AMI queue events, by the caller channel's unique id: appended to the ticket's timeline;
     * the position and wait of a caller who left the queue unanswered (hung up, or still on the line
     * at the wait limit or an emptied queue: app_queue tells them alike) and who answered are also
     * kept on the call. Written through the
     * journal, in order with the call's own lines; unknown ids are logged and ignored. Never
     * blocks, never throws (the AMI dispatch thread must not die).
     */
    @java.lang.Override
    public void onQueueEvent(String asteriskUniqueId, String kind, String detail) {
        try {
            Instant now = clock.instant();
            String k = kind == null || kind.isBlank() ? "QUEUE_EVENT" : kind.trim().toUpperCase(Locale.ROOT);
            journal.submit(asteriskUniqueId, s -> {
                Optional<CallRecord> c = asteriskUniqueId == null ? Optional.empty() : s.calls().findByUniqueId(asteriskUniqueId);
                if (c.isEmpty()) {
                    return false;
                }
                CallRecord rec = c.get();
                Integer position = QueueEventText.position(detail).orElse(null);
                if ((k.equals("QUEUE_ABANDONED") || k.equals("QUEUE_LEFT") && position != null)
                        && rec.answeredBy() == null) { // a leave told late, after its answer, is no abandon
                    rec = rec.withAbandoned(position, QueueEventText.waitedSeconds(detail).orElse(null));
                } else if (k.equals("QUEUE_ANSWERED")) {
                    rec = rec.withAnsweredBy(QueueEventText.answeredBy(detail).orElse(detail));
                    Long waited = QueueEventText.waitedSeconds(detail).orElse(null);
                    // answered: no position left unanswered (a leave told before its late answer set one)
                    rec = rec.withAbandoned(null, waited != null ? waited : rec.waitedSeconds());
                }
                // only the queue's own columns: the call's progress writes the rest
                s.calls().recordQueue(rec.id(), rec.answeredBy(), rec.abandonedPosition(), rec.waitedSeconds());
                s.tickets().addEvent(rec.ticketId(), now, k, detail);
                return true;
            }, (known, e) -> {
                if (e != null) {
                    log.error("queue event {} for call {} not recorded: {}", k, LogText.of(asteriskUniqueId), e.toString(), e);
                } else if (!Boolean.TRUE.equals(known)) {
                    log.info("queue event {} for unknown call {} ignored", k, LogText.of(asteriskUniqueId));
                }
            });
        } catch (RuntimeException e) {
            log.error("queue event {} for call {} not recorded: {}", kind, LogText.of(asteriskUniqueId), e.toString(), e);
        }
    }

    private static String describeCaller(Caller who, Optional<Client> client) {
        if (client.isPresent()) {
            return who.number() + " (" + client.get().contactName() + ", " + client.get().company() + ")";
        }
        String name = blankToNull(who.cidName());
        return who.number() + " (not in the client directory" + (name == null ? "" : "; caller ID name " + name) + ")";
    }

    /**
     * The caller as their caller ID gives them: the number as sent, in E.164 when it parses, the
     * number their ticket is found by (the E.164 one, else as sent, else "unknown") and the name.
     */
    private record Caller(String raw, Optional<String> e164, String number, String cidName) {}

    private Caller caller(String callerIdNum, String callerIdName) {
        String raw = CallerIdText.number(callerIdNum);
        Optional<String> e164 = phones.toE164(raw);
        return new Caller(raw, e164, e164.orElse(raw.isEmpty() ? "unknown" : raw), CallerIdText.name(callerIdName));
    }

    /** The caller's open ticket from the reuse window, else a new one, named from the client directory or the caller ID. */
    private Ticket callersTicket(Stores s, Instant now, Caller who, Optional<Client> client) {
        return tickets.openOrReuse(s, now, TicketSource.PHONE, who.number(), client.map(Client::contactName)
                .orElse(blankToNull(who.cidName())), client.map(Client::company).orElse(null), reuseWindow);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() || "unknown".equalsIgnoreCase(s.trim()) ? null : s.trim();
    }
}

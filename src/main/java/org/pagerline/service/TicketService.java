package org.pagerline.service;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.pagerline.core.calendar.BusinessCalendar;
import org.pagerline.core.incident.IncidentLife;
import org.pagerline.core.roster.Technician;
import org.pagerline.core.text.TextField;
import org.pagerline.core.ticket.ClockKind;
import org.pagerline.core.ticket.ClockState;
import org.pagerline.core.ticket.CountedTime;
import org.pagerline.core.ticket.Pause;
import org.pagerline.core.ticket.Priority;
import org.pagerline.core.ticket.Requester;
import org.pagerline.core.ticket.ServiceLevels;
import org.pagerline.core.ticket.SlaClock;
import org.pagerline.core.ticket.Ticket;
import org.pagerline.core.ticket.TicketEvent;
import org.pagerline.core.ticket.TicketLife;
import org.pagerline.core.ticket.TicketSource;
import org.pagerline.core.ticket.TicketState;
import org.pagerline.core.ticket.TicketStatus;
import org.pagerline.core.ticket.TicketStore;

/**
 * Tickets: the desk's unit of work, for every door (phone, email, portal, CLI). This service is
 * the only writer of a ticket's life: each change loads the life, asks {@link TicketLife} (pure)
 * what the event does, and saves it with one compare-and-set on the ticket's version, with the
 * timeline lines in the same transaction; a change refused (a closed ticket put on hold, a
 * priority it already has) throws {@link ValidationException} and writes nothing.
 *
 * <p>The API the doors call:
 * <ul>
 *   <li>{@link #open(TicketSource, Requester, Priority, String)}: a new ticket from email, the portal or the CLI;</li>
 *   <li>{@link #customerReplied(long, String, String)}: the customer came back (mail reply, portal message): resumes or reopens;</li>
 *   <li>{@link #contacted(long, String, String)}: the desk reached the customer (meets contact and respond);</li>
 *   <li>{@link #take}, {@link #note}, {@link #waitOnCustomer}, {@link #resume}, {@link #resolve},
 *       {@link #close(long, String, String)}, {@link #reopen}, {@link #changePriority};</li>
 *   <li>reads: {@link #detail(long)} (a ticket with every clock and its timeline) and {@link #queue(int)}.</li>
 * </ul>
 * The phone door (CallService) keeps {@link #openOrReuse} and {@link #callbackPromised}.
 */
public final class TicketService {
    /** Who a change is recorded against when no technician is named (the command line). */
    public static final String ADMIN = "admin";
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(TicketService.class);
    private final Transactions tx;
    private final Clock clock;
    private final Map<ClockKind, Duration> warningLead;
    private final Duration autoCloseAfter;
    private final Runnable kick;

    /** With the default warning leads (contact 1 h, respond 30 min, resolve 1 h) and a 72 h quiet time. */
    public TicketService(Transactions tx, Clock clock) {
        this(tx, clock, Map.of(ClockKind.CONTACT, Duration.ofHours(1), ClockKind.RESPOND, Duration.ofMinutes(30),
                ClockKind.RESOLVE, Duration.ofHours(1)), Duration.ofHours(72), () -> { });
    }

    /**
     * @param warningLead    per clock, how long before its deadline the team lead is warned (sla.warning.*)
     * @param autoCloseAfter a resolved ticket closes after this quiet time (ticket.auto-close-after)
     * @param kick           wakes the ticket engine after a change (deadlines moved)
     */
    public TicketService(Transactions tx, Clock clock, Map<ClockKind, Duration> warningLead, Duration autoCloseAfter,
            Runnable kick) {
        this.tx = tx;
        this.clock = clock;
        this.warningLead = Map.copyOf(new EnumMap<>(warningLead));
        this.autoCloseAfter = autoCloseAfter;
        this.kick = kick;
    }

    /** A ticket with its timeline, sorted by time. */
    public record TicketView(Ticket ticket, List<TicketEvent> events) {}

    /** One clock as people read it. {@code remaining} is counted time left (negative once past). */
    public record ClockView(ClockKind kind, ClockState state, String target, Instant startedAt, Instant dueAt,
            Instant warnAt, Duration remaining, Instant metAt, Instant warnedAt, Instant breachedAt, Instant stoppedAt,
            List<TicketEvent> history) {}

    /** The read model of {@code ticket show}; {@code project}: a desktop project request ({@link TicketLife#projectRequest}). */
    public record TicketDetail(Ticket ticket, TicketState state, Long ownerId, String ownerName, String requesterEmail,
            long version, List<ClockView> clocks, List<Pause> pauses, List<TicketStore.PriorityChangeRecord> priorityChanges,
            List<TicketEvent> timeline, ZoneId zone, Instant asOf, boolean project) {

        /** When this kind of clock is due; null if the ticket has none, or it is paused. */
        public Instant dueAt(ClockKind kind) {
            return clocks.stream().filter(c -> c.kind() == kind).map(ClockView::dueAt).filter(java.util.Objects::nonNull)
                    .findFirst().orElse(null);
        }
    }

    /** One line of {@code ticket queue}: an open ticket in the order received, with its next deadline. */
    public record QueueRow(long id, Instant openedAt, Duration age, Priority priority, TicketState state, String ownerName,
            ClockKind nextClock, Instant nextDue, ClockState nextClockState, String who) {}

    /** The queue, with the desk zone its times are shown in. */
    public record Queue(List<QueueRow> rows, ZoneId zone, Instant asOf) {}

    // ---- the doors ----

    /**
     * A new ticket from a door that knows the requester and the problem (email, portal, CLI):
     * NEW, with its clocks started (contact for email and portal; respond and resolve when a
     * priority is given, else once one is set).
     *
     * @throws ValidationException a text too long or with control characters, or nothing to go on
     */
    public TicketDetail open(TicketSource source, Requester requester, Priority priority, String description) {
        return open(source, requester, priority, false, description);
    }

    /** As {@link #open(TicketSource, Requester, Priority, String)}; {@code project}: a desktop project request. */
    public TicketDetail open(TicketSource source, Requester requester, Priority priority, boolean project, String description) {
        Instant now = clock.instant();
        long id = tx.inTransaction(s -> open(s, now, source, requester, priority, project, description));
        kick.run();
        return detail(id);
    }

    /**
     * As {@link #open(TicketSource, Requester, Priority, String)}, inside the caller's transaction
     * (the portal's ticket commits with its files): the new ticket's id. The caller wakes the
     * ticket engine after its commit ({@link #afterCommit}).
     */
    public long open(Stores s, Instant now, TicketSource source, Requester requester, Priority priority, String description) {
        return open(s, now, source, requester, priority, false, description);
    }

    /**
     * As {@link #open(Stores, Instant, TicketSource, Requester, Priority, String)}; a desktop project
     * request ({@code project}) has no priority: it is due within one business day
     * ({@link ServiceLevels#PROJECT_WORDS}) and needs no call back.
     */
    public long open(Stores s, Instant now, TicketSource source, Requester requester, Priority priority, boolean project,
            String description) {
        if (source == null) {
            throw new ValidationException("a ticket needs its source (PHONE, EMAIL, PORTAL or CLI)");
        }
        if (project && priority != null) {
            throw new ValidationException("a desktop project request has no priority (it is done within one business"
                    + " day): give one or the other, not " + priority + " and a project");
        }
        Requester r = requester == null ? new Requester(null, null, null, null) : requester;
        String name = RosterService.text(TextField.CONTACT_NAME, r.name());
        String company = RosterService.text(TextField.COMPANY, r.company());
        String email = RosterService.text(TextField.EMAIL, r.email());
        String phone = r.phone() == null || r.phone().isBlank() ? null : r.phone().trim();
        if (phone != null && (phone.length() > 20 || !phone.matches("\\+[0-9]{6,19}"))) {
            throw new ValidationException("requester phone '" + phone + "' is not an E.164 number (e.g. +12045550199)");
        }
        String text = description == null ? "" : description.strip().replaceAll("[\\p{Cc}&&[^\\n]]|[\\u2028\\u2029\\u202A-\\u202E\\u2066-\\u2069\\u200E\\u200F\\u061C]", " ");
        if (text.isEmpty()) {
            throw new ValidationException("a ticket needs a description of the problem");
        }
        Ticket t = s.tickets().insert(new Ticket(0, now, now, TicketStatus.OPEN, source, priority, phone, name, company,
                phone, text.length() > 1000 ? text.substring(0, 997) + "..." : text));
        if (email != null) {
            s.tickets().setRequesterEmail(t.id(), email);
        }
        s.tickets().addEvent(t.id(), now, "OPENED", "ticket opened (" + source.name().toLowerCase() + ")"
                + (priority == null ? "" : ", " + priority + " " + priority.meaning())
                + (project ? ", a desktop project request" : ""));
        s.tickets().addEvent(t.id(), now, "DESCRIPTION", text);
        ServiceLevels lv = levels(s);
        TicketLife.Result res = TicketLife.opened(t.id(), source, priority, project, now, lv);
        save(s, s.tickets().insertedLife(t), res, now);
        if (priority != null) {
            s.tickets().addPriorityChange(t.id(), now, null, priority, name == null ? source.name().toLowerCase()
                    : name, "chosen when the ticket was opened");
        }
        return t.id();
    }

    /**
     * The caller's open ticket updated within {@code reuseWithin}, or a new one. Unknown or
     * withheld caller IDs always get a new ticket: two strangers must not share one. A call on a
     * ticket waiting on the customer resumes it; on a resolved one reopens it.
     */
    public Ticket openOrReuse(TicketSource source, String callerNumber, String callerName, String company, Duration reuseWithin) {
        Instant now = clock.instant();
        Ticket out = tx.inTransaction(s -> openOrReuse(s, now, source, callerNumber, callerName, company, reuseWithin));
        kick.run();
        return out;
    }

    /**
     * As {@link #openOrReuse(TicketSource, String, String, String, Duration)}, inside the caller's
     * transaction (the support line's start). Never fails the call for a clock: a reused ticket
     * whose clocks keep changing under it is still returned (the next change or engine pass
     * catches up). The caller wakes the ticket engine after its commit ({@link #afterCommit}).
     */
    public Ticket openOrReuse(Stores s, Instant now, TicketSource source, String callerNumber, String callerName,
            String company, Duration reuseWithin) {
        boolean identifiable = callerNumber != null && !callerNumber.isBlank() && !"unknown".equalsIgnoreCase(callerNumber)
                && !"anonymous".equalsIgnoreCase(callerNumber);
        if (identifiable) {
            Optional<Ticket> open = s.tickets().findOpenByCaller(callerNumber, now.minus(reuseWithin));
            if (open.isPresent()) {
                Ticket t = open.get();
                boolean changed = changeInRetrying(s, t.id(), now, (l, lv) -> {
                    TicketLife.Result r = l.customerReplied("a new call", now, lv);
                    List<TicketLife.Line> lines = new ArrayList<>(r.lines());
                    lines.set(0, new TicketLife.Line("REOPENED_BY_CALL", "the caller called again"));
                    return new TicketLife.Result(r.life(), lines, null, null, List.of());
                });
                if (changed) {
                    return s.tickets().find(t.id()).orElseThrow();
                }
                LOG.warn("ticket {}: the new call could not be put on its clocks (the ticket kept changing)", t.id());
                s.tickets().addEvent(t.id(), now, "REOPENED_BY_CALL", "the caller called again");
                return s.tickets().find(t.id()).orElseThrow();
            }
        }
        Ticket t = s.tickets().insert(new Ticket(0, now, now, TicketStatus.OPEN, source, null, callerNumber,
                callerName, company, null, null));
        s.tickets().addEvent(t.id(), now, "OPENED", "ticket opened (" + source.name().toLowerCase() + ")");
        save(s, s.tickets().insertedLife(t), TicketLife.opened(t.id(), source, null, now, levels(s)), now);
        return t;
    }

    /**
     * Inside the acknowledgement's transaction: {@code who} acknowledged (or called back) incident
     * {@code incidentId} of this ticket, by any route (a key on the paging call, an SMS, the
     * console, the CLI). The ticket is acknowledged as theirs ({@link TicketLife#acknowledgedOnIncident}).
     * Never fails the acknowledgement for the ticket: if the ticket keeps changing under it, that is
     * logged and the acknowledgement stands.
     */
    public void acknowledgedOnIncident(Stores s, long ticketId, long incidentId, Technician who, Instant at) {
        if (changeInRetrying(s, ticketId, at, (l, lv) -> l.acknowledgedOnIncident(who.id(), who.name(), incidentId, at, lv))) {
            return;
        }
        LOG.warn("ticket {}: incident {}'s acknowledgement could not be put on the ticket (the ticket kept changing)",
                ticketId, incidentId);
    }

    /** Wakes the ticket engine after a commit that changed tickets through the in-transaction methods. */
    public void afterCommit() {
        kick.run();
    }

    /**
     * A ticket from an email whose facts are complete (or whose sender is a known contact), opened
     * inside the caller's transaction (the mail that led to it is recorded in the same commit).
     * Source EMAIL, NEW, its 6-hour contact clock started; the first number is the call-back
     * number, every number is on the timeline.
     */
    public Ticket openFromEmail(Stores s, Instant at, String name, String company, List<String> phones, String summary) {
        return openFromEmail(s, at, name, company, phones, summary, false);
    }

    /** As {@link #openFromEmail(Stores, Instant, String, String, List, String)}; {@code project}: a desktop project request. */
    public Ticket openFromEmail(Stores s, Instant at, String name, String company, List<String> phones, String summary,
            boolean project) {
        String text = summary == null ? null : summary.length() > 1000 ? summary.substring(0, 997) + "..." : summary;
        Ticket t = s.tickets().insert(new Ticket(0, at, at, TicketStatus.OPEN, TicketSource.EMAIL, null, null, cut(name),
                cut(company), phones.isEmpty() ? null : phones.get(0), text));
        s.tickets().addEvent(t.id(), at, "OPENED", "ticket opened (email)" + (project ? ", a desktop project request" : "")
                + (phones.size() > 1 ? "; call-back numbers " + String.join(", ", phones) : ""));
        save(s, s.tickets().insertedLife(t), TicketLife.opened(t.id(), TicketSource.EMAIL, null, project, at, levels(s)), at);
        return t;
    }

    /** What a stranger wrote as their name or company, within the columns' 200 characters. */
    private static String cut(String s) {
        return s == null || s.length() <= 200 ? s : s.substring(0, 197) + "...";
    }

    /**
     * Inside the caller's transaction (email intake): the requester wrote again on this ticket; a
     * ticket waiting on them resumes, a resolved or closed one reopens.
     */
    public void customerReplied(Stores s, long id, String text) {
        Instant now = clock.instant();
        String t = text == null ? "" : text.strip();
        String shown = t.length() > 300 ? t.substring(0, 297) + "..." : t;
        boolean changed = changeInRetrying(s, id, now, (l, lv) -> {
            TicketLife.Result r = l.customerReplied("an email reply", now, lv);
            List<TicketLife.Line> lines = new ArrayList<>(r.lines());
            lines.set(0, new TicketLife.Line("CUSTOMER_REPLIED", shown));
            return new TicketLife.Result(r.life(), lines, null, null, List.of());
        });
        if (changed) {
            return;
        }
        LOG.warn("ticket {}: the customer's reply could not be put on its clocks (the ticket kept changing)", id);
        s.tickets().addEvent(id, now, "CUSTOMER_REPLIED", shown);
    }

    /**
     * Inside the support line's transaction: the caller raised the ticket's priority on the phone,
     * and its clocks follow it now, as the clock engine's pass would (the ticket was made due for
     * it): the pass has nothing left to do for the ticket, and the urgent voicemail's commit, which
     * the caller waits for, does not do it either. If the ticket kept changing, the pass does it.
     */
    public void priorityChosen(Stores s, long ticketId, Instant at) {
        if (!changeInRetrying(s, ticketId, at, (l, lv) -> new TicketLife.Result(l, List.of(), null, null, List.of()))) {
            LOG.warn("ticket {}: its clocks could not follow the priority chosen on the phone now (the ticket kept"
                    + " changing); the clock engine's pass will", ticketId);
        }
    }

    /**
     * Inside the support line's transaction: the urgent line promised a call-back within
     * {@code promise} of {@code at} (the ticket's contact clock, wall clock). A second message while
     * the promise runs joins it.
     */
    public void callbackPromised(Stores s, long ticketId, Instant at, Duration promise) {
        if (changeInRetrying(s, ticketId, at, (l, lv) -> l.callbackPromised(at, promise, lv))) {
            return;
        }
        // never fail the caller's voicemail for a clock: the next change or engine pass catches up
        LOG.warn("ticket {}: the call-back promise could not be put on its clock (the ticket kept changing)", ticketId);
    }

    /**
     * Inside the support line's transaction: the caller left a message that is not urgent at
     * {@code at}; its contact clock starts ({@link TicketLife#messageLeft}). No engine is woken for
     * it: its first check, the warning, is 3 business hours away at the soonest, and the ticket
     * engine's sweep ({@code scheduler.sweep-interval}, 30 s by default, at most an hour) finds it
     * long before (on the message path a kick of both engines per message cost more than the
     * clock's own write under load). Never fails the caller's message for a clock: a ticket that
     * keeps changing under it is logged.
     */
    public void messageLeft(Stores s, long ticketId, Instant at) {
        if (!changeInRetrying(s, ticketId, at, (l, lv) -> l.messageLeft(at, lv))) {
            LOG.warn("ticket {}: the message's contact clock could not be started (the ticket kept changing)", ticketId);
        }
    }

    /** The customer came back by {@code via} (an email reply, a portal message): noted; resumes or reopens the ticket. */
    public TicketDetail customerReplied(long id, String via, String text) {
        return change(id, customerCameBack(via, text));
    }

    /**
     * As {@link #customerReplied(long, String, String)}, inside the caller's transaction (a portal
     * reply commits with its files). The caller wakes the ticket engine after its commit.
     */
    public void customerReplied(Stores s, long id, Instant now, String via, String text) {
        Event e = customerCameBack(via, text);
        if (changeInRetrying(s, id, now, (l, lv) -> e.apply(l, lv, now))) {
            return;
        }
        throw new IllegalStateException("ticket " + id + " kept changing under this reply; try again");
    }

    private static Event customerCameBack(String via, String text) {
        String how = via == null || via.isBlank() ? "a message" : via.strip();
        return (l, lv, now) -> {
            TicketLife.Result r = l.customerReplied(how, now, lv);
            if (text == null || text.isBlank()) {
                return r;
            }
            List<TicketLife.Line> lines = new ArrayList<>(r.lines());
            lines.set(0, new TicketLife.Line("CUSTOMER_REPLIED", "the customer came back (" + how + "): " + text.strip()));
            return new TicketLife.Result(r.life(), lines, null, null, List.of());
        };
    }

    // ---- the desk ----

    /** A technician takes the ticket (owner); a NEW ticket is acknowledged. */
    public TicketDetail take(long id, String techRef) {
        Technician t = technician(techRef);
        return change(id, (l, lv, now) -> l.take(t.id(), t.name(), now, lv));
    }

    /** An internal note (never shown to the customer); changes no state. */
    public TicketDetail note(long id, String byRef, String text) {
        String who = who(byRef);
        String body = RosterService.text(TextField.TICKET_NOTE, text);
        if (body == null) {
            throw new ValidationException("the note is empty");
        }
        return change(id, (l, lv, now) -> new TicketLife.Result(l, List.of(new TicketLife.Line("NOTE", who + ": " + body)),
                null, null, List.of()));
    }

    /** The desk reached the customer (a call-back, a reply): contact and respond are met. */
    public TicketDetail contacted(long id, String byRef, String how) {
        String who = who(byRef);
        String h = RosterService.text(TextField.TICKET_NOTE, how);
        return change(id, (l, lv, now) -> l.contacted(who, h, now, lv));
    }

    /** Waiting on the customer: the resolve clock pauses. */
    public TicketDetail waitOnCustomer(long id, String byRef, String why) {
        String who = who(byRef);
        String w = RosterService.text(TextField.TICKET_NOTE, why);
        return change(id, (l, lv, now) -> l.waitOnCustomer(who, w, now, lv));
    }

    /** Back in progress after waiting: the resolve clock runs again, the paused business time given back. */
    public TicketDetail resume(long id, String byRef, String why) {
        String who = who(byRef);
        String w = RosterService.text(TextField.TICKET_NOTE, why);
        return change(id, (l, lv, now) -> l.resume(who, w, now, lv));
    }

    /**
     * Resolves the ticket; an urgent incident still awaiting its call-back on it is resolved with it,
     * in the same transaction: its paging and late call-back notices stop.
     */
    public TicketDetail resolve(long id, String byRef, String summary) {
        String who = who(byRef);
        String w = RosterService.text(TextField.TICKET_NOTE, summary);
        return change(id, (s, now) -> lockIncident(s, id), (l, lv, now) -> l.resolve(who, w, now, lv),
                (s, now) -> endIncident(s, id, "resolved by " + who + (w == null ? "" : ": " + w), now));
    }

    /** Closes the ticket (from any state but closed); unmet clocks stop, and an incident awaiting its call-back ends. */
    public TicketDetail close(long id, String byRef, String why) {
        String who = who(byRef);
        String w = RosterService.text(TextField.TICKET_NOTE, why);
        return change(id, (s, now) -> lockIncident(s, id), (l, lv, now) -> l.close(who, w, now, lv),
                (s, now) -> endIncident(s, id, "closed by " + who + (w == null ? "" : ": " + w), now));
    }

    /**
     * Before the ticket's change: holds the row of the incident awaiting its call-back on the ticket,
     * if any, so that this transaction takes the incident before the ticket, as the engine's
     * escalation and an acknowledgement do (the other order could deadlock with them).
     */
    private static void lockIncident(Stores s, long ticketId) {
        s.incidents().awaitingCallbackOnTicket(ticketId).ifPresent(i -> s.incidents().lock(i.id()));
    }

    /**
     * Inside the ticket's change: the incident still awaiting its call-back on the ticket, if any,
     * ends with it (a desk that resolved the caller's problem does not want the VP paged about it).
     */
    private static void endIncident(Stores s, long ticketId, String how, Instant now) {
        s.incidents().awaitingCallbackOnTicket(ticketId).ifPresent(i -> Acknowledgements.decideAndSave(s, i.id(),
                fresh -> IncidentLife.endedWithTicket(fresh, how, now), now));
    }

    /** As before this model: closes with a reason, and a ticket already closed is left as it is. */
    public Ticket close(long id, String why) {
        TicketDetail d = detail(id);
        if (d.state() != TicketState.CLOSED) {
            close(id, null, why);
        }
        return find(id);
    }

    public TicketDetail reopen(long id, String byRef, String why) {
        String who = who(byRef);
        String w = RosterService.text(TextField.TICKET_NOTE, why);
        return change(id, (l, lv, now) -> l.reopen(who, w, now, lv));
    }

    /** A new priority with who and why (both kept); respond and resolve are worked out again from the ticket's history. */
    public TicketDetail changePriority(long id, Priority p, String byRef, String why) {
        String who = who(byRef);
        String w = RosterService.text(TextField.TICKET_NOTE, why);
        if (w == null) {
            throw new ValidationException("say why the priority changes (--why)");
        }
        return change(id, (l, lv, now) -> l.changePriority(p, who, w, now, lv));
    }

    /**
     * The desk calendar changed (hours, a holiday): every ticket not closed gets its deadlines worked
     * out again from its history. Returns how many tickets' deadlines moved.
     */
    public int recomputeAll() {
        Instant now = clock.instant();
        int moved = tx.inTransaction(s -> {
            ServiceLevels lv = levels(s);
            // Set-based: every life read in three queries, worked out in memory (pure, so on every core), the
            // moved clocks written back with JDBC batches (each ticket's compare-and-set on its version), in
            // this one transaction.
            record Moved(TicketLife before, TicketLife.Result after) {}
            List<Moved> changed = s.tickets().livesNotClosed().parallelStream()
                    .map(l -> new Moved(l, l.calendarChanged(lv)))
                    .filter(m -> !m.after().life().equals(m.before()))
                    .toList();
            List<TicketStore.ClockSave> saves = new ArrayList<>(changed.size());
            for (Moved m : changed) {
                saves.add(new TicketStore.ClockSave(m.before(), m.after().life(), m.after().life().nextCheck(), null));
            }
            java.util.Set<Long> missed = new java.util.HashSet<>(s.tickets().saveClocks(saves));
            List<TicketEvent> events = new ArrayList<>();
            for (Moved m : changed) {
                if (!missed.contains(m.before().ticketId())) {
                    for (TicketLife.Line line : m.after().lines()) {
                        events.add(new TicketEvent(0, m.before().ticketId(), now, line.kind(), line.detail()));
                    }
                }
            }
            s.tickets().addEvents(events);
            for (long id : missed) {   // changed meanwhile: once more, one by one
                changeIn(s, id, now, (l, lv2) -> l.calendarChanged(lv2));
            }
            return changed.size();
        });
        kick.run();
        return moved;
    }

    // ---- reads ----

    public void addEvent(long ticketId, String kind, String detail) {
        Instant now = clock.instant();
        tx.inTransaction(s -> {
            require(s, ticketId);
            s.tickets().addEvent(ticketId, now, kind, detail);
            return null;
        });
    }

    public Ticket find(long id) {
        return tx.inTransaction(s -> require(s, id));
    }

    public TicketView show(long id) {
        return tx.inTransaction(s -> new TicketView(require(s, id), s.tickets().events(id)));
    }

    public List<Ticket> list(int limit) {
        return tx.inTransaction(s -> s.tickets().list(limit));
    }

    /** A ticket with every clock (deadlines as of now, on today's calendar), its priority changes and its timeline. */
    public TicketDetail detail(long id) {
        Instant now = clock.instant();
        return tx.inTransaction(s -> detail(s, id, now));
    }

    /** As {@link #detail(long)}, as of {@code now}, inside the caller's transaction. */
    public TicketDetail detail(Stores s, long id, Instant now) {
        Ticket t = require(s, id);
        ServiceLevels lv = levels(s);
        TicketLife l = s.tickets().life(id).orElseThrow();
        l = l.reconcile(now, lv).life().recompute(lv);
        List<TicketEvent> timeline = s.tickets().events(id);
        List<ClockView> clocks = new ArrayList<>();
        for (SlaClock c : l.clocks()) {
            String word = c.kind().words() + ":";
            List<TicketEvent> history = timeline.stream().filter(e -> (e.kind().startsWith("CLOCK_")
                    || e.kind().startsWith("SLA_")) && e.detail().startsWith(word)).toList();
            clocks.add(new ClockView(c.kind(), c.state(), lv.target(c).words(), c.startedAt(), c.dueAt(), c.warnAt(),
                    c.live() ? lv.remaining(c, l.pauses(), now) : null, c.metAt(), c.warnedAt(), c.breachedAt(),
                    c.stoppedAt(), history));
        }
        return new TicketDetail(t, l.state(), l.ownerId(), l.ownerName(), s.tickets().requesterEmail(id).orElse(null),
                l.version(), clocks, l.pauses(), s.tickets().priorityChanges(id), timeline, lv.time().zone(), now,
                l.projectRequest());
    }

    /** Open tickets (not resolved or closed) in the order received, each with its next deadline and clock. */
    public Queue queue(int limit) {
        Instant now = clock.instant();
        return tx.inTransaction(s -> {
            ServiceLevels lv = levels(s);
            List<TicketLife> lives = s.tickets().openLives(limit);
            Map<Long, Ticket> facts = new java.util.HashMap<>();
            List<QueueRow> rows = new ArrayList<>(lives.size());
            for (TicketLife raw : lives) {
                TicketLife l = raw.reconcile(now, lv).life().recompute(lv);
                Ticket t = facts.computeIfAbsent(l.ticketId(), k -> s.tickets().find(k).orElseThrow());
                Optional<SlaClock> next = l.nextDue();
                rows.add(new QueueRow(l.ticketId(), l.openedAt(), Duration.between(l.openedAt(), now), l.priority(), l.state(),
                        l.ownerName(), next.map(SlaClock::kind).orElse(null), next.map(SlaClock::dueAt).orElse(null),
                        next.map(SlaClock::state).orElse(null), who(t)));
            }
            return new Queue(rows, lv.time().zone(), now);
        });
    }

    private static String who(Ticket t) {
        String name = t.callerName() != null ? t.callerName() : t.callerNumber() != null ? t.callerNumber() : "unknown";
        return t.company() == null ? name : name + " (" + t.company() + ")";
    }

    // ---- the engine's side (TicketClockEngine) ----

    ServiceLevels levels(Stores s) {
        return levels(s.calendar().calendar());
    }

    ServiceLevels levels(BusinessCalendar cal) {
        LevelsFor last = lastLevels;
        if (last != null && last.calendar() == cal) {
            return last.levels();
        }
        ServiceLevels lv = new ServiceLevels(new CountedTime(cal), ServiceLevels.CONTACT_WITHIN, warningLead, autoCloseAfter);
        lastLevels = new LevelsFor(cal, lv);
        return lv;
    }

    /**
     * The service levels built for one reading of the calendar: a transaction reads the calendar
     * once (the call journal's carries many calls' clocks), so its calls share them too.
     */
    private record LevelsFor(BusinessCalendar calendar, ServiceLevels levels) {}

    private volatile LevelsFor lastLevels;

    /** What the engine's decision (or any event) changes, saved with the compare-and-set; false when the version moved. */
    static boolean save(Stores s, TicketLife before, TicketLife.Result r, Instant now) {
        if (!r.changed(before) && r.lines().isEmpty()) {
            return true;
        }
        if (!r.life().equals(before) && !s.tickets().saveLife(before, r.life(), r.life().nextCheck(), now)) {
            return false;
        }
        // one batch and one touch of the ticket's updated_at for all the lines, not a pair of statements each
        s.tickets().addEvents(before.ticketId(), r.lines().stream()
                .map(line -> new TicketEvent(0, before.ticketId(), now, line.kind(), line.detail()))
                .toList());
        if (r.priorityChange() != null) {
            TicketLife.PriorityChange c = r.priorityChange();
            s.tickets().addPriorityChange(before.ticketId(), now, c.from(), c.to(), c.by(), c.why());
        }
        return true;
    }

    // ---- internals ----

    @FunctionalInterface
    private interface Event {
        TicketLife.Result apply(TicketLife life, ServiceLevels levels, Instant now);
    }

    /** Thrown inside a transaction when the compare-and-set lost: the transaction rolls back and the change is tried again. */
    private static final class VersionMoved extends RuntimeException {
        VersionMoved() {
            super("the ticket changed meanwhile", null, false, false);
        }
    }

    private TicketDetail change(long id, Event event) {
        return change(id, (s, now) -> { }, event, (s, now) -> { });
    }

    /** What else a change does in its transaction: {@code first} before the ticket is read, {@code then} once it is saved. */
    private interface Also {
        void apply(Stores s, Instant now);
    }

    private TicketDetail change(long id, Also first, Event event, Also then) {
        for (int attempt = 0; attempt < 5; attempt++) {
            try {
                tx.run(s -> {
                    Instant now = clock.instant();
                    first.apply(s, now);
                    changeIn(s, id, now, (l, lv) -> event.apply(l, lv, now));
                    then.apply(s, now);
                });
                kick.run();
                return detail(id);
            } catch (VersionMoved raced) {
                // someone else's change landed first: read again and decide again
            }
        }
        throw new IllegalStateException("ticket " + id + " kept changing under this change; try again");
    }

    /**
     * {@link #changeIn} inside the caller's transaction, read and decided again when the
     * compare-and-set lost (the engine saved the ticket meanwhile: read committed), up to 3 times.
     * @return false when the ticket kept changing under it (the caller decides what that means)
     */
    private boolean changeInRetrying(Stores s, long id, Instant now, java.util.function.BiFunction<TicketLife, ServiceLevels,
            TicketLife.Result> event) {
        for (int attempt = 0; attempt < 3; attempt++) {
            try {
                changeIn(s, id, now, event);
                return true;
            } catch (VersionMoved raced) {
                // read it again
            }
        }
        return false;
    }

    /** Inside a transaction: load, reconcile, decide, save with the compare-and-set (throws VersionMoved when it lost). */
    private void changeIn(Stores s, long id, Instant now, java.util.function.BiFunction<TicketLife, ServiceLevels,
            TicketLife.Result> event) {
        ServiceLevels lv = levels(s);
        TicketLife stored = s.tickets().life(id).orElseThrow(() -> new NotFoundException("no ticket with id " + id));
        TicketLife.Result rec = stored.reconcile(now, lv);
        TicketLife.Result r = event.apply(rec.life(), lv);
        if (r.refused()) {
            throw new ValidationException(r.refusal());
        }
        List<TicketLife.Line> lines = new ArrayList<>(rec.lines());
        lines.addAll(r.lines());
        TicketLife.Result both = new TicketLife.Result(r.life(), lines, null,
                r.priorityChange() != null ? r.priorityChange() : rec.priorityChange(), r.notices());
        if (rec.priorityChange() != null && r.priorityChange() != null) {
            TicketLife.PriorityChange c = rec.priorityChange();
            s.tickets().addPriorityChange(id, now, c.from(), c.to(), c.by(), c.why());
        }
        if (!save(s, stored, both, now)) {
            throw new VersionMoved();
        }
    }

    private Technician technician(String ref) {
        if (ref == null || ref.isBlank()) {
            throw new ValidationException("name the technician (--tech)");
        }
        return tx.inTransaction(s -> RosterService.resolve(s.roster(), ref));
    }

    /** A technician's name when one is named (they must exist), else {@link #ADMIN}. */
    private String who(String ref) {
        return ref == null || ref.isBlank() ? ADMIN : technician(ref).name();
    }

    static Ticket require(Stores s, long id) {
        return s.tickets().find(id).orElseThrow(() -> new NotFoundException("no ticket with id " + id));
    }
}

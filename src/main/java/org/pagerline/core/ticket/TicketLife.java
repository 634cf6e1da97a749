package org.pagerline.core.ticket;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.pagerline.core.text.DeskTime;

/**
 * A ticket's life: its state, owner, priority, service-level clocks and pauses. The one owner of
 * the ticket's transitions: each method is pure, takes the current life and an event, and returns
 * the new life with the timeline lines it brings (or a refusal, changing nothing). The service
 * loads, decides, and saves with one compare-and-set on {@link #version()}.
 *
 * @param ownerId the technician who took it (null: nobody yet)
 * @param autoCloseAt when a RESOLVED ticket closes by itself; null otherwise
 * @param version the row version the compare-and-set expects
 * @param priority the priority this life's clocks follow (the last change it made or adopted)
 * @param rowPriority the priority on the ticket row, which the support line's menu and the incident
 *                    also write; when it differs, {@link #reconcile} adopts it
 */
public record TicketLife(long ticketId, TicketSource source, Instant openedAt, TicketState state, Long ownerId,
        String ownerName, Priority priority, Instant resolvedAt, Instant closedAt, Instant autoCloseAt, long version,
        List<SlaClock> clocks, List<Pause> pauses, Priority rowPriority) {

    public TicketLife {
        clocks = List.copyOf(clocks);
        pauses = List.copyOf(pauses);
    }

    /** A life whose row priority is its own (what every transition returns). */
    public TicketLife(long ticketId, TicketSource source, Instant openedAt, TicketState state, Long ownerId,
            String ownerName, Priority priority, Instant resolvedAt, Instant closedAt, Instant autoCloseAt, long version,
            List<SlaClock> clocks, List<Pause> pauses) {
        this(ticketId, source, openedAt, state, ownerId, ownerName, priority, resolvedAt, closedAt, autoCloseAt, version,
                clocks, pauses, priority);
    }

    /** One line for the ticket's timeline. */
    public record Line(String kind, String detail) {}

    /** A priority change, kept with who made it and why. */
    public record PriorityChange(Priority from, Priority to, String by, String why) {}

    /** A warning or breach the engine must tell (team lead; on breach also the VP). */
    public record Notice(ClockKind clock, boolean breach, Instant dueAt) {}

    /**
     * What an event did: the new life and its lines; or {@code refusal} (then nothing changed).
     * {@code changed} is false for an event that changes nothing (repeated, or a note).
     */
    public record Result(TicketLife life, List<Line> lines, String refusal, PriorityChange priorityChange,
            List<Notice> notices) {
        public boolean refused() {
            return refusal != null;
        }

        public boolean changed(TicketLife before) {
            return !refused() && !life.equals(before);
        }
    }

    private Result ok(TicketLife l, List<Line> lines) {
        return new Result(l, List.copyOf(lines), null, null, List.of());
    }

    private Result refuse(String why) {
        return new Result(this, List.of(), "ticket " + ticketId + " " + why, null, List.of());
    }

    // ---- opening ----

    /** A new ticket's life: NEW, with its clocks (contact for email and portal; respond and resolve once it has a priority). */
    public static Result opened(long ticketId, TicketSource source, Priority priority, Instant at, ServiceLevels levels) {
        return opened(ticketId, source, priority, false, at, levels);
    }

    /**
     * As {@link #opened(long, TicketSource, Priority, Instant, ServiceLevels)}; a desktop project
     * request has no priority and no respond clock (nobody need call the customer back), only the
     * contact clock of its door and its resolve clock, due within one business day. Giving it
     * a priority later makes it an ordinary ticket of that priority.
     *
     * @throws IllegalArgumentException for a project request with a priority
     */
    public static Result opened(long ticketId, TicketSource source, Priority priority, boolean project, Instant at,
            ServiceLevels levels) {
        if (project && priority != null) {
            throw new IllegalArgumentException("a desktop project request has no priority");
        }
        List<SlaClock> clocks = new ArrayList<>();
        if (source == TicketSource.EMAIL || source == TicketSource.PORTAL) {
            clocks.add(SlaClock.start(ClockKind.CONTACT, at, null, null));
        }
        if (project) {
            clocks.add(SlaClock.start(ClockKind.RESOLVE, at, null, null));
        }
        if (priority != null) {
            clocks.add(SlaClock.start(ClockKind.RESPOND, at, priority, null));
            clocks.add(SlaClock.start(ClockKind.RESOLVE, at, priority, null));
        }
        TicketLife l = new TicketLife(ticketId, source, at, TicketState.NEW, null, null, priority, null, null, null, 0,
                clocks, List.of()).recompute(levels);
        List<Line> lines = new ArrayList<>();
        for (SlaClock c : l.clocks()) {
            lines.add(clockStarted(c, levels));
        }
        return l.ok(l, lines);
    }

    private static Line clockStarted(SlaClock c, ServiceLevels levels) {
        return new Line("CLOCK_STARTED", c.kind().words() + ": " + levels.target(c).words() + ", due "
                + DeskTime.format(c.dueAt(), levels.time().zone()));
    }

    // ---- the desk's events ----

    /** A technician takes the ticket: they own it; a NEW ticket is acknowledged (the contact clock of email and portal is met). */
    public Result take(long techId, String techName, Instant at, ServiceLevels levels) {
        if (!state.open()) {
            return refuse("is " + state.words() + "; reopen it first");
        }
        if (Objects.equals(ownerId, techId) && state != TicketState.NEW) {
            return ok(this, List.of());
        }
        List<Line> lines = new ArrayList<>();
        lines.add(new Line("TAKEN", techName + " took the ticket" + (ownerName == null ? "" : " from " + ownerName)));
        List<SlaClock> cs = clocks;
        TicketState s = state;
        if (state == TicketState.NEW) {
            s = TicketState.ACKNOWLEDGED;
            lines.add(stateLine(TicketState.ACKNOWLEDGED, techName));
            cs = meet(cs, ClockKind.CONTACT, at, lines, levels, c -> c.promise() == null);
        }
        return ok(with(s, techId, techName, cs, pauses), lines);
    }

    /**
     * A technician acknowledged (or called back) the ticket's urgent-line incident: a ticket nobody
     * owns is theirs, as if they had taken it (a NEW ticket is ACKNOWLEDGED; a contact clock that is
     * an acknowledgement target is met). The urgent line's call-back promise is not: it is met by
     * the call-back. A ticket the desk already owns keeps its owner; a resolved or closed one is
     * left alone (the incident's own timeline line says who acknowledged).
     */
    public Result acknowledgedOnIncident(long techId, String techName, long incidentId, Instant at, ServiceLevels levels) {
        if (!state.open() || (ownerId != null && state != TicketState.NEW)) {
            return ok(this, List.of());
        }
        Result r = take(techId, techName, at, levels);
        if (r.refused() || r.lines().isEmpty()) {
            return r;
        }
        // One ACKNOWLEDGED line per acknowledgement on the timeline (the incident's, naming the route): the
        // ticket's own says it was taken, and acknowledged with it when it was new.
        List<Line> lines = new ArrayList<>();
        lines.add(new Line("TAKEN", techName + " took the ticket by acknowledging incident " + incidentId
                + (state == TicketState.NEW ? "; ticket acknowledged" : "")));
        for (Line l : r.lines().subList(1, r.lines().size())) {
            if (!l.kind().equals(TicketState.ACKNOWLEDGED.name())) {
                lines.add(l);
            }
        }
        return ok(r.life(), lines);
    }

    /** The customer was contacted (called back, answered by mail or on the portal): contact and respond are met. */
    public Result contacted(String who, String how, Instant at, ServiceLevels levels) {
        if (!state.open()) {
            return refuse("is " + state.words() + "; reopen it first");
        }
        List<Line> lines = new ArrayList<>();
        lines.add(new Line("CONTACTED", who + " contacted the customer" + (blank(how) ? "" : ": " + how)));
        List<SlaClock> cs = meet(clocks, ClockKind.CONTACT, at, lines, levels, c -> true);
        cs = meet(cs, ClockKind.RESPOND, at, lines, levels, c -> true);
        TicketState s = state;
        if (state == TicketState.NEW || state == TicketState.ACKNOWLEDGED) {
            s = TicketState.IN_PROGRESS;
            lines.add(stateLine(s, who));
        }
        return ok(with(s, ownerId, ownerName, cs, pauses), lines);
    }

    /** Waiting on the customer: the resolve clock pauses (the customer was asked, so contact and respond are met). */
    public Result waitOnCustomer(String who, String why, Instant at, ServiceLevels levels) {
        if (state == TicketState.WAITING_ON_CUSTOMER) {
            return refuse("is already waiting on the customer");
        }
        if (!state.open()) {
            return refuse("is " + state.words() + "; reopen it first");
        }
        List<Line> lines = new ArrayList<>();
        lines.add(stateLine(TicketState.WAITING_ON_CUSTOMER, who + (blank(why) ? "" : ": " + why)));
        List<SlaClock> cs = meet(clocks, ClockKind.CONTACT, at, lines, levels, c -> true);
        cs = meet(cs, ClockKind.RESPOND, at, lines, levels, c -> true);
        List<Pause> ps = new ArrayList<>(pauses);
        ps.add(new Pause(at, null, "waiting on the customer"));
        TicketLife l = with(TicketState.WAITING_ON_CUSTOMER, ownerId, ownerName, cs, ps).recompute(levels);
        l.clock(ClockKind.RESOLVE).filter(SlaClock::live).ifPresent(c -> lines.add(new Line("CLOCK_PAUSED",
                "resolve: paused, " + DeskTime.duration(levels.remaining(c, l.pauses(), at)) + " left")));
        return ok(l, lines);
    }

    /** Work resumes after waiting on the customer: the resolve clock runs again, the paused time given back. */
    public Result resume(String who, String why, Instant at, ServiceLevels levels) {
        if (state != TicketState.WAITING_ON_CUSTOMER) {
            return refuse("is " + state.words() + ", not waiting on the customer");
        }
        List<Line> lines = new ArrayList<>();
        lines.add(stateLine(TicketState.IN_PROGRESS, who + (blank(why) ? "" : ": " + why)));
        return ok(unpaused(TicketState.IN_PROGRESS, at, lines, levels), lines);
    }

    /**
     * The customer came back (a new call, an email, a portal reply): a ticket waiting on them
     * resumes; a resolved or closed one reopens; otherwise it is only noted.
     */
    public Result customerReplied(String via, Instant at, ServiceLevels levels) {
        List<Line> lines = new ArrayList<>();
        lines.add(new Line("CUSTOMER_REPLIED", "the customer came back (" + via + ")"));
        return switch (state) {
            case WAITING_ON_CUSTOMER -> {
                lines.add(stateLine(TicketState.IN_PROGRESS, "the customer answered"));
                yield ok(unpaused(TicketState.IN_PROGRESS, at, lines, levels), lines);
            }
            case RESOLVED, CLOSED -> reopened("the customer came back (" + via + ")", at, levels, lines);
            default -> ok(this, lines);
        };
    }

    /** Resolved: the resolve clock is met (and contact and respond, if still running); closes after the quiet time. */
    public Result resolve(String who, String summary, Instant at, ServiceLevels levels) {
        if (!state.open()) {
            return refuse("is already " + state.words());
        }
        List<Line> lines = new ArrayList<>();
        lines.add(stateLine(TicketState.RESOLVED, who + (blank(summary) ? "" : ": " + summary)));
        List<Pause> ps = endPause(pauses, at);
        ps.add(new Pause(at, null, "resolved"));
        List<SlaClock> cs = clocks;
        for (ClockKind k : ClockKind.values()) {
            cs = meet(cs, k, at, lines, levels, c -> true);
        }
        TicketLife l = new TicketLife(ticketId, source, openedAt, TicketState.RESOLVED, ownerId, ownerName, priority, at,
                closedAt, at.plus(levels.autoCloseAfter()), version, cs, ps);
        return ok(l, lines);
    }

    /** Closed: unmet clocks stop. From any state but CLOSED (an admin may close a ticket that needs nothing). */
    public Result close(String who, String why, Instant at, ServiceLevels levels) {
        if (state == TicketState.CLOSED) {
            return refuse("is already closed");
        }
        List<Line> lines = new ArrayList<>();
        lines.add(new Line("CLOSED", "closed by " + who + (blank(why) ? "" : ": " + why)));
        List<SlaClock> cs = new ArrayList<>();
        for (SlaClock c : clocks) {
            if (c.live()) {
                lines.add(new Line("CLOCK_STOPPED", c.kind().words() + ": stopped unmet (the ticket closed)"));
                cs.add(c.stopped(at));
            } else {
                cs.add(c);
            }
        }
        List<Pause> ps = new ArrayList<>(pauses);
        if (ps.stream().noneMatch(Pause::open)) {
            ps.add(new Pause(at, null, "closed"));
        }
        TicketLife l = new TicketLife(ticketId, source, openedAt, TicketState.CLOSED, ownerId, ownerName, priority,
                resolvedAt, at, null, version, cs, ps);
        return ok(l, lines);
    }

    /** Reopened (by the desk): back in progress; the resolve clock counts again, the time it was resolved or closed given back. */
    public Result reopen(String who, String why, Instant at, ServiceLevels levels) {
        if (state.open()) {
            return refuse("is " + state.words() + ", not resolved or closed");
        }
        return reopened(who + (blank(why) ? "" : ": " + why), at, levels, new ArrayList<>());
    }

    private Result reopened(String why, Instant at, ServiceLevels levels, List<Line> lines) {
        lines.add(new Line("REOPENED", "reopened from " + state.words() + ": " + why));
        List<SlaClock> cs = new ArrayList<>();
        for (SlaClock c : clocks) {
            cs.add(c.kind() == ClockKind.RESOLVE ? c.restarted() : c);
        }
        TicketLife l = new TicketLife(ticketId, source, openedAt, TicketState.IN_PROGRESS, ownerId, ownerName, priority,
                null, null, null, version, cs, endPause(pauses, at)).recompute(levels);
        l.clock(ClockKind.RESOLVE).ifPresent(c -> lines.add(new Line("CLOCK_RESUMED", "resolve: counting again, due "
                + DeskTime.format(c.dueAt(), levels.time().zone()))));
        return ok(l, lines);
    }

    /**
     * A new priority, with who and why: respond and resolve are worked out again from the ticket's
     * history (its opening and its pauses), so no time is lost or invented. Met clocks stay met.
     */
    public Result changePriority(Priority to, String who, String why, Instant at, ServiceLevels levels) {
        if (to == null) {
            return refuse("needs a priority (P1 to P5)");
        }
        if (to == priority) {
            return refuse("is already " + to);
        }
        List<Line> lines = new ArrayList<>();
        lines.add(new Line("PRIORITY_CHANGED", (priority == null ? "priority set to " : "priority " + priority + " -> ")
                + to + " by " + who + (blank(why) ? "" : ": " + why)));
        TicketLife l = withPriority(to, at, levels, lines);
        return new Result(l, List.copyOf(lines), null, new PriorityChange(priority, to, who, why), List.of());
    }

    /**
     * Brings the life in line with what other paths wrote on the ticket row: a priority the support
     * line's menu set (the clocks follow it, counted from the opening), a ticket closed by its
     * incident's resolution (unmet clocks stop). Called before every event and by the engine.
     */
    public Result reconcile(Instant now, ServiceLevels levels) {
        if (state == TicketState.CLOSED && clocks.stream().anyMatch(SlaClock::live)) {
            List<Line> lines = new ArrayList<>();
            List<SlaClock> cs = new ArrayList<>();
            for (SlaClock c : clocks) {
                if (c.live()) {
                    lines.add(new Line("CLOCK_STOPPED", c.kind().words() + ": stopped unmet (the ticket closed)"));
                    cs.add(c.stopped(closedAt != null ? closedAt : now));
                } else {
                    cs.add(c);
                }
            }
            return ok(with(state, ownerId, ownerName, cs, pauses), lines);
        }
        if (rowPriority == null || rowPriority == priority) {
            return ok(this, List.of());
        }
        List<Line> lines = new ArrayList<>();   // the support line wrote its own PRIORITY line
        TicketLife l = withPriority(rowPriority, now, levels, lines);
        return new Result(l, List.copyOf(lines), null, new PriorityChange(priority, rowPriority, "the support line",
                "chosen on the call"), List.of());
    }

    /**
     * The clocks under a new priority. A desktop project request's resolve clock takes it even when
     * met (the ticket is then no project any more), and its respond clock, which a project never
     * had, counts from {@code at}, when someone made it a matter of calling back; a ticket already
     * resolved or closed gets its new clocks as met, not as late.
     */
    private TicketLife withPriority(Priority to, Instant at, ServiceLevels levels, List<Line> lines) {
        boolean wasProject = projectRequest();
        List<SlaClock> cs = new ArrayList<>();
        boolean respond = false;
        boolean resolve = false;
        for (SlaClock c : clocks) {
            if ((c.kind() == ClockKind.RESPOND || c.kind() == ClockKind.RESOLVE) && (c.live() || c.priority() == null)) {
                cs.add(c.withDue(to, c.dueAt(), c.warnAt()));
            } else {
                cs.add(c);
            }
            respond |= c.kind() == ClockKind.RESPOND;
            resolve |= c.kind() == ClockKind.RESOLVE;
        }
        if (!respond) {
            SlaClock r = SlaClock.start(ClockKind.RESPOND, wasProject ? at : openedAt, to, null);
            cs.add(state.open() ? r : r.met(resolvedAt != null ? resolvedAt : closedAt));
        }
        if (!resolve) {
            SlaClock r = SlaClock.start(ClockKind.RESOLVE, openedAt, to, null);
            cs.add(state.open() ? r : r.met(resolvedAt != null ? resolvedAt : closedAt));
        }
        TicketLife before = this;
        TicketLife l = new TicketLife(ticketId, source, openedAt, state, ownerId, ownerName, to, resolvedAt, closedAt,
                autoCloseAt, version, cs, pauses).recompute(levels);
        for (SlaClock c : l.clocks()) {
            Optional<SlaClock> was = before.clock(c.kind());
            if (!c.live() || c.kind() == ClockKind.CONTACT) {
                continue;
            }
            if (was.isEmpty()) {
                lines.add(clockStarted(c, levels));
            } else if (!Objects.equals(was.get().dueAt(), c.dueAt())) {
                lines.add(new Line("CLOCK_MOVED", c.kind().words() + ": " + levels.target(c).words() + ", due "
                        + DeskTime.format(c.dueAt(), levels.time().zone()) + " (was "
                        + DeskTime.format(was.get().dueAt(), levels.time().zone()) + ")"));
            }
        }
        return l;
    }

    /** The urgent line promised a call-back within {@code promise} of {@code at}: the contact clock runs on the wall clock. */
    public Result callbackPromised(Instant at, Duration promise, ServiceLevels levels) {
        Optional<SlaClock> existing = clock(ClockKind.CONTACT);
        if (existing.isPresent() && existing.get().live() && existing.get().promise() != null) {
            return ok(this, List.of());   // a second message joins the promise already running
        }
        List<SlaClock> cs = new ArrayList<>();
        for (SlaClock c : clocks) {
            if (c.kind() != ClockKind.CONTACT) {
                cs.add(c);
            }
        }
        cs.add(0, SlaClock.start(ClockKind.CONTACT, at, null, promise));
        TicketLife l = with(state.open() ? state : TicketState.IN_PROGRESS, ownerId, ownerName, cs,
                state.open() ? pauses : endPause(pauses, at)).recompute(levels);
        List<Line> lines = new ArrayList<>();
        lines.add(clockStarted(l.clock(ClockKind.CONTACT).orElseThrow(), levels));
        return ok(l, lines);
    }

    /**
     * The caller left a message on the support line that is not urgent (out of hours, or leaving
     * the queue): the contact clock starts as email's and the portal's does (six business hours,
     * met by taking a new ticket or by contacting the customer), so a message nobody calls back is
     * warned about like any other ticket. A contact clock not yet met (a second message, the urgent
     * line's promise, or one already missed, whose breach the team lead and the VP were told and
     * which stays on the ticket until someone contacts the customer) is kept; one already met gives
     * way to the new message's. A ticket that is no longer open is left alone (the line opens or
     * reuses open tickets only).
     */
    public Result messageLeft(Instant at, ServiceLevels levels) {
        Optional<SlaClock> existing = clock(ClockKind.CONTACT);
        if (!state.open() || existing.isPresent() && existing.get().live()) {
            return ok(this, List.of());
        }
        List<SlaClock> cs = new ArrayList<>();
        cs.add(SlaClock.start(ClockKind.CONTACT, at, null, null));
        for (SlaClock c : clocks) {
            if (c.kind() != ClockKind.CONTACT) {
                cs.add(c);
            }
        }
        TicketLife l = with(state, ownerId, ownerName, cs, pauses).recompute(levels);
        return ok(l, List.of(clockStarted(l.clock(ClockKind.CONTACT).orElseThrow(), levels)));
    }

    /** The calendar changed (a holiday, new hours): every live deadline is worked out again (one timeline line). */
    public Result calendarChanged(ServiceLevels levels) {
        TicketLife l = recompute(levels);
        List<String> moved = new ArrayList<>();
        for (SlaClock c : l.clocks()) {
            Optional<SlaClock> was = clock(c.kind());
            if (c.live() && was.isPresent() && !Objects.equals(was.get().dueAt(), c.dueAt()) && c.dueAt() != null) {
                moved.add(c.kind().words() + " due " + DeskTime.format(c.dueAt(), levels.time().zone()) + " (was "
                        + DeskTime.format(was.get().dueAt(), levels.time().zone()) + ")");
            }
        }
        List<Line> lines = moved.isEmpty() ? List.of()
                : List.of(new Line("CLOCK_MOVED", "the desk calendar changed: " + String.join("; ", moved)));
        return ok(l, lines);
    }

    // ---- the engine ----

    /**
     * What is due at {@code now}: a warning when a clock's warning instant has come, a breach when
     * its deadline has passed (once each per clock; a breach found first makes the warning
     * pointless), and the automatic close of a resolved ticket after the quiet time.
     */
    public Result due(Instant now, ServiceLevels levels) {
        return due(now, levels, false);
    }

    /**
     * As {@link #due(Instant, ServiceLevels)}, on a ticket whose urgent-line incident may tell the
     * respond deadline itself. {@code incidentTellsRespond}: an incident on this ticket awaits its
     * call-back and carries a respond-by deadline, whose approaching and missed notices it sends
     * (team lead, then team lead and VP; cancelled at once when the call-back is recorded). The
     * ticket then records its respond warning and breach (clock state, timeline) and pages nobody:
     * one deadline, told once.
     */
    public Result due(Instant now, ServiceLevels levels, boolean incidentTellsRespond) {
        TicketLife l = recompute(levels);
        List<Line> lines = new ArrayList<>();
        List<Notice> notices = new ArrayList<>();
        List<SlaClock> cs = new ArrayList<>();
        for (SlaClock c : l.clocks()) {
            // The urgent line's call-back promise is escalated by its incident (the policy's steps, the LATE
            // notice to everyone): the ticket records its warning and breach but pages nobody a second time.
            boolean promise = c.promise() != null;
            boolean respondByIncident = incidentTellsRespond && c.kind() == ClockKind.RESPOND;
            boolean incidentTells = promise || respondByIncident;
            if (c.live() && c.breachedAt() == null && c.dueAt() != null && !now.isBefore(c.dueAt())) {
                c = c.breached(now);
                if (!incidentTells) {
                    notices.add(new Notice(c.kind(), true, c.dueAt()));
                }
                lines.add(new Line("SLA_BREACHED", c.kind().words() + ": missed, due "
                        + DeskTime.format(c.dueAt(), levels.time().zone()) + (promise
                        ? "; the incident's escalation tells the people" : respondByIncident
                        ? "; the incident's respond-by notice tells team lead and VP" : "; team lead and VP told")));
            } else if (c.live() && c.breachedAt() == null && c.warnedAt() == null && c.warnAt() != null
                    && !now.isBefore(c.warnAt())) {
                c = c.warned(now);
                if (!incidentTells) {
                    notices.add(new Notice(c.kind(), false, c.dueAt()));
                }
                lines.add(new Line("SLA_WARNING", c.kind().words() + ": due " + DeskTime.format(c.dueAt(), levels.time().zone())
                        + " (" + DeskTime.duration(levels.remaining(c, l.pauses(), now)) + " left); "
                        + (promise ? "the incident is paging" : respondByIncident
                        ? "the incident's respond-by notice tells the team lead" : "team lead warned")));
            }
            cs.add(c);
        }
        l = new TicketLife(ticketId, source, openedAt, state, ownerId, ownerName, priority, resolvedAt, closedAt,
                autoCloseAt, version, cs, pauses);
        if (state == TicketState.RESOLVED && autoCloseAt != null && !now.isBefore(autoCloseAt)) {
            Result closed = l.close("pagerline", "no word from the customer for " + DeskTime.duration(levels.autoCloseAfter())
                    + " after it was resolved", now, levels);
            lines.addAll(closed.lines());
            l = closed.life();
        }
        return new Result(l, List.copyOf(lines), null, null, List.copyOf(notices));
    }

    /** The next instant the engine must look at this ticket, or null. */
    public Instant nextCheck() {
        if (state == TicketState.CLOSED) {
            return null;
        }
        Instant next = state == TicketState.RESOLVED ? autoCloseAt : null;
        for (SlaClock c : clocks) {
            Instant n = c.nextCheck();
            if (n != null && (next == null || n.isBefore(next))) {
                next = n;
            }
        }
        return next;
    }

    /** The earliest deadline still to meet (for the queue), with its clock. */
    public Optional<SlaClock> nextDue() {
        SlaClock best = null;
        for (SlaClock c : clocks) {
            if (c.live() && c.dueAt() != null && (best == null || c.dueAt().isBefore(best.dueAt()))) {
                best = c;
            }
        }
        return Optional.ofNullable(best);
    }

    // ---- helpers ----

    /** A desktop project request: a resolve clock with no priority behind it. */
    public boolean projectRequest() {
        return clock(ClockKind.RESOLVE).map(c -> c.priority() == null).orElse(false);
    }

    public Optional<SlaClock> clock(ClockKind k) {
        return clocks.stream().filter(c -> c.kind() == k).findFirst();
    }

    /** Every live clock's deadline worked out again from its start, the priority and the pauses. */
    public TicketLife recompute(ServiceLevels levels) {
        List<SlaClock> cs = new ArrayList<>(clocks.size());
        for (SlaClock c : clocks) {
            cs.add(c.live() ? levels.schedule(c, pauses) : c);
        }
        return new TicketLife(ticketId, source, openedAt, state, ownerId, ownerName, priority, resolvedAt, closedAt,
                autoCloseAt, version, cs, pauses);
    }

    private TicketLife with(TicketState s, Long owner, String name, List<SlaClock> cs, List<Pause> ps) {
        return new TicketLife(ticketId, source, openedAt, s, owner, name, priority, resolvedAt, closedAt, autoCloseAt,
                version, cs, ps);
    }

    private TicketLife unpaused(TicketState s, Instant at, List<Line> lines, ServiceLevels levels) {
        TicketLife l = with(s, ownerId, ownerName, clocks, endPause(pauses, at)).recompute(levels);
        l.clock(ClockKind.RESOLVE).filter(SlaClock::live).ifPresent(c -> lines.add(new Line("CLOCK_RESUMED",
                "resolve: counting again, due " + DeskTime.format(c.dueAt(), levels.time().zone()))));
        return l;
    }

    private static List<Pause> endPause(List<Pause> pauses, Instant at) {
        List<Pause> ps = new ArrayList<>(pauses.size() + 1);
        for (Pause p : pauses) {
            ps.add(p.open() ? p.endedAt(at.isBefore(p.from()) ? p.from() : at) : p);
        }
        return ps;
    }

    private static List<SlaClock> meet(List<SlaClock> cs, ClockKind k, Instant at, List<Line> lines, ServiceLevels levels,
            java.util.function.Predicate<SlaClock> applies) {
        List<SlaClock> out = new ArrayList<>(cs.size());
        for (SlaClock c : cs) {
            if (c.kind() == k && c.live() && applies.test(c)) {
                boolean late = c.dueAt() != null && at.isAfter(c.dueAt());
                lines.add(new Line("CLOCK_MET", k.words() + ": met" + (late ? " late (due "
                        + DeskTime.format(c.dueAt(), levels.time().zone()) + ")" : "")));
                out.add(c.met(at));
            } else {
                out.add(c);
            }
        }
        return out;
    }

    private static Line stateLine(TicketState s, String detail) {
        return new Line(s.name(), s.words() + (blank(detail) ? "" : " (" + detail + ")"));
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    public TicketLife withVersion(long v) {
        return new TicketLife(ticketId, source, openedAt, state, ownerId, ownerName, priority, resolvedAt, closedAt,
                autoCloseAt, v, clocks, pauses);
    }
}

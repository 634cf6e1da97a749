package org.pagerline.adapter.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.pagerline.core.ticket.ClockKind;
import org.pagerline.core.ticket.Pause;
import org.pagerline.core.ticket.Priority;
import org.pagerline.core.ticket.SlaClock;
import org.pagerline.core.ticket.Ticket;
import org.pagerline.core.ticket.TicketEvent;
import org.pagerline.core.ticket.TicketLife;
import org.pagerline.core.ticket.TicketSource;
import org.pagerline.core.ticket.TicketState;
import org.pagerline.core.ticket.TicketStatus;
import org.pagerline.core.ticket.TicketStore;

final class JdbcTicketStore implements TicketStore {
    private static final String COLS = "id, opened_at, updated_at, status, source, priority, caller_number, caller_name,"
            + " company, callback_number, summary";
    private static final String LIFE_COLS = "id, source, opened_at, state, owner_id, owner_name, priority, life_priority,"
            + " resolved_at, closed_at, auto_close_at, version";
    private static final String CLOCK_COLS = "ticket_id, clock, started_at, priority, promise_seconds, due_at, warn_at,"
            + " met_at, warned_at, breached_at, stopped_at";
    /** The clocks of the tickets {@link #ofTickets} names. */
    static final String CLOCKS = "SELECT " + CLOCK_COLS + " FROM ticket_clocks";
    private final Jdbc db;

    JdbcTicketStore(Jdbc db) {
        this.db = db;
    }

    private static Ticket row(ResultSet rs) throws SQLException {
        String p = rs.getString("priority");
        return new Ticket(rs.getLong("id"), Jdbc.instant(rs, "opened_at"), Jdbc.instant(rs, "updated_at"),
                TicketStatus.valueOf(rs.getString("status")), TicketSource.valueOf(rs.getString("source")),
                p == null ? null : Priority.valueOf(p), rs.getString("caller_number"), rs.getString("caller_name"),
                rs.getString("company"), rs.getString("callback_number"), rs.getString("summary"));
    }

    @Override
    public Ticket insert(Ticket t) {
        long id = db.insert("INSERT INTO tickets (opened_at, updated_at, status, source, priority, caller_number,"
                        + " caller_name, company, callback_number, summary) VALUES (?,?,?,?,?,?,?,?,?,?)",
                t.openedAt(), t.updatedAt(), t.status(), t.source(), t.priority(), t.callerNumber(), t.callerName(),
                t.company(), t.callbackNumber(), t.summary());
        db.timeline().setTo(id, t.updatedAt());
        db.insertedTicket(id);
        // as a read-back would return it (the columns keep microseconds), without the read
        return new Ticket(id, micros(t.openedAt()), micros(t.updatedAt()), t.status(), t.source(), t.priority(),
                t.callerNumber(), t.callerName(), t.company(), t.callbackNumber(), t.summary());
    }

    /** As the columns keep it: to the microsecond, rounded half up (H2 and PostgreSQL's driver both round). */
    private static Instant micros(Instant at) {
        if (at == null) {
            return null;
        }
        Instant down = at.truncatedTo(java.time.temporal.ChronoUnit.MICROS);
        return at.getNano() % 1000 >= 500 ? down.plusNanos(1000) : down;
    }

    /**
     * Saves the ticket's facts. A priority another path sets here (the support line's menu) or a
     * close (an incident resolved) is picked up by the ticket's life: the engine looks at the
     * ticket at once ({@code sla_check_at}) and its clocks follow.
     */
    @Override
    public void update(Ticket t) {
        db.lockTicket(t.id());
        db.update(UPDATE, t.priority(), t.status(), t.updatedAt(), t.updatedAt(), t.status(), t.source(), t.priority(),
                t.callerNumber(), t.callerName(), t.company(), t.callbackNumber(), t.summary(), t.id());
        db.timeline().setTo(t.id(), t.updatedAt());
        if (t.status() == TicketStatus.CLOSED) {
            db.update("UPDATE tickets SET state='CLOSED', closed_at=?, auto_close_at=NULL WHERE id=? AND state<>'CLOSED'",
                    t.updatedAt(), t.id());
        }
    }

    /**
     * The ticket's facts in one statement, read nowhere first: when its priority or status moves,
     * {@code sla_check_at} moves to the change's instant in the same row write (the CASE reads the
     * row as it was, in H2 as in PostgreSQL). It was a read of the ticket, this update and a second
     * one, in the commit an urgent caller waits for. It moves the ticket's version, as a save of its
     * life does: a life read before it (the clock engine's pass, a technician taking the ticket) is
     * not saved over a close or a priority set here, but read again.
     */
    static final String UPDATE = "UPDATE tickets SET"
            + " sla_check_at=CASE WHEN priority IS DISTINCT FROM ? OR status<>? THEN ? ELSE sla_check_at END,"
            + " updated_at=?, status=?, source=?, priority=?, caller_number=?, caller_name=?, company=?, callback_number=?,"
            + " summary=?, version=version+1 WHERE id=?";

    @Override
    public Optional<Ticket> find(long id) {
        // as if the transaction's touches were written: they only move updated_at forward
        Optional<Instant> touch = db.unwrittenTouch(id);
        return db.oneTicketAsItIs(FIND, JdbcTicketStore::row, id)
                .map(t -> touch.isPresent() && touch.get().isAfter(t.updatedAt()) ? t.touchedAt(touch.get()) : t);
    }

    private static final String FIND = "SELECT " + COLS + " FROM tickets WHERE id=?";

    /**
     * The caller's open ticket to reuse, read through tickets_caller (caller_number, status): the
     * caller's open tickets only (one or two), never their closed ones or the lines' churn (V22).
     */
    static final String OPEN_BY_CALLER = "SELECT " + COLS + " FROM tickets WHERE caller_number=? AND status='OPEN'"
            + " AND updated_at>=? ORDER BY updated_at DESC, id DESC";

    /** A ticket's timeline, read by its ticket (on H2 through the foreign key's own index, V23). */
    static final String TIMELINE = "SELECT id, ticket_id, occurred_at, kind, detail FROM ticket_events WHERE ticket_id=?"
            + " ORDER BY occurred_at, id";

    @Override
    public Optional<Ticket> findOpenByCaller(String callerNumber, Instant since) {
        return db.one(OPEN_BY_CALLER, JdbcTicketStore::row, callerNumber, since);
    }

    @Override
    public List<Ticket> list(int limit) {
        return db.list("SELECT " + COLS + " FROM tickets ORDER BY id DESC FETCH FIRST " + Math.max(1, limit)
                + " ROWS ONLY", JdbcTicketStore::row);
    }

    @Override
    public void addEvent(long ticketId, Instant at, String kind, String detail) {
        db.lockTicket(ticketId); // the line's touch
        db.timeline().add(ticketId, at, kind, detail, true);
    }

    @Override
    public void addEvents(long ticketId, List<TicketEvent> lines) {
        if (!lines.isEmpty()) {
            db.lockTicket(ticketId); // the lines' touch
        }
        for (TicketEvent e : lines) {
            db.timeline().add(ticketId, e.at(), e.kind(), e.detail(), true);
        }
    }

    @Override
    public void addEvents(List<TicketEvent> events) {
        for (TicketEvent e : events) {
            db.timeline().add(e.ticketId(), e.at(), e.kind(), e.detail(), false);
        }
    }

    @Override
    public List<TicketEvent> events(long ticketId) {
        return db.list(TIMELINE,
                rs -> new TicketEvent(rs.getLong("id"), rs.getLong("ticket_id"), Jdbc.instant(rs, "occurred_at"),
                        rs.getString("kind"), rs.getString("detail")), ticketId);
    }

    // ---- life ----

    private record LifeRow(long id, TicketSource source, Instant openedAt, TicketState state, Long ownerId,
            String ownerName, Priority priority, Priority rowPriority, Instant resolvedAt, Instant closedAt,
            Instant autoCloseAt, long version) {
        TicketLife with(List<SlaClock> clocks, List<Pause> pauses) {
            return new TicketLife(id, source, openedAt, state, ownerId, ownerName, priority, resolvedAt, closedAt,
                    autoCloseAt, version, clocks, pauses, rowPriority);
        }
    }

    private static LifeRow lifeRow(ResultSet rs) throws SQLException {
        String p = rs.getString("priority");
        String lp = rs.getString("life_priority");
        return new LifeRow(rs.getLong("id"), TicketSource.valueOf(rs.getString("source")), Jdbc.instant(rs, "opened_at"),
                TicketState.valueOf(rs.getString("state")), Jdbc.nullableLong(rs, "owner_id"), rs.getString("owner_name"),
                lp == null ? null : Priority.valueOf(lp), p == null ? null : Priority.valueOf(p), Jdbc.instant(rs, "resolved_at"), Jdbc.instant(rs, "closed_at"),
                Jdbc.instant(rs, "auto_close_at"), rs.getLong("version"));
    }

    private static SlaClock clockRow(ResultSet rs) throws SQLException {
        String p = rs.getString("priority");
        Long promise = Jdbc.nullableLong(rs, "promise_seconds");
        return new SlaClock(ClockKind.valueOf(rs.getString("clock")), Jdbc.instant(rs, "started_at"),
                p == null ? null : Priority.valueOf(p), promise == null ? null : Duration.ofSeconds(promise),
                Jdbc.instant(rs, "due_at"), Jdbc.instant(rs, "warn_at"), Jdbc.instant(rs, "met_at"),
                Jdbc.instant(rs, "warned_at"), Jdbc.instant(rs, "breached_at"), Jdbc.instant(rs, "stopped_at"));
    }

    private static Pause pauseRow(ResultSet rs) throws SQLException {
        return new Pause(Jdbc.instant(rs, "paused_at"), Jdbc.instant(rs, "resumed_at"), rs.getString("reason"));
    }

    @Override
    public Optional<TicketLife> life(long ticketId) {
        Optional<LifeRow> r = db.one("SELECT " + LIFE_COLS + " FROM tickets WHERE id=?", JdbcTicketStore::lifeRow, ticketId);
        if (r.isEmpty()) {
            return Optional.empty();
        }
        List<SlaClock> clocks = new ArrayList<>(db.list("SELECT " + CLOCK_COLS + " FROM ticket_clocks WHERE ticket_id=?",
                JdbcTicketStore::clockRow, ticketId));
        clocks.sort(java.util.Comparator.comparing(SlaClock::kind));
        List<Pause> pauses = db.list("SELECT paused_at, resumed_at, reason FROM ticket_pauses WHERE ticket_id=?"
                + " ORDER BY paused_at", JdbcTicketStore::pauseRow, ticketId);
        return Optional.of(r.get().with(clocks, pauses));
    }

    @Override
    public boolean saveLife(TicketLife l, Instant nextCheck, Instant at) {
        return saveLife(null, l, nextCheck, at);
    }

    @Override
    public boolean saveLife(TicketLife before, TicketLife l, Instant nextCheck, Instant at) {
        db.lockTicket(l.ticketId());
        int n = db.update("UPDATE tickets SET state=?, status=?, owner_id=?, owner_name=?, priority=?, life_priority=?, resolved_at=?,"
                        + " closed_at=?, auto_close_at=?, sla_check_at=?, version=version+1,"
                        + " " + TimelineLines.MOVE_UPDATED_AT + " WHERE id=? AND version=?",
                l.state(), l.state() == TicketState.CLOSED ? TicketStatus.CLOSED : TicketStatus.OPEN, l.ownerId(),
                l.ownerName(), l.priority(), l.priority(), l.resolvedAt(), l.closedAt(), l.autoCloseAt(), nextCheck, at, at,
                l.ticketId(), l.version());
        if (n == 0) {
            return false;
        }
        db.timeline().movedTo(l.ticketId(), at);
        if (before == null) {
            db.update("DELETE FROM ticket_clocks WHERE ticket_id=?", l.ticketId());
            insertClocks(l.ticketId(), l.clocks());
        } else {
            saveChangedClocks(before, l);
        }
        if (before == null || !before.pauses().equals(l.pauses())) {
            db.update("DELETE FROM ticket_pauses WHERE ticket_id=?", l.ticketId());
            List<Object[]> ps = new ArrayList<>();
            for (Pause p : l.pauses()) {
                ps.add(new Object[] {l.ticketId(), p.from(), p.until(), p.reason()});
            }
            if (!ps.isEmpty()) {
                db.batch("INSERT INTO ticket_pauses (ticket_id, paused_at, resumed_at, reason) VALUES (?,?,?,?)", ps);
            }
        }
        return true;
    }

    /**
     * The clocks of {@code after} that differ from {@code before}'s (read in this transaction, and
     * still the rows: the compare-and-set on the ticket's version held), each written in its row:
     * a call-back promise on an urgent voicemail changes one clock of three, and deleting and
     * inserting all three rewrote the table's and its key's pages in every commit.
     */
    private void saveChangedClocks(TicketLife before, TicketLife after) {
        List<SlaClock> added = new ArrayList<>();
        List<Object[]> changed = new ArrayList<>();
        for (SlaClock c : after.clocks()) {
            Optional<SlaClock> was = before.clock(c.kind());
            if (was.isEmpty()) {
                added.add(c);
            } else if (!was.get().equals(c)) {
                changed.add(new Object[] {c.state(), c.startedAt(), c.priority(), c.promise() == null ? null : c.promise().toSeconds(),
                    c.dueAt(), c.warnAt(), c.metAt(), c.warnedAt(), c.breachedAt(), c.stoppedAt(), after.ticketId(), c.kind()});
            }
        }
        List<Object[]> gone = new ArrayList<>();
        for (SlaClock c : before.clocks()) {
            if (after.clock(c.kind()).isEmpty()) {
                gone.add(new Object[] {after.ticketId(), c.kind()});
            }
        }
        if (!gone.isEmpty()) {
            eachOneRow(after.ticketId(), db.batchCounts("DELETE FROM ticket_clocks WHERE ticket_id=? AND clock=?", gone));
        }
        if (!changed.isEmpty()) {
            eachOneRow(after.ticketId(), db.batchCounts("UPDATE ticket_clocks SET clock_state=?, started_at=?, priority=?,"
                    + " promise_seconds=?, due_at=?, warn_at=?, met_at=?, warned_at=?, breached_at=?, stopped_at=?"
                    + " WHERE ticket_id=? AND clock=?", changed));
        }
        insertClocks(after.ticketId(), added);
    }

    /**
     * Each statement of a clock save found its row: the clocks were as read (every writer of them
     * moves the ticket's version, which the save's compare-and-set checked). Otherwise nothing of
     * the save may stand: the piece fails, rather than leave clocks the life does not have.
     */
    private static void eachOneRow(long ticketId, int[] counts) {
        for (int n : counts) {
            if (n != 1) {
                throw new IllegalStateException("ticket " + ticketId + ": its clocks were not as read; the save is undone");
            }
        }
    }

    private void insertClocks(long ticketId, List<SlaClock> clocks) {
        List<Object[]> rows = new ArrayList<>();
        for (SlaClock c : clocks) {
            rows.add(new Object[] {ticketId, c.kind(), c.state(), c.startedAt(), c.priority(),
                c.promise() == null ? null : c.promise().toSeconds(), c.dueAt(), c.warnAt(), c.metAt(), c.warnedAt(),
                c.breachedAt(), c.stoppedAt()});
        }
        if (!rows.isEmpty()) {
            // one statement for a new ticket's three clocks, not a JDBC batch (which H2 runs row by row)
            db.insertRows(INSERT_CLOCKS, rows);
        }
    }

    private static final String INSERT_CLOCKS = "INSERT INTO ticket_clocks (ticket_id, clock, clock_state, started_at,"
            + " priority, promise_seconds, due_at, warn_at, met_at, warned_at, breached_at, stopped_at)";

    @Override
    public boolean saveClocks(TicketLife l, Instant nextCheck) {
        if (db.update("UPDATE tickets SET sla_check_at=?, version=version+1 WHERE id=? AND version=?", nextCheck,
                l.ticketId(), l.version()) == 0) {
            return false;
        }
        List<Object[]> rows = new ArrayList<>();
        for (SlaClock c : l.clocks()) {
            rows.add(new Object[] {c.state(), c.priority(), c.dueAt(), c.warnAt(), c.metAt(), c.warnedAt(), c.breachedAt(),
                c.stoppedAt(), l.ticketId(), c.kind()});
        }
        if (!rows.isEmpty()) {
            db.batch("UPDATE ticket_clocks SET clock_state=?, priority=?, due_at=?, warn_at=?, met_at=?, warned_at=?,"
                    + " breached_at=?, stopped_at=? WHERE ticket_id=? AND clock=?", rows);
        }
        return true;
    }

    @Override
    public List<Long> saveClocks(List<ClockSave> saves) {
        // in id order: two passes (two nodes) locking the same rows lock them in the same order
        List<ClockSave> sorted = new ArrayList<>(saves);
        sorted.sort(java.util.Comparator.comparingLong(c -> c.before().ticketId()));
        List<ClockSave> touched = new ArrayList<>();
        List<ClockSave> quiet = new ArrayList<>();
        for (ClockSave c : sorted) {
            (c.touchedAt() == null ? quiet : touched).add(c);
        }
        java.util.Set<Long> missed = new java.util.HashSet<>();
        List<Object[]> rows = new ArrayList<>();
        for (ClockSave c : touched) {
            rows.add(new Object[] {c.nextCheck(), c.touchedAt(), c.touchedAt(), c.before().ticketId(), c.before().version()});
        }
        if (!rows.isEmpty()) {
            int[] n = db.batchCounts("UPDATE tickets SET sla_check_at=?, version=version+1,"
                    + " " + TimelineLines.MOVE_UPDATED_AT + " WHERE id=? AND version=?", rows);
            for (int i = 0; i < n.length; i++) {
                if (n[i] == 0) {
                    missed.add(touched.get(i).before().ticketId());
                } else {
                    db.timeline().movedTo(touched.get(i).before().ticketId(), touched.get(i).touchedAt());
                }
            }
        }
        rows = new ArrayList<>();
        for (ClockSave c : quiet) {
            rows.add(new Object[] {c.nextCheck(), c.before().ticketId(), c.before().version()});
        }
        if (!rows.isEmpty()) {
            int[] n = db.batchCounts("UPDATE tickets SET sla_check_at=?, version=version+1 WHERE id=? AND version=?", rows);
            for (int i = 0; i < n.length; i++) {
                if (n[i] == 0) {
                    missed.add(quiet.get(i).before().ticketId());
                }
            }
        }
        List<Object[]> clocks = new ArrayList<>();
        for (ClockSave c : sorted) {
            if (missed.contains(c.before().ticketId())) {
                continue;
            }
            for (SlaClock k : c.after().clocks()) {
                if (!c.before().clock(k.kind()).equals(Optional.of(k))) {
                    clocks.add(new Object[] {k.state(), k.priority(), k.dueAt(), k.warnAt(), k.metAt(), k.warnedAt(),
                        k.breachedAt(), k.stoppedAt(), c.after().ticketId(), k.kind()});
                }
            }
        }
        if (!clocks.isEmpty()) {
            db.batch("UPDATE ticket_clocks SET clock_state=?, priority=?, due_at=?, warn_at=?, met_at=?, warned_at=?,"
                    + " breached_at=?, stopped_at=? WHERE ticket_id=? AND clock=?", clocks);
        }
        List<Long> out = new ArrayList<>();
        for (ClockSave c : saves) {
            if (missed.contains(c.before().ticketId())) {
                out.add(c.before().ticketId());
            }
        }
        return out;
    }

    @Override
    public List<Long> claimClockDue(Instant now, int limit) {
        return db.list(CLOCK_DUE + " ORDER BY sla_check_at, id FETCH FIRST " + Math.max(1, limit)
                + " ROWS ONLY FOR UPDATE SKIP LOCKED", rs -> rs.getLong(1), Jdbc.EARLIEST, now);
    }

    @Override
    public Map<Long, Ticket> findAll(java.util.Collection<Long> ids) {
        Map<Long, Ticket> out = new HashMap<>();
        if (ids.isEmpty()) {
            return out;
        }
        for (Ticket t : db.list("SELECT " + COLS + " FROM tickets WHERE id IN (" + Jdbc.idList(ids) + ")",
                JdbcTicketStore::row)) {
            out.put(t.id(), t);
        }
        return out;
    }

    @Override
    public List<TicketLife> lives(List<Long> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        return lives(byIds(ids), "id", Integer.MAX_VALUE, true);
    }

    /** The condition on {@code tickets} naming these ids. */
    static String byIds(List<Long> ids) {
        return "id IN (" + Jdbc.idList(ids) + ")";
    }

    @Override
    public List<TicketLife> livesNotClosed() {
        return lives("state<>'CLOSED'", "id", Integer.MAX_VALUE, false);
    }

    @Override
    public List<TicketLife> openLives(int limit) {
        return lives("state NOT IN ('RESOLVED','CLOSED')", "opened_at, id", limit, true);
    }

    /**
     * The condition on {@code ticket_id} that names the tickets read: by their ids, or (ids null) every
     * ticket {@code where} matches, as a subquery.
     */
    static String ofTickets(String where, List<Long> ids) {
        return ids == null ? " WHERE ticket_id IN (SELECT id FROM tickets WHERE " + where + ")"
                : " WHERE ticket_id IN (" + Jdbc.idList(ids) + ")";
    }

    /** {@code byRowsRead}: the clocks and pauses of the rows read, named; else of every ticket {@code where} matches. */
    private List<TicketLife> lives(String where, String order, int limit, boolean byRowsRead) {
        List<LifeRow> rows = db.list("SELECT " + LIFE_COLS + " FROM tickets WHERE " + where + " ORDER BY " + order
                + (limit == Integer.MAX_VALUE ? "" : " FETCH FIRST " + Math.max(1, limit) + " ROWS ONLY"), JdbcTicketStore::lifeRow);
        if (rows.isEmpty()) {
            return List.of();
        }
        Map<Long, List<SlaClock>> clocks = new HashMap<>();
        Map<Long, List<Pause>> pauses = new HashMap<>();
        // every matching ticket's clocks when all are read (the holiday recompute: too many to name); else the
        // rows read, by their ids: the queue's first 200 of 10,000 open tickets must not read 30,000 clocks, and
        // a clock pass's batch is not asked for again as a subquery, which H2 runs again for every clock row
        // whenever another session committed meanwhile (under load, always: most of the clock pass's CPU at
        // 500 urgent callers)
        String in = ofTickets(where, byRowsRead ? rows.stream().map(LifeRow::id).toList() : null);
        db.list(CLOCKS + in, rs -> {
            clocks.computeIfAbsent(rs.getLong("ticket_id"), k -> new ArrayList<>()).add(clockRow(rs));
            return null;
        });
        db.list("SELECT ticket_id, paused_at, resumed_at, reason FROM ticket_pauses" + in + " ORDER BY paused_at", rs -> {
            pauses.computeIfAbsent(rs.getLong("ticket_id"), k -> new ArrayList<>()).add(pauseRow(rs));
            return null;
        });
        List<TicketLife> out = new ArrayList<>(rows.size());
        for (LifeRow r : rows) {
            List<SlaClock> cs = clocks.getOrDefault(r.id(), new ArrayList<>());
            cs.sort(java.util.Comparator.comparing(SlaClock::kind));
            out.add(r.with(cs, pauses.getOrDefault(r.id(), List.of())));
        }
        return out;
    }

    @Override
    public List<Long> clockDue(Instant now, int limit) {
        return db.list(CLOCK_DUE + " ORDER BY sla_check_at FETCH FIRST " + Math.max(1, limit) + " ROWS ONLY",
                rs -> rs.getLong(1), Jdbc.EARLIEST, now);
    }

    @Override
    public Optional<Instant> nextClockCheck() {
        return db.list(NEXT_CLOCK_CHECK, rs -> Jdbc.instant(rs, "sla_check_at"), Jdbc.EARLIEST).stream().findFirst();
    }

    /** Tickets whose clocks are due (from {@link Jdbc#EARLIEST}, to now): never the NULLs of closed tickets. */
    static final String CLOCK_DUE = "SELECT id FROM tickets WHERE sla_check_at>=? AND sla_check_at<=?";
    /** The first clock check (a MIN() would read the NULLs first, as {@link #CLOCK_DUE} without its lower bound). */
    static final String NEXT_CLOCK_CHECK = "SELECT sla_check_at FROM tickets WHERE sla_check_at>=?"
            + " ORDER BY sla_check_at FETCH FIRST 1 ROW ONLY";

    @Override
    public void addPriorityChange(long ticketId, Instant at, Priority from, Priority to, String by, String why) {
        db.lockTicket(ticketId); // first: on PostgreSQL the insert's key check would wait for a ticket held FOR UPDATE
        db.insert("INSERT INTO ticket_priority_changes (ticket_id, changed_at, old_priority, new_priority, changed_by,"
                + " reason) VALUES (?,?,?,?,?,?)", ticketId, at, from, to, cut(by, 200), cut(why, 500));
    }

    @Override
    public List<PriorityChangeRecord> priorityChanges(long ticketId) {
        return db.list("SELECT changed_at, old_priority, new_priority, changed_by, reason FROM ticket_priority_changes"
                + " WHERE ticket_id=? ORDER BY changed_at, id", rs -> {
                    String from = rs.getString("old_priority");
                    return new PriorityChangeRecord(Jdbc.instant(rs, "changed_at"), from == null ? null : Priority.valueOf(from),
                            Priority.valueOf(rs.getString("new_priority")), rs.getString("changed_by"), rs.getString("reason"));
                }, ticketId);
    }

    @Override
    public void setRequesterEmail(long ticketId, String email) {
        db.lockTicket(ticketId);
        db.update("UPDATE tickets SET requester_email=? WHERE id=?", email, ticketId);
    }

    @Override
    public Optional<String> requesterEmail(long ticketId) {
        return db.list("SELECT requester_email FROM tickets WHERE id=?", rs -> rs.getString(1), ticketId)
                .stream().filter(java.util.Objects::nonNull).findFirst();
    }

    private static String cut(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max - 3) + "...";
    }
}

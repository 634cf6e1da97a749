package org.pagerline.adapter.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.pagerline.core.ticket.Priority;
import org.pagerline.core.ticket.Ticket;
import org.pagerline.core.ticket.TicketEvent;
import org.pagerline.core.ticket.TicketSource;
import org.pagerline.core.ticket.TicketStatus;
import org.pagerline.core.ticket.TicketStore;

final class JdbcTicketStore implements TicketStore {
    private static final String COLS = "id, opened_at, updated_at, status, source, priority, caller_number, caller_name,"
            + " company, callback_number, summary";
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
        return find(id).orElseThrow();
    }

    @Override
    public void update(Ticket t) {
        db.update("UPDATE tickets SET updated_at=?, status=?, source=?, priority=?, caller_number=?, caller_name=?,"
                        + " company=?, callback_number=?, summary=? WHERE id=?",
                t.updatedAt(), t.status(), t.source(), t.priority(), t.callerNumber(), t.callerName(), t.company(),
                t.callbackNumber(), t.summary(), t.id());
    }

    @Override
    public Optional<Ticket> find(long id) {
        return db.one("SELECT " + COLS + " FROM tickets WHERE id=?", JdbcTicketStore::row, id);
    }

    @Override
    public Optional<Ticket> findOpenByCaller(String callerNumber, Instant since) {
        return db.one("SELECT " + COLS + " FROM tickets WHERE caller_number=? AND status='OPEN' AND updated_at>=?"
                + " ORDER BY updated_at DESC, id DESC", JdbcTicketStore::row, callerNumber, since);
    }

    @Override
    public List<Ticket> list(int limit) {
        return db.list("SELECT " + COLS + " FROM tickets ORDER BY id DESC FETCH FIRST " + Math.max(1, limit)
                + " ROWS ONLY", JdbcTicketStore::row);
    }

    @Override
    public TicketEvent addEvent(long ticketId, Instant at, String kind, String detail) {
        String d = detail == null ? "" : detail.length() > 2000 ? detail.substring(0, 1997) + "..." : detail;
        long id = db.insert("INSERT INTO ticket_events (ticket_id, occurred_at, kind, detail) VALUES (?,?,?,?)", ticketId, at, kind, d);
        db.update("UPDATE tickets SET updated_at=? WHERE id=? AND updated_at<?", at, ticketId, at);
        return new TicketEvent(id, ticketId, at, kind, d);
    }

    @Override
    public void addEvents(long ticketId, List<TicketEvent> lines) {
        if (lines.isEmpty()) {
            return;
        }
        Instant newest = lines.get(0).at();
        List<Object[]> rows = new java.util.ArrayList<>(lines.size());
        for (TicketEvent e : lines) {
            String d = e.detail().length() > 2000 ? e.detail().substring(0, 1997) + "..." : e.detail();
            rows.add(new Object[] {ticketId, e.at(), e.kind(), d});
            newest = e.at().isAfter(newest) ? e.at() : newest;
        }
        db.batch("INSERT INTO ticket_events (ticket_id, occurred_at, kind, detail) VALUES (?,?,?,?)", rows);
        db.update("UPDATE tickets SET updated_at=? WHERE id=? AND updated_at<?", newest, ticketId, newest);
    }

    @Override
    public List<TicketEvent> events(long ticketId) {
        return db.list("SELECT id, ticket_id, occurred_at, kind, detail FROM ticket_events WHERE ticket_id=? ORDER BY id",
                rs -> new TicketEvent(rs.getLong("id"), rs.getLong("ticket_id"), Jdbc.instant(rs, "occurred_at"),
                        rs.getString("kind"), rs.getString("detail")), ticketId);
    }
}

package org.pagerline.adapter.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.pagerline.core.incident.Incident;
import org.pagerline.core.incident.IncidentState;
import org.pagerline.core.incident.IncidentStore;
import org.pagerline.core.ticket.Priority;

final class JdbcIncidentStore implements IncidentStore {
    private static final String COLS = "id, ticket_id, state, priority, caller_number, caller_name, company, callback_number,"
            + " recording, opened_at, next_step, cycle_no, next_escalation_at, callback_due_at, respond_by, sla_check_at,"
            + " sla_stage, owner_id, owner_name, acknowledged_at, called_back_at, resolved_at, version";
    private final Jdbc db;

    JdbcIncidentStore(Jdbc db) {
        this.db = db;
    }

    private static Incident row(ResultSet rs) throws SQLException {
        String p = rs.getString("priority");
        Long ownerId = Jdbc.nullableLong(rs, "owner_id");
        return new Incident(rs.getLong("id"), rs.getLong("ticket_id"), rs.getLong("version"),
                IncidentState.valueOf(rs.getString("state")), p == null ? null : Priority.valueOf(p),
                new Incident.Caller(rs.getString("caller_number"), rs.getString("caller_name"), rs.getString("company"),
                        rs.getString("callback_number"), rs.getString("recording")),
                new Incident.Escalation(rs.getInt("next_step"), rs.getInt("cycle_no"), Jdbc.instant(rs, "next_escalation_at")),
                new Incident.Deadlines(Jdbc.instant(rs, "callback_due_at"), Jdbc.instant(rs, "respond_by"),
                        Jdbc.instant(rs, "sla_check_at"), rs.getInt("sla_stage")),
                ownerId == null ? null : new Incident.Owner(ownerId, rs.getString("owner_name")),
                new Incident.Times(Jdbc.instant(rs, "opened_at"), Jdbc.instant(rs, "acknowledged_at"),
                        Jdbc.instant(rs, "called_back_at"), Jdbc.instant(rs, "resolved_at")));
    }

    @Override
    public Incident insert(Incident i) {
        long id = db.insert("INSERT INTO incidents (ticket_id, state, priority, caller_number, caller_name, company,"
                        + " callback_number, recording, opened_at, next_step, cycle_no, next_escalation_at, callback_due_at,"
                        + " respond_by, sla_check_at, sla_stage) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                i.ticketId(), i.state(), i.priority(), i.callerNumber(), i.callerName(), i.company(), i.callbackNumber(),
                i.recording(), i.openedAt(), i.nextStep(), i.cycle(), i.nextEscalationAt(), i.callbackDueAt(),
                i.respondBy(), i.slaCheckAt(), i.slaStage());
        return i.edit().id(id).build();
    }

    @Override
    public Optional<Incident> find(long id) {
        return db.one("SELECT " + COLS + " FROM incidents WHERE id=?", JdbcIncidentStore::row, id);
    }

    @Override
    public Optional<Incident> awaitingCallbackOnTicket(long ticketId) {
        return db.one("SELECT " + COLS + " FROM incidents WHERE ticket_id=? AND state IN ('OPEN','ACKNOWLEDGED')"
                + " ORDER BY id DESC", JdbcIncidentStore::row, ticketId);
    }

    @Override
    public boolean openedOnTicketSince(long ticketId, java.time.Instant since) {
        return db.one("SELECT id FROM incidents WHERE ticket_id=? AND opened_at>=? FETCH FIRST 1 ROWS ONLY",
                rs -> rs.getLong(1), ticketId, since).isPresent();
    }

    @Override
    public java.util.Set<Long> ticketsWithIncidentRespondBy(java.util.Collection<Long> ticketIds) {
        java.util.Set<Long> out = new java.util.HashSet<>();
        if (ticketIds.isEmpty()) {
            return out;
        }
        db.list("SELECT DISTINCT ticket_id FROM incidents WHERE ticket_id IN (" + Jdbc.idList(ticketIds) + ")"
                + " AND state IN ('OPEN','ACKNOWLEDGED') AND respond_by IS NOT NULL", rs -> out.add(rs.getLong(1)));
        return out;
    }

    @Override
    public List<Long> acknowledgedBy(long ownerId) {
        return db.list("SELECT id FROM incidents WHERE state='ACKNOWLEDGED' AND owner_id=? ORDER BY id DESC",
                rs -> rs.getLong(1), ownerId);
    }

    @Override
    public Optional<Incident> lock(long id) {
        return db.one("SELECT " + COLS + " FROM incidents WHERE id=? FOR UPDATE", JdbcIncidentStore::row, id);
    }

    @Override
    public boolean save(Incident i) {
        db.lockIncident(i.id());
        return db.update("UPDATE incidents SET state=?, priority=?, callback_number=?, recording=?, next_step=?, cycle_no=?,"
                        + " next_escalation_at=?, callback_due_at=?, respond_by=?, sla_check_at=?, sla_stage=?, owner_id=?,"
                        + " owner_name=?, acknowledged_at=?, called_back_at=?, resolved_at=?, version=version+1"
                        + " WHERE id=? AND version=?",
                i.state(), i.priority(), i.callbackNumber(), i.recording(), i.nextStep(), i.cycle(), i.nextEscalationAt(),
                i.callbackDueAt(), i.respondBy(), i.slaCheckAt(), i.slaStage(), i.ownerId(), i.ownerName(),
                i.acknowledgedAt(), i.calledBackAt(), i.resolvedAt(), i.id(), i.version()) == 1;
    }

    @Override
    public Optional<Incident> claimDue(long id, Instant now) {
        return db.one("SELECT " + COLS + " FROM incidents WHERE id=? AND (next_escalation_at<=? OR callback_due_at<=?"
                + " OR sla_check_at<=?) FOR UPDATE SKIP LOCKED", JdbcIncidentStore::row, id, now, now, now);
    }

    @Override
    public List<Long> dueIds(Instant now, int limit) {
        // three indexed range scans rather than one OR that no index serves
        // (each from Jdbc.EARLIEST: never the NULLs of closed incidents)
        return db.list(DUE + " GROUP BY id ORDER BY MIN(due), id FETCH FIRST " + Math.max(1, limit) + " ROWS ONLY",
                rs -> rs.getLong(1), Jdbc.EARLIEST, now, Jdbc.EARLIEST, now, Jdbc.EARLIEST, now);
    }

    @Override
    public Optional<Instant> nextDue() {
        Instant a = min("next_escalation_at");
        Instant b = min("callback_due_at");
        Instant c = min("sla_check_at");
        Instant m = null;
        for (Instant i : new Instant[] {a, b, c}) {
            if (i != null && (m == null || i.isBefore(m))) {
                m = i;
            }
        }
        return Optional.ofNullable(m);
    }

    private Instant min(String col) {
        return db.list(first(col), rs -> Jdbc.instant(rs, col), Jdbc.EARLIEST).stream().findFirst().orElse(null);
    }

    /** The incidents due, by each of their three instants (the lower bound: {@link Jdbc#EARLIEST}). */
    static final String DUE = "SELECT id FROM (SELECT id, next_escalation_at AS due FROM incidents"
            + " WHERE next_escalation_at>=? AND next_escalation_at<=?"
            + " UNION ALL SELECT id, callback_due_at FROM incidents WHERE callback_due_at>=? AND callback_due_at<=?"
            + " UNION ALL SELECT id, sla_check_at FROM incidents WHERE sla_check_at>=? AND sla_check_at<=?) d";

    /** The earliest of an indexed instant (a MIN() would read the NULLs of closed incidents first). */
    static String first(String col) {
        return "SELECT " + col + " FROM incidents WHERE " + col + ">=? ORDER BY " + col + " FETCH FIRST 1 ROW ONLY";
    }

    @Override
    public List<Incident> list(int limit, boolean openOnly) {
        return db.list("SELECT " + COLS + " FROM incidents" + (openOnly ? " WHERE state IN ('OPEN','ACKNOWLEDGED')" : "")
                + " ORDER BY id DESC FETCH FIRST " + Math.max(1, limit) + " ROWS ONLY", JdbcIncidentStore::row);
    }

    @Override
    public Optional<String> policyText() {
        return db.one("SELECT spec FROM escalation_policies WHERE name='default'", rs -> rs.getString(1));
    }

    @Override
    public void savePolicy(String text, Instant at) {
        if (db.update("UPDATE escalation_policies SET spec=?, updated_at=? WHERE name='default'", text, at) == 0) {
            db.update("INSERT INTO escalation_policies (name, spec, updated_at) VALUES ('default',?,?)", text, at);
        }
    }
}

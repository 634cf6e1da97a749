package org.pagerline.adapter.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.pagerline.core.call.CallOutcome;
import org.pagerline.core.call.CallRecord;
import org.pagerline.core.call.CallStep;
import org.pagerline.core.call.CallStore;
import org.pagerline.core.ticket.Priority;

final class JdbcCallStore implements CallStore {
    private static final String COLS = "id, asterisk_uid, ticket_id, caller_id, started_at, ended_at, last_step, outcome,"
            + " accepted_by, answered_by, abandoned_position, waited_seconds, recording";
    private final Jdbc db;

    JdbcCallStore(Jdbc db) {
        this.db = db;
    }

    private static CallRecord row(ResultSet rs) throws SQLException {
        String step = rs.getString("last_step");
        String outcome = rs.getString("outcome");
        int pos = rs.getInt("abandoned_position");
        Integer position = rs.wasNull() ? null : pos;
        return new CallRecord(rs.getLong("id"), rs.getString("asterisk_uid"), rs.getLong("ticket_id"),
                rs.getString("caller_id"), Jdbc.instant(rs, "started_at"), Jdbc.instant(rs, "ended_at"),
                step == null ? null : CallStep.valueOf(step), outcome == null ? null : CallOutcome.valueOf(outcome),
                Jdbc.nullableLong(rs, "accepted_by"), rs.getString("answered_by"), position,
                Jdbc.nullableLong(rs, "waited_seconds"), rs.getString("recording"));
    }

    @Override
    public CallRecord insert(CallRecord c, String serverRun) {
        db.lockTicket(c.ticketId()); // the call names it, and its start's lines touch it
        long id = db.insert("INSERT INTO calls (asterisk_uid, ticket_id, caller_id, started_at, ended_at, last_step,"
                        + " outcome, accepted_by, answered_by, abandoned_position, waited_seconds, recording, server_run)"
                        + " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                c.asteriskUniqueId(), c.ticketId(), c.callerId(), c.startedAt(), c.endedAt(), c.lastStep(), c.outcome(),
                c.acceptedBy(), c.answeredBy(), c.abandonedPosition(), c.waitedSeconds(), c.recording(), serverRun);
        return new CallRecord(id, c.asteriskUniqueId(), c.ticketId(), c.callerId(), c.startedAt(), c.endedAt(),
                c.lastStep(), c.outcome(), c.acceptedBy(), c.answeredBy(), c.abandonedPosition(), c.waitedSeconds(),
                c.recording());
    }

    @Override
    public boolean saveProgress(long callId, CallStep lastStep, String recording, CallOutcome outcome,
            java.time.Instant endedAt, Priority urgentPriority) {
        String row = "last_step=?, recording=COALESCE(?, recording), urgent_priority=COALESCE(?, urgent_priority)";
        if (outcome == null) {
            db.update("UPDATE calls SET " + row + " WHERE id=?", lastStep, recording, urgentPriority, callId);
            return true;
        }
        int n = db.update("UPDATE calls SET " + row + ", outcome=?, ended_at=? WHERE id=? AND outcome IS NULL", lastStep,
                recording, urgentPriority, outcome, endedAt, callId);
        if (n == 0) { // ended before: the first end stands; the step, a recording and a priority still go in
            db.update("UPDATE calls SET " + row + " WHERE id=?", lastStep, recording, urgentPriority, callId);
        }
        return n > 0;
    }

    @Override
    public boolean runSeen(String run, java.time.Instant at) {
        if (db.update("UPDATE server_runs SET seen_at=? WHERE run=?", at, run) > 0) {
            return true;
        }
        db.update("INSERT INTO server_runs (run, seen_at) VALUES (?,?)", run, at);
        return false;
    }

    @Override
    public List<String> runsSilentSince(java.time.Instant before, String except) {
        return db.list("SELECT run FROM server_runs WHERE seen_at<? AND run<>? ORDER BY seen_at", rs -> rs.getString(1),
                before, except);
    }

    @Override
    public boolean claimSilentRun(String run, java.time.Instant before, java.time.Instant now) {
        return db.update("UPDATE server_runs SET seen_at=? WHERE run=? AND seen_at<?", now, run, before) > 0;
    }

    @Override
    public void forgetClaimedRun(String run, java.time.Instant claimedAt) {
        db.update("DELETE FROM server_runs WHERE run=? AND seen_at=?", run, claimedAt);
    }

    @Override
    public void forgetRuns(String runPrefix, String except) {
        String sql = "DELETE FROM server_runs WHERE SUBSTRING(run FROM 1 FOR " + runPrefix.length() + ")=?";
        if (except == null) {
            db.update(sql, runPrefix);
        } else {
            db.update(sql + " AND run<>?", runPrefix, except);
        }
    }

    @Override
    public Optional<Priority> urgentPriority(long callId) {
        return db.one("SELECT urgent_priority FROM calls WHERE id=? AND urgent_priority IS NOT NULL AND accepted_by IS NULL",
                rs -> Priority.valueOf(rs.getString(1)), callId);
    }

    @Override
    public boolean accept(long callId, long technicianId) {
        return db.update("UPDATE calls SET accepted_by=? WHERE id=? AND accepted_by IS NULL AND outcome IS NULL",
                technicianId, callId) > 0;
    }

    @Override
    public boolean withdrawAccept(long callId, long technicianId) {
        return db.update("UPDATE calls SET accepted_by=NULL WHERE id=? AND accepted_by=? AND outcome IS NULL",
                callId, technicianId) > 0;
    }

    @Override
    public List<CallRecord> unfinished(String runPrefix, String except) {
        String sql = unfinishedSql(runPrefix.length(), except != null);
        return except == null ? db.list(sql, JdbcCallStore::row, runPrefix)
                : db.list(sql, JdbcCallStore::row, runPrefix, except);
    }

    /**
     * The live calls of the runs whose name starts with a prefix of this length (less one run):
     * read through calls_live (outcome), the live calls only, never the ended ones (V22).
     */
    static String unfinishedSql(int prefixLength, boolean exceptOne) {
        return "SELECT " + COLS + " FROM calls WHERE outcome IS NULL AND SUBSTRING(server_run FROM 1 FOR " + prefixLength
                + ")=?" + (exceptOne ? " AND server_run<>?" : "") + " ORDER BY id";
    }

    @Override
    public void update(CallRecord c) {
        db.update("UPDATE calls SET caller_id=?, ended_at=?, last_step=?, outcome=?, accepted_by=?, recording=?"
                        + " WHERE id=?",
                c.callerId(), c.endedAt(), c.lastStep(), c.outcome(), c.acceptedBy(), c.recording(), c.id());
    }

    @Override
    public void recordQueue(long callId, String answeredBy, Integer abandonedPosition, Long waitedSeconds) {
        db.update("UPDATE calls SET answered_by=?, abandoned_position=?, waited_seconds=? WHERE id=?",
                answeredBy, abandonedPosition, waitedSeconds, callId);
    }

    @Override
    public boolean takeFallback(long callId, String recording) {
        return db.update("UPDATE calls SET fallback_recording=?, recording=COALESCE(recording, ?) WHERE id=?"
                + " AND fallback_recording IS NULL", recording, recording, callId) > 0;
    }

    @Override
    public boolean awaitsFallback(String uid) {
        return db.one("SELECT id FROM calls WHERE asterisk_uid=? AND fallback_recording IS NULL"
                + " AND outcome IN ('CUT_OFF','FAILED')", rs -> rs.getLong(1), uid).isPresent();
    }

    @Override
    public Optional<CallRecord> find(long id) {
        return db.one("SELECT " + COLS + " FROM calls WHERE id=?", JdbcCallStore::row, id);
    }

    @Override
    public Optional<CallRecord> findByUniqueId(String uid) {
        return db.one("SELECT " + COLS + " FROM calls WHERE asterisk_uid=?", JdbcCallStore::row, uid);
    }

    @Override
    public List<CallRecord> forTicket(long ticketId) {
        return db.list("SELECT " + COLS + " FROM calls WHERE ticket_id=? ORDER BY id", JdbcCallStore::row, ticketId);
    }
}

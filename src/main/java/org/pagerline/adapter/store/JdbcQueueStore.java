package org.pagerline.adapter.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.pagerline.core.queue.QueueMember;
import org.pagerline.core.queue.QueueStore;
import org.pagerline.core.queue.WaitingCaller;

/** Queue sign-ins and the live queue view, in the caller's transaction. */
final class JdbcQueueStore implements QueueStore {
    private static final String CALLER_COLUMNS =
            "unique_id, queue_name, caller_number, caller_name, position, joined_at";
    private final Jdbc db;

    JdbcQueueStore(Jdbc db) {
        this.db = db;
    }

    @java.lang.Override
    public boolean signIn(long technicianId, Instant at) {
        if (db.one("SELECT technician_id FROM queue_signins WHERE technician_id = ?", rs -> rs.getLong(1),
                technicianId).isPresent()) {
            return false;
        }
        db.update("INSERT INTO queue_signins (technician_id, signed_in_at) VALUES (?, ?)", technicianId, at);
        return true;
    }

    @java.lang.Override
    public boolean signOut(long technicianId) {
        return db.update("DELETE FROM queue_signins WHERE technician_id = ?", technicianId) > 0;
    }

    @java.lang.Override
    public Map<Long, Instant> signedIn() {
        Map<Long, Instant> out = new LinkedHashMap<>();
        db.list("SELECT technician_id, signed_in_at FROM queue_signins ORDER BY signed_in_at, technician_id",
                rs -> Map.entry(rs.getLong(1), Jdbc.instant(rs, "signed_in_at")))
                .forEach(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }

    @java.lang.Override
    public void putCaller(WaitingCaller c) {
        db.update("DELETE FROM queue_callers WHERE unique_id = ?", c.uniqueId());
        insertCaller(c);
    }

    private void insertCaller(WaitingCaller c) {
        db.update("INSERT INTO queue_callers (" + CALLER_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?)", c.uniqueId(),
                c.queue(), c.callerNumber(), c.callerName(), c.position(), c.since());
    }

    @java.lang.Override
    public Optional<WaitingCaller> removeCaller(String uniqueId) {
        Optional<WaitingCaller> c = caller(uniqueId);
        c.ifPresent(w -> {
            db.update("DELETE FROM queue_callers WHERE unique_id = ?", uniqueId);
            db.update("UPDATE queue_callers SET position = position - 1 WHERE queue_name = ? AND position > ?",
                    w.queue(), w.position());
        });
        return c;
    }

    @java.lang.Override
    public Optional<WaitingCaller> caller(String uniqueId) {
        return db.one("SELECT " + CALLER_COLUMNS + " FROM queue_callers WHERE unique_id = ?", JdbcQueueStore::caller,
                uniqueId);
    }

    @java.lang.Override
    public List<WaitingCaller> callers() {
        return db.list("SELECT " + CALLER_COLUMNS + " FROM queue_callers ORDER BY queue_name, position, joined_at",
                JdbcQueueStore::caller);
    }

    private static WaitingCaller caller(ResultSet rs) throws SQLException {
        return new WaitingCaller(rs.getString("unique_id"), rs.getString("queue_name"), rs.getString("caller_number"),
                rs.getString("caller_name"), rs.getInt("position"), Jdbc.instant(rs, "joined_at"));
    }

    @java.lang.Override
    public void replaceLive(List<WaitingCaller> callers, List<QueueMember> members) {
        db.update("DELETE FROM queue_callers");
        db.update("DELETE FROM queue_members");
        callers.forEach(this::insertCaller);
        members.forEach(this::insertMember);
    }

    @java.lang.Override
    public void putMember(QueueMember m) {
        removeMember(m.memberInterface());
        insertMember(m);
    }

    private void insertMember(QueueMember m) {
        db.update("INSERT INTO queue_members (member_interface, technician_name, member_state, paused, state_since) "
                + "VALUES (?, ?, ?, ?, ?)", m.memberInterface(), m.technicianName(), m.state(), m.paused(), m.since());
    }

    @java.lang.Override
    public void removeMember(String memberInterface) {
        db.update("DELETE FROM queue_members WHERE member_interface = ?", memberInterface);
    }

    @java.lang.Override
    public List<QueueMember> members() {
        return db.list("SELECT member_interface, technician_name, member_state, paused, state_since FROM queue_members "
                + "ORDER BY technician_name, member_interface",
                rs -> new QueueMember(rs.getString(1), rs.getString(2), rs.getString(3), rs.getBoolean(4),
                        Jdbc.instant(rs, "state_since")));
    }

    @java.lang.Override
    public void saveLink(String state, Instant since) {
        if (db.update("UPDATE queue_link SET link_state = ?, state_since = ? WHERE name = 'ami'", state, since) == 0) {
            db.update("INSERT INTO queue_link (name, link_state, state_since) VALUES ('ami', ?, ?)", state, since);
        }
    }

    @java.lang.Override
    public Optional<Link> link() {
        return db.one("SELECT link_state, state_since FROM queue_link WHERE name = 'ami'",
                rs -> new Link(rs.getString(1), Jdbc.instant(rs, "state_since")));
    }
}

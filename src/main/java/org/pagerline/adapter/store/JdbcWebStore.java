package org.pagerline.adapter.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.pagerline.core.web.Attachment;
import org.pagerline.core.web.StaffRole;
import org.pagerline.core.web.StaffUser;
import org.pagerline.core.web.TicketRow;
import org.pagerline.core.web.WebSession;
import org.pagerline.core.web.WebStore;

final class JdbcWebStore implements WebStore {
    private final Jdbc db;

    JdbcWebStore(Jdbc db) {
        this.db = db;
    }

    private static StaffUser staff(ResultSet rs) throws SQLException {
        return new StaffUser(rs.getLong("id"), rs.getString("name"), StaffRole.valueOf(rs.getString("role")),
                rs.getString("password_hash"), Jdbc.instant(rs, "created_at"));
    }

    @Override
    public StaffUser insertStaff(StaffUser u) {
        long id = db.insert("INSERT INTO staff_users (name, name_key, role, password_hash, created_at) VALUES (?,?,?,?,?)",
                u.name(), u.name().toLowerCase(Locale.ROOT), u.role(), u.passwordHash(), u.createdAt());
        return staff(id).orElseThrow();
    }

    @Override
    public boolean updateStaffPassword(long id, String passwordHash) {
        return db.update("UPDATE staff_users SET password_hash=? WHERE id=?", passwordHash, id) == 1;
    }

    @Override
    public boolean deleteStaff(long id) {
        return db.update("DELETE FROM staff_users WHERE id=?", id) == 1;
    }

    @Override
    public Optional<StaffUser> staffByName(String name) {
        return db.one("SELECT * FROM staff_users WHERE name_key=?", JdbcWebStore::staff, name.toLowerCase(Locale.ROOT));
    }

    @Override
    public Optional<StaffUser> staff(long id) {
        return db.one("SELECT * FROM staff_users WHERE id=?", JdbcWebStore::staff, id);
    }

    @Override
    public List<StaffUser> staffList() {
        return db.list("SELECT * FROM staff_users ORDER BY name_key", JdbcWebStore::staff);
    }

    private static WebSession session(ResultSet rs) throws SQLException {
        return new WebSession(rs.getString("token_hash"), WebSession.Kind.valueOf(rs.getString("kind")),
                rs.getLong("subject_id"), rs.getString("csrf"), Jdbc.instant(rs, "created_at"),
                Jdbc.instant(rs, "expires_at"));
    }

    @Override
    public void saveSession(WebSession s) {
        db.update("INSERT INTO web_sessions (token_hash, kind, subject_id, csrf, created_at, expires_at) VALUES (?,?,?,?,?,?)",
                s.tokenHash(), s.kind(), s.subjectId(), s.csrf(), s.createdAt(), s.expiresAt());
    }

    @Override
    public Optional<WebSession> session(String tokenHash) {
        return db.one("SELECT * FROM web_sessions WHERE token_hash=?", JdbcWebStore::session, tokenHash);
    }

    @Override
    public void touchSession(String tokenHash, Instant expiresAt) {
        db.update("UPDATE web_sessions SET expires_at=? WHERE token_hash=?", expiresAt, tokenHash);
    }

    @Override
    public void deleteSession(String tokenHash) {
        db.update("DELETE FROM web_sessions WHERE token_hash=?", tokenHash);
    }

    @Override
    public int deleteSessions(WebSession.Kind kind, long subjectId) {
        return db.update("DELETE FROM web_sessions WHERE kind=? AND subject_id=?", kind, subjectId);
    }

    @Override
    public int deleteExpiredSessions(Instant now) {
        return db.update("DELETE FROM web_sessions WHERE expires_at<=?", now);
    }

    @Override
    public void saveLink(String tokenHash, long clientId, Instant createdAt, Instant expiresAt) {
        db.update("INSERT INTO portal_links (token_hash, client_id, created_at, expires_at) VALUES (?,?,?,?)",
                tokenHash, clientId, createdAt, expiresAt);
    }

    @Override
    public Optional<Long> useLink(String tokenHash, Instant now) {
        int won = db.update("UPDATE portal_links SET used_at=? WHERE token_hash=? AND used_at IS NULL AND expires_at>?",
                now, tokenHash, now);
        if (won != 1) {
            return Optional.empty();
        }
        return db.one("SELECT client_id FROM portal_links WHERE token_hash=?", rs -> rs.getLong(1), tokenHash);
    }

    @Override
    public int expireLinks(long clientId) {
        return db.update("UPDATE portal_links SET expires_at=created_at WHERE client_id=? AND used_at IS NULL"
                + " AND expires_at>created_at", clientId);
    }

    @Override
    public int linksSince(long clientId, Instant since) {
        return db.one("SELECT COUNT(*) FROM portal_links WHERE client_id=? AND created_at>=?", rs -> rs.getInt(1),
                clientId, since).orElse(0);
    }

    @Override
    public int attemptsSince(String bucket, Instant since) {
        return db.one("SELECT COUNT(*) FROM web_attempts WHERE bucket=? AND at>=?", rs -> rs.getInt(1), bucket, since).orElse(0);
    }

    @Override
    public void addAttempt(String bucket, Instant at) {
        db.update("INSERT INTO web_attempts (bucket, at) VALUES (?,?)", bucket, at);
    }

    @Override
    public void clearAttempts(String bucket) {
        db.update("DELETE FROM web_attempts WHERE bucket=?", bucket);
    }

    @Override
    public int deleteAttemptsBefore(Instant before) {
        return db.update("DELETE FROM web_attempts WHERE at<?", before);
    }

    @Override
    public void setClientEmail(long clientId, String email) {
        db.update("DELETE FROM client_emails WHERE client_id=?", clientId);
        if (email != null) {
            db.update("INSERT INTO client_emails (client_id, email) VALUES (?,?)", clientId, email.toLowerCase(Locale.ROOT));
        }
    }

    @Override
    public Optional<Long> clientByEmail(String email) {
        return db.one("SELECT client_id FROM client_emails WHERE email=?", rs -> rs.getLong(1),
                email.toLowerCase(Locale.ROOT));
    }

    @Override
    public Optional<String> clientEmail(long clientId) {
        return db.one("SELECT email FROM client_emails WHERE client_id=? ORDER BY email FETCH FIRST 1 ROWS ONLY", rs -> rs.getString(1), clientId);
    }

    private static Attachment attachment(ResultSet rs) throws SQLException {
        return new Attachment(rs.getLong("id"), rs.getLong("ticket_id"), rs.getString("file_name"),
                rs.getString("content_type"), rs.getLong("size_bytes"), Jdbc.instant(rs, "added_at"));
    }

    @Override
    public long insertAttachment(long ticketId, String fileName, String contentType, byte[] bytes, Instant at) {
        return db.insert("INSERT INTO ticket_attachments (ticket_id, file_name, content_type, size_bytes, content, added_at)"
                + " VALUES (?,?,?,?,?,?)", ticketId, fileName, contentType, (long) bytes.length, bytes, at);
    }

    @Override
    public List<Attachment> attachments(long ticketId) {
        return db.list("SELECT id, ticket_id, file_name, content_type, size_bytes, added_at FROM ticket_attachments"
                + " WHERE ticket_id=? ORDER BY id", JdbcWebStore::attachment, ticketId);
    }

    @Override
    public Optional<Attachment> attachment(long id) {
        return db.one("SELECT id, ticket_id, file_name, content_type, size_bytes, added_at FROM ticket_attachments"
                + " WHERE id=?", JdbcWebStore::attachment, id);
    }

    @Override
    public Optional<byte[]> attachmentBytes(long id) {
        return db.one("SELECT content FROM ticket_attachments WHERE id=?", rs -> rs.getBytes(1), id);
    }

    private static final String TICKET_COLUMNS = "SELECT id, opened_at, updated_at, state, source, priority, caller_name,"
            + " caller_number, company, summary FROM tickets ";

    private static TicketRow ticketRow(ResultSet rs) throws SQLException {
        return new TicketRow(rs.getLong("id"), Jdbc.instant(rs, "opened_at"), Jdbc.instant(rs, "updated_at"),
                rs.getString("state"), rs.getString("source"), rs.getString("priority"), rs.getString("caller_name"),
                rs.getString("caller_number"), rs.getString("company"), rs.getString("summary"));
    }

    @Override
    public List<TicketRow> openTickets(int limit) {
        return db.list(TICKET_COLUMNS + "WHERE state NOT IN ('CLOSED','RESOLVED') ORDER BY opened_at, id"
                + " FETCH FIRST " + Math.max(1, limit) + " ROWS ONLY", JdbcWebStore::ticketRow);
    }

    @Override
    public int openTicketCount() {
        return db.one("SELECT COUNT(*) FROM tickets WHERE state NOT IN ('CLOSED','RESOLVED')", rs -> rs.getInt(1))
                .orElse(0);
    }

    /**
     * The company's, and not by email from an address none of its contacts has: an unknown
     * sender's ticket carries the company their mail claimed (two parameters: the company twice).
     */
    private static final String COMPANYS = "LOWER(company)=? AND NOT EXISTS (SELECT 1 FROM mail_tickets m"
            + " WHERE m.ticket_id=tickets.id AND NOT EXISTS (SELECT 1 FROM client_emails ce JOIN clients c ON c.id=ce.client_id"
            + " WHERE ce.email=LOWER(m.requester) AND LOWER(c.company)=?))";

    @Override
    public List<TicketRow> companyTickets(String company, int limit) {
        String c = company.toLowerCase(Locale.ROOT);
        return db.list(TICKET_COLUMNS + "WHERE " + COMPANYS + " ORDER BY opened_at DESC, id DESC FETCH FIRST "
                + Math.max(1, limit) + " ROWS ONLY", JdbcWebStore::ticketRow, c, c);
    }

    @Override
    public boolean companyTicket(long id, String company) {
        String c = company.toLowerCase(Locale.ROOT);
        return db.one("SELECT id FROM tickets WHERE id=? AND " + COMPANYS, rs -> rs.getLong(1), id, c, c).isPresent();
    }

    @Override
    public String consoleFingerprint() {
        // Each part changes whenever what the console shows does: a new timeline line (every
        // ticket, incident and page decision writes one), a page's delivery state, the queue,
        // who is signed in, the roster.
        return db.one("SELECT (SELECT COALESCE(MAX(id),0) FROM ticket_events) || '/' ||"
                + " (SELECT COUNT(*) FROM tickets WHERE state NOT IN ('CLOSED','RESOLVED')) || '/' ||"
                + " (SELECT COUNT(*) || ':' || COALESCE(SUM(attempts * 7 + CASE state WHEN 'PENDING' THEN 1"
                + " WHEN 'SENDING' THEN 2 WHEN 'SENT' THEN 3 WHEN 'DELIVERED' THEN 4 WHEN 'FAILED' THEN 5 ELSE 6 END),0)"
                + " FROM pages WHERE incident_id IN (SELECT id FROM incidents WHERE state IN ('OPEN','ACKNOWLEDGED'))) || '/' ||"
                + " (SELECT COUNT(*) || ':' || COALESCE(SUM(position),0) || ':' || COALESCE(MAX(unique_id),'') FROM queue_callers)"
                + " || '/' || (SELECT COUNT(*) || ':' || COALESCE(SUM(technician_id),0) FROM queue_signins)", rs -> rs.getString(1)).orElse("");
    }
}

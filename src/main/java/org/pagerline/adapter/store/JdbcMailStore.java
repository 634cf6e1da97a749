package org.pagerline.adapter.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.pagerline.core.mail.InboundMail;
import org.pagerline.core.mail.MailStore;
import org.pagerline.core.mail.OutgoingMail;
import org.pagerline.core.mail.ThreadEntry;

final class JdbcMailStore implements MailStore {
    private static final int BODY_MAX = 100_000;
    private final Jdbc db;

    JdbcMailStore(Jdbc db) {
        this.db = db;
    }

    private static String cut(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max - 3) + "...";
    }

    @Override
    public boolean seen(String messageId) {
        return db.one("SELECT 1 FROM mail_messages WHERE message_id=?", rs -> 1, cut(messageId, 500)).isPresent();
    }

    @Override
    public long recordIncoming(InboundMail m, String outcome, String flags, Long ticketId, Long requestId, String inReplyTo) {
        return db.insert("INSERT INTO mail_messages (message_id, direction, at, sender, recipient, subject, body, in_reply_to,"
                        + " refs, ticket_id, request_id, outcome, flags) VALUES (?,'IN',?,?,?,?,?,?,?,?,?,?,?)",
                cut(m.messageId(), 500), m.receivedAt(), cut(m.from(), 320), null, cut(m.subject(), 1000), cut(m.text(), BODY_MAX),
                cut(inReplyTo, 500), cut(String.join(" ", m.references()), 4000), ticketId, requestId, outcome, cut(flags, 500));
    }

    @Override
    public OutgoingMail queue(String kind, String messageId, String from, String to, String subject, String body,
            String inReplyTo, String references, Long ticketId, Long requestId, Instant at) {
        long id = db.insert("INSERT INTO mail_messages (message_id, direction, at, sender, recipient, subject, body, in_reply_to,"
                        + " refs, ticket_id, request_id, outcome, send_state, attempts, next_try_at) VALUES (?,'OUT',?,?,?,?,?,?,?,?,?,?,'PENDING',0,?)",
                messageId, at, cut(from, 320), cut(to, 320), cut(subject, 1000), cut(body, BODY_MAX), cut(inReplyTo, 500),
                cut(references, 4000), ticketId, requestId, kind, at);
        return new OutgoingMail(id, kind, messageId, to, subject, body, inReplyTo, references, ticketId, 0, at);
    }

    @Override
    public int sentTo(String address, Instant since) {
        return db.one("SELECT COUNT(*) FROM mail_messages WHERE recipient=? AND direction='OUT' AND at>=?"
                + " AND outcome IN ('ACK','FACTS_MISSING')", rs -> rs.getInt(1), address, since).orElse(0);
    }

    @Override
    public Optional<Long[]> threadOf(String messageId) {
        return db.one("SELECT ticket_id, request_id FROM mail_messages WHERE message_id=? AND (ticket_id IS NOT NULL OR request_id IS NOT NULL)",
                rs -> new Long[] {Jdbc.nullableLong(rs, "ticket_id"), Jdbc.nullableLong(rs, "request_id")}, cut(messageId, 500));
    }

    private static Request request(ResultSet rs) throws SQLException {
        String phones = rs.getString("phones");
        return new Request(rs.getLong("id"), rs.getString("sender"), Jdbc.instant(rs, "opened_at"), rs.getString("subject"),
                rs.getString("full_name"), rs.getString("company"),
                phones == null || phones.isBlank() ? List.of() : Arrays.asList(phones.split(",")),
                rs.getString("description"), Jdbc.nullableLong(rs, "ticket_id"));
    }

    private static final String REQ = "SELECT id, sender, opened_at, subject, full_name, company, phones, description, ticket_id FROM mail_requests ";

    @Override
    public Optional<Request> request(long id) {
        return db.one(REQ + "WHERE id=?", JdbcMailStore::request, id);
    }

    @Override
    public Optional<Request> openRequestOf(String sender, Instant since) {
        return db.one(REQ + "WHERE sender=? AND ticket_id IS NULL AND updated_at>=? ORDER BY updated_at DESC, id DESC",
                JdbcMailStore::request, sender, since);
    }

    @Override
    public long insertRequest(Request r, Instant at) {
        return db.insert("INSERT INTO mail_requests (sender, opened_at, updated_at, subject, full_name, company, phones, description,"
                        + " ticket_id) VALUES (?,?,?,?,?,?,?,?,?)", cut(r.sender(), 320), at, at, cut(r.subject(), 1000), cut(r.fullName(), 200),
                cut(r.company(), 200), cut(String.join(",", r.phones()), 500), cut(r.description(), BODY_MAX), r.ticketId());
    }

    @Override
    public void updateRequest(Request r, Instant at) {
        db.update("UPDATE mail_requests SET updated_at=?, full_name=?, company=?, phones=?, description=?, ticket_id=? WHERE id=?",
                at, cut(r.fullName(), 200), cut(r.company(), 200), cut(String.join(",", r.phones()), 500),
                cut(r.description(), BODY_MAX), r.ticketId(), r.id());
    }

    @Override
    public void insertMailTicket(MailTicket t) {
        db.update("INSERT INTO mail_tickets (ticket_id, requester, ack_due, told_status) VALUES (?,?,?,?)",
                t.ticketId(), cut(t.requester(), 320), t.ackDue(), t.toldStatus());
    }

    @Override
    public Optional<MailTicket> mailTicket(long ticketId) {
        return db.one("SELECT ticket_id, requester, ack_due, told_status FROM mail_tickets WHERE ticket_id=?",
                rs -> new MailTicket(rs.getLong(1), rs.getString(2), Jdbc.instant(rs, "ack_due"), rs.getString(4)), ticketId);
    }

    @Override
    public List<String[]> untoldStates(int limit) {
        return db.list("SELECT m.ticket_id, t.status FROM mail_tickets m JOIN tickets t ON t.id=m.ticket_id"
                + " WHERE t.status<>m.told_status ORDER BY m.ticket_id FETCH FIRST " + Math.max(1, limit) + " ROWS ONLY",
                rs -> new String[] {Long.toString(rs.getLong(1)), rs.getString(2)});
    }

    @Override
    public void setToldStatus(long ticketId, String status) {
        db.update("UPDATE mail_tickets SET told_status=? WHERE ticket_id=?", status, ticketId);
    }

    @Override
    public void addAttachment(long messageRow, Long ticketId, String fileName, long size, String storedPath, String refused) {
        db.update("INSERT INTO mail_attachments (message_row, ticket_id, file_name, size_bytes, stored_path, refused) VALUES (?,?,?,?,?,?)",
                messageRow, ticketId, cut(fileName, 300), size, cut(storedPath, 1000), cut(refused, 300));
    }

    private static OutgoingMail outgoing(ResultSet rs) throws SQLException {
        return new OutgoingMail(rs.getLong("id"), rs.getString("outcome"), rs.getString("message_id"), rs.getString("recipient"),
                rs.getString("subject"), rs.getString("body"), rs.getString("in_reply_to"), rs.getString("refs"),
                Jdbc.nullableLong(rs, "ticket_id"), rs.getInt("attempts"), Jdbc.instant(rs, "at"));
    }

    @Override
    public List<OutgoingMail> due(Instant now, int limit) {
        return db.list("SELECT id, outcome, message_id, recipient, subject, body, in_reply_to, refs, ticket_id, attempts, at"
                + " FROM mail_messages WHERE send_state='PENDING' AND next_try_at<=? ORDER BY id FETCH FIRST "
                + Math.max(1, limit) + " ROWS ONLY", JdbcMailStore::outgoing, now);
    }

    @Override
    public void markSent(long id, Instant at) {
        db.update("UPDATE mail_messages SET send_state='SENT', attempts=attempts+1, next_try_at=NULL, flags=NULL WHERE id=?", id);
    }

    @Override
    public void markFailed(long id, String why, Instant next) {
        db.update("UPDATE mail_messages SET send_state=?, attempts=attempts+1, next_try_at=?, flags=? WHERE id=?",
                next == null ? "FAILED" : "PENDING", next, cut(why, 500), id);
    }

    @Override
    public List<ThreadEntry> thread(long ticketId) {
        return db.list("SELECT id, message_id, at, direction, sender, recipient, subject, body, outcome, flags, send_state FROM mail_messages"
                + " WHERE ticket_id=? ORDER BY id", rs -> new ThreadEntry(rs.getLong("id"), rs.getString("message_id"), Jdbc.instant(rs, "at"),
                "IN".equals(rs.getString("direction")), rs.getString("sender"), rs.getString("recipient"), rs.getString("subject"),
                rs.getString("body"), rs.getString("outcome"), rs.getString("flags"), rs.getString("send_state")), ticketId);
    }

    @Override
    public List<String[]> attachments(long ticketId) {
        return db.list("SELECT file_name, size_bytes, stored_path, refused FROM mail_attachments WHERE ticket_id=? ORDER BY id",
                rs -> new String[] {rs.getString(1), Long.toString(rs.getLong(2)), rs.getString(3), rs.getString(4)}, ticketId);
    }

    @Override
    public Optional<Long> clientByEmail(String address) {
        return db.one("SELECT client_id FROM client_emails WHERE email=?", rs -> rs.getLong(1), address.toLowerCase(java.util.Locale.ROOT));
    }

    @Override
    public void addClientEmail(long clientId, String address) {
        db.update("DELETE FROM client_emails WHERE email=?", address.toLowerCase(java.util.Locale.ROOT));
        db.update("INSERT INTO client_emails (email, client_id) VALUES (?,?)", address.toLowerCase(java.util.Locale.ROOT), clientId);
    }

    @Override
    public Optional<Mailbox> mailbox(String name) {
        return db.one("SELECT name, first_connected_at, uid_validity, first_uid, last_uid FROM mail_mailboxes WHERE name=?",
                rs -> new Mailbox(rs.getString(1), Jdbc.instant(rs, "first_connected_at"), rs.getLong(3), rs.getLong(4), rs.getLong(5)), name);
    }

    @Override
    public void insertMailbox(Mailbox m) {
        db.update("INSERT INTO mail_mailboxes (name, first_connected_at, uid_validity, first_uid, last_uid) VALUES (?,?,?,?,?)",
                m.name(), m.firstConnectedAt(), m.uidValidity(), m.firstUid(), m.lastUid());
    }

    @Override
    public void setLastUid(String name, long uidValidity, long lastUid) {
        db.update("UPDATE mail_mailboxes SET uid_validity=?, last_uid=? WHERE name=?", uidValidity, lastUid, name);
    }

    @Override
    public void renumbered(String name, long uidValidity) {
        db.update("UPDATE mail_mailboxes SET uid_validity=?, first_uid=0, last_uid=0 WHERE name=?", uidValidity, name);
    }

    @Override
    public int attempt(String key, Instant at) {
        String k = cut(key, 500);
        if (db.update("UPDATE mail_attempts SET attempts=attempts+1, last_at=? WHERE message_key=?", at, k) == 0) {
            db.update("INSERT INTO mail_attempts (message_key, attempts, last_at) VALUES (?,1,?)", k, at);
        }
        return db.one("SELECT attempts FROM mail_attempts WHERE message_key=?", rs -> rs.getInt(1), k).orElse(1);
    }
}

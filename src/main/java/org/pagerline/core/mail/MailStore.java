package org.pagerline.core.mail;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Port: mail's own state (threading, handled messages, outbox, pending requests). Runs inside a transaction. */
public interface MailStore {

    /** A pending request: an incomplete message whose sender was told what is missing. */
    record Request(long id, String sender, Instant openedAt, String subject, String fullName, String company,
            List<String> phones, String description, Long ticketId) {}

    /** A ticket that came in by email. */
    record MailTicket(long ticketId, String requester, Instant ackDue, String toldStatus) {}

    /** A mailbox's reading position. */
    record Mailbox(String name, Instant firstConnectedAt, long uidValidity, long firstUid, long lastUid) {}

    boolean seen(String messageId);

    /** Records a message that came in; returns its row id. */
    long recordIncoming(InboundMail m, String outcome, String flags, Long ticketId, Long requestId, String inReplyTo);

    /** Writes a message to the outbox (PENDING); returns it with its row id. */
    OutgoingMail queue(String kind, String messageId, String from, String to, String subject, String body,
            String inReplyTo, String references, Long ticketId, Long requestId, Instant at);

    /** Messages sent automatically to this address since {@code since} (the per-sender cap). */
    int sentTo(String address, Instant since);

    /**
     * The ticket or request a known message (pagerline's own, or one taken in earlier) belongs to:
     * [ticketId, requestId], either may be null.
     */
    Optional<Long[]> threadOf(String messageId);

    Optional<Request> request(long id);

    /** The sender's newest request still waiting for facts, updated at or after {@code since}. */
    Optional<Request> openRequestOf(String sender, Instant since);

    long insertRequest(Request r, Instant at);

    void updateRequest(Request r, Instant at);

    void insertMailTicket(MailTicket t);

    Optional<MailTicket> mailTicket(long ticketId);

    /** Email tickets whose status differs from the one their requester was last told: [ticketId, status]. */
    List<String[]> untoldStates(int limit);

    void setToldStatus(long ticketId, String status);

    void addAttachment(long messageRow, Long ticketId, String fileName, long size, String storedPath, String refused);

    /** Outgoing mail due to be sent (PENDING, next try not in the future), oldest first. */
    List<OutgoingMail> due(Instant now, int limit);

    void markSent(long id, Instant at);

    /** A failed try: tried again at {@code next}, or FAILED for good when next is null. */
    void markFailed(long id, String why, Instant next);

    List<ThreadEntry> thread(long ticketId);

    /** Attachment lines of a ticket: name, size, stored path or null, refused reason or null. */
    List<String[]> attachments(long ticketId);

    /** The client (directory id) an address belongs to. */
    Optional<Long> clientByEmail(String address);

    void addClientEmail(long clientId, String address);

    Optional<Mailbox> mailbox(String name);

    void insertMailbox(Mailbox m);

    void setLastUid(String name, long uidValidity, long lastUid);

    /**
     * The server renumbered the folder (new UIDVALIDITY): everything is read again from UID 1, and
     * only mail received before the first connection counts as old (first_uid 0).
     */
    void renumbered(String name, long uidValidity);

    /** Counts one more start on a message and returns the count (the crash-loop guard). */
    int attempt(String key, Instant at);
}

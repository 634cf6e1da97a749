package org.pagerline.core.web;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Port: what the portal and console keep: staff accounts, browser sessions, portal sign-in links,
 * client contacts' email addresses and portal attachments. Implementations run inside a transaction.
 */
public interface WebStore {

    /** Inserts (the id is ignored); returns it with its id. */
    StaffUser insertStaff(StaffUser user);

    /** By name, ignoring case. */
    Optional<StaffUser> staffByName(String name);

    Optional<StaffUser> staff(long id);

    List<StaffUser> staffList();

    /** A new password (its hash) for the account; false when there is no such account. */
    boolean updateStaffPassword(long id, String passwordHash);

    /** Removes the account (its sessions are the caller's to end); false when there is no such account. */
    boolean deleteStaff(long id);

    void saveSession(WebSession session);

    Optional<WebSession> session(String tokenHash);

    /** Moves the idle expiry on. */
    void touchSession(String tokenHash, Instant expiresAt);

    void deleteSession(String tokenHash);

    /** Every session of this subject (a password change, a removed client). */
    int deleteSessions(WebSession.Kind kind, long subjectId);

    int deleteExpiredSessions(Instant now);

    /** A new single-use sign-in link for a client contact. */
    void saveLink(String tokenHash, long clientId, Instant createdAt, Instant expiresAt);

    /**
     * Uses the link: marks it used only if unused and not expired at {@code now} (a conditional
     * update: of two racing uses exactly one wins). The client id when this use won.
     */
    Optional<Long> useLink(String tokenHash, Instant now);

    /**
     * Makes every unused sign-in link of this client expired (its address changed or the contact was
     * removed: a link mailed to the old address must not sign anyone in); they still count for the
     * rate limit. Returns how many.
     */
    int expireLinks(long clientId);

    /** Links asked for this client since {@code since} (the per-address rate limit survives restarts). */
    int linksSince(long clientId, Instant since);

    /** Attempts counted in a rate limit's bucket at or after {@code since}. */
    int attemptsSince(String bucket, Instant since);

    void addAttempt(String bucket, Instant at);

    void clearAttempts(String bucket);

    /** Forgets attempts before {@code before} (older than every window). */
    int deleteAttemptsBefore(Instant before);

    /** Sets (or with null clears) a client contact's email address, stored lower-cased. */
    void setClientEmail(long clientId, String email);

    Optional<Long> clientByEmail(String email);

    Optional<String> clientEmail(long clientId);

    long insertAttachment(long ticketId, String fileName, String contentType, byte[] bytes, Instant at);

    List<Attachment> attachments(long ticketId);

    Optional<Attachment> attachment(long id);

    Optional<byte[]> attachmentBytes(long id);

    /** Open tickets (neither CLOSED nor RESOLVED) in the order received, at most {@code limit}. */
    List<TicketRow> openTickets(int limit);

    int openTicketCount();

    /**
     * A company's tickets as its portal shows them, newest first: the company matched ignoring
     * case, but never one opened by email from an address none of that company's contacts has (a
     * stranger's mail names whatever company it likes, and must not reach that company's portal).
     */
    List<TicketRow> companyTickets(String company, int limit);

    /** Whether ticket {@code id} is one of {@link #companyTickets}' for {@code company}. */
    boolean companyTicket(long id, String company);

    /** A fingerprint of everything the console's live views show: it changes when any of it does. */
    String consoleFingerprint();
}

package org.pagerline.core.page;

import java.time.Instant;

/**
 * One outbox row: one message or call to one person on one channel. Written in the same
 * transaction as the decision that caused it; sent outside it by the dispatcher.
 *
 * @param replyCode the short code a reply quotes ("12" in "12a"): the incident's id
 * @param step the policy step that caused it, with its {@code cycle}; {@link #OTHER_STEP} for other causes
 *             (late call-back and service-level notices), {@link #TAKEN_STEP} for a who-took-it notice
 * @param fallback true when this page replaces one that failed for good on the other channel
 * @param attempts hand-overs to the channel so far
 * @param nextAttemptAt when the dispatcher may (re)send it; PENDING only
 * @param claimedAt when the dispatcher last claimed it (SENDING), for crash recovery
 * @param notice what a NOTICE tells, for a call to say it; null on a PAGE and on a digest
 */
public record Page(long id, long incidentId, long ticketId, Long technicianId, String technicianName,
        Channel channel, String to, PageKind kind, String replyCode, String text, int step, int cycle, boolean fallback,
        PageState state, int attempts, Instant createdAt, Instant nextAttemptAt, Instant claimedAt, Instant sentAt,
        String providerId, String lastError, Notice notice) {

    /** {@code step} of a page no policy step caused: late call-back and service-level notices. */
    public static final int OTHER_STEP = -1;
    /** {@code step} of the notice telling the others who took the incident (kept when the rest is cancelled). */
    public static final int TAKEN_STEP = -2;

    /** The most characters a page's words may have (the outbox keeps no more). */
    public static final int MAX_TEXT = 1000;

    /** A fresh PENDING page due at {@code at}. */
    public static Page pending(long incidentId, long ticketId, Long technicianId, String technicianName, Channel channel,
            String to, PageKind kind, String replyCode, String text, int step, int cycle, boolean fallback, Instant at) {
        return new Page(0, incidentId, ticketId, technicianId, technicianName, channel, to, kind, replyCode, text, step,
                cycle, fallback, PageState.PENDING, 0, at, at, null, null, null, null, null);
    }

    /** This fresh page, made to wait until {@code at} (written held: its first wait, told on its ticket as it is written). */
    public Page heldUntil(Instant at) {
        return new Page(id, incidentId, ticketId, technicianId, technicianName, channel, to, kind, replyCode, text, step,
                cycle, fallback, state, attempts, createdAt, at, claimedAt, sentAt, providerId, lastError, notice);
    }

    /** This fresh notice, telling {@code what} (a call says it by that). */
    public Page telling(Notice what) {
        return new Page(id, incidentId, ticketId, technicianId, technicianName, channel, to, kind, replyCode, text, step,
                cycle, fallback, state, attempts, createdAt, nextAttemptAt, claimedAt, sentAt, providerId, lastError, what);
    }

    /** This page as stored under {@code newId}. */
    public Page withId(long newId) {
        return new Page(newId, incidentId, ticketId, technicianId, technicianName, channel, to, kind, replyCode, text, step,
                cycle, fallback, state, attempts, createdAt, nextAttemptAt, claimedAt, sentAt, providerId, lastError, notice);
    }

    /**
     * Never tried and never rescheduled since it was made: holding it back now is its first wait
     * (the one its ticket is told of; later waits are not repeated there).
     */
    public boolean neverPutOff() {
        return attempts == 0 && nextAttemptAt != null && !nextAttemptAt.isAfter(createdAt);
    }

    public static Channel other(Channel c) {
        return c == Channel.SMS ? Channel.VOICE : Channel.SMS;
    }
}

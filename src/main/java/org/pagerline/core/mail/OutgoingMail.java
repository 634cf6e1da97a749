package org.pagerline.core.mail;

import java.time.Instant;

/**
 * A message pagerline sends, as written to the outbox in the same transaction as the decision
 * that made it, and sent after commit.
 *
 * @param kind       ACK (ticket opened), FACTS_MISSING (what to add), STATE (the ticket changed state)
 * @param messageId  pagerline's own Message-ID, with angle brackets: replies thread by it
 * @param inReplyTo  the customer's Message-ID this answers, or null
 * @param references the References header to send (space-separated), or null
 */
public record OutgoingMail(long id, String kind, String messageId, String to, String subject, String body,
        String inReplyTo, String references, Long ticketId, int attempts, Instant at) {}

package org.pagerline.core.ticket;

import java.time.Instant;

/**
 * One line of a ticket's timeline. {@code kind} is a short machine word (CALL_STARTED,
 * QUEUE_JOINED, VOICEMAIL, PAGE_SENT, ACKNOWLEDGED, ...); {@code detail} the human sentence.
 */
public record TicketEvent(long id, long ticketId, Instant at, String kind, String detail) {
    public TicketEvent {
        if (kind == null || kind.isBlank()) {
            throw new IllegalArgumentException("ticket event needs a kind");
        }
        detail = detail == null ? "" : detail;
    }
}

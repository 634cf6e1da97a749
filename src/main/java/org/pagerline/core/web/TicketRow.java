package org.pagerline.core.web;

import java.time.Instant;

/**
 * A ticket as the console's lists and the portal show it: a read model of its own, so the lists
 * come from one query. {@code status} is the ticket's state ({@code TicketState}'s name, from the ticket's
 * life) and {@code priority} the stored word; {@code priority} may be null.
 */
public record TicketRow(long id, Instant openedAt, Instant updatedAt, String status, String source, String priority,
        String callerName, String callerNumber, String company, String summary) {

    /** Closed and resolved tickets are no longer open work. */
    public boolean open() {
        return !"CLOSED".equals(status) && !"RESOLVED".equals(status);
    }
}

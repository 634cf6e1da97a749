package org.pagerline.core.ticket;

import java.time.Instant;

/**
 * A help-desk ticket. Nullable fields are unknown until the call or an admin supplies them.
 *
 * @param callerNumber the caller ID as Asterisk gave it, possibly "unknown" or empty
 * @param callbackNumber E.164, confirmed or entered by the caller
 */
public record Ticket(
        long id,
        Instant openedAt,
        Instant updatedAt,
        TicketStatus status,
        TicketSource source,
        Priority priority,
        String callerNumber,
        String callerName,
        String company,
        String callbackNumber,
        String summary) {

    /** This ticket with priority {@code p}; itself when it has it already (the caller can tell nothing changed). */
    public Ticket withPriority(Priority p) {
        if (p == priority) {
            return this;
        }
        return new Ticket(id, openedAt, updatedAt, status, source, p, callerNumber, callerName, company, callbackNumber, summary);
    }

    /** This ticket with call-back number {@code number}; itself when it has it already. */
    public Ticket withCallback(String number) {
        if (java.util.Objects.equals(number, callbackNumber)) {
            return this;
        }
        return new Ticket(id, openedAt, updatedAt, status, source, priority, callerNumber, callerName, company, number, summary);
    }

    public Ticket withStatus(TicketStatus s) {
        return new Ticket(id, openedAt, updatedAt, s, source, priority, callerNumber, callerName, company, callbackNumber, summary);
    }

    public Ticket withCaller(String name, String companyName) {
        return new Ticket(id, openedAt, updatedAt, status, source, priority, callerNumber, name, companyName, callbackNumber, summary);
    }

    public Ticket withSummary(String text) {
        return new Ticket(id, openedAt, updatedAt, status, source, priority, callerNumber, callerName, company, callbackNumber, text);
    }

    public Ticket touchedAt(Instant at) {
        return new Ticket(id, openedAt, at, status, source, priority, callerNumber, callerName, company, callbackNumber, summary);
    }
}

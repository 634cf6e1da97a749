package org.pagerline.core.ticket;

/**
 * Where a ticket is in its life. Only {@link TicketLife}'s transitions move it (TicketService
 * saves them with one compare-and-set); the database column {@code tickets.state} mirrors it.
 */
public enum TicketState {
    /** Opened (any door); nobody has taken it yet. */
    NEW,
    /** A technician took it ({@code ticket take}); the acknowledge clock is met. */
    ACKNOWLEDGED,
    /** The customer was contacted, or work resumed after waiting; the respond clock is met. */
    IN_PROGRESS,
    /** Parked until the customer answers: the resolve clock is paused (its business time given back). */
    WAITING_ON_CUSTOMER,
    /** Fixed; closes by itself after the quiet time ({@code ticket.auto-close-after}) unless the customer comes back. */
    RESOLVED,
    /** Done. A new call, message or portal reply from the customer reopens it. */
    CLOSED;

    /** Still work for the desk (shown in {@code ticket queue}). */
    public boolean open() {
        return this != RESOLVED && this != CLOSED;
    }

    public String words() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
    }
}

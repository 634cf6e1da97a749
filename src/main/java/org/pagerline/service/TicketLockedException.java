package org.pagerline.service;

/**
 * A piece of work written with tickets locked at once ({@link Transactions#inOneCommit(java.util.List, boolean)})
 * needed a ticket whose row another transaction holds: the piece is undone, and its writer writes it
 * again on its own, where it may wait for the row, instead of holding up the pieces committed with it.
 */
public final class TicketLockedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public TicketLockedException(long ticketId, Throwable cause) {
        super("ticket " + ticketId + " is locked by another transaction", cause);
    }
}

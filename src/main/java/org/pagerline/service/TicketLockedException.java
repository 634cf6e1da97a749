package org.pagerline.service;

/**
 * A piece of work written with tickets locked at once ({@link Transactions#inOneCommit(java.util.List, boolean)})
 * needed a ticket whose row another transaction holds (or the incident on it): the piece is undone,
 * and its writer writes it again on its own once the row is free, instead of holding up the pieces
 * committed with it.
 */
public final class TicketLockedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param row what is held: "ticket 12", "incident 3" */
    public TicketLockedException(String row, Throwable cause) {
        super(row + " is locked by another transaction", cause);
    }
}

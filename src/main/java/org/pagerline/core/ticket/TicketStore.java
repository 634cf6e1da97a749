package org.pagerline.core.ticket;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Port: where tickets and their timelines are kept. Implementations run inside a transaction. */
public interface TicketStore {

    /** Inserts the ticket (its id is ignored) and returns it with the id given. */
    Ticket insert(Ticket ticket);

    /** Saves every field but the id and openedAt. */
    void update(Ticket ticket);

    Optional<Ticket> find(long id);

    /** The newest OPEN ticket from this caller number updated at or after {@code since}. */
    Optional<Ticket> findOpenByCaller(String callerNumber, Instant since);

    /** Newest first. */
    List<Ticket> list(int limit);

    TicketEvent addEvent(long ticketId, Instant at, String kind, String detail);

    /**
     * Adds lines to one ticket's timeline in the given order (their ids are ignored); the ticket's
     * updated_at moves once, to the newest line's instant. For a caller that saves a batch.
     */
    default void addEvents(long ticketId, List<TicketEvent> lines) {
        for (TicketEvent e : lines) {
            addEvent(ticketId, e.at(), e.kind(), e.detail());
        }
    }

    /** Oldest first. */
    List<TicketEvent> events(long ticketId);
}

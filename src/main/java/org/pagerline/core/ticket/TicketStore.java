package org.pagerline.core.ticket;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Port: where tickets and their timelines are kept. Implementations run inside a transaction. */
public interface TicketStore {

    /** Inserts the ticket (its id is ignored) and returns it with the id given. */
    Ticket insert(Ticket ticket);

    /**
     * Saves every field but the id and openedAt, and moves the ticket's version (a life read before
     * it no longer saves: {@link #saveLife(TicketLife, Instant, Instant)}).
     */
    void update(Ticket ticket);

    Optional<Ticket> find(long id);

    /** The newest OPEN ticket from this caller number updated at or after {@code since}. */
    Optional<Ticket> findOpenByCaller(String callerNumber, Instant since);

    /** Newest first. */
    List<Ticket> list(int limit);

    /**
     * Adds a line to the ticket's timeline and moves its updated_at to {@code at} (never back). The
     * transaction's lines may be written together, before it commits; anything read in the same
     * transaction sees them.
     */
    void addEvent(long ticketId, Instant at, String kind, String detail);

    /**
     * Adds lines to one ticket's timeline in the given order (their ids are ignored); the ticket's
     * updated_at moves once, to the newest line's instant. For a caller that saves a batch.
     */
    void addEvents(long ticketId, List<TicketEvent> lines);

    /** Many timeline lines at once (ticket id, at, kind, detail; the id is ignored); updated_at is not moved. */
    void addEvents(List<TicketEvent> events);

    /** The timeline, sorted by time (then by the order written). */
    List<TicketEvent> events(long ticketId);

    // ---- the ticket's life (TicketService only) ----

    /** The ticket's life: state, owner, priority, clocks, pauses and version. */
    Optional<TicketLife> life(long ticketId);

    /**
     * The life a ticket just {@link #insert inserted} has, without reading it back: NEW, nobody's,
     * version 0, no clocks or pauses, its row's priority not yet adopted. (A new ticket's first
     * save compares against this; reading it back cost three queries on every call's start.)
     */
    default TicketLife insertedLife(Ticket inserted) {
        return new TicketLife(inserted.id(), inserted.source(), inserted.openedAt(), TicketState.NEW, null, null, null,
                null, null, null, 0, java.util.List.of(), java.util.List.of(), inserted.priority());
    }

    /**
     * Saves a life with one compare-and-set: only if the row still has {@code life.version()};
     * bumps the version, sets {@code sla_check_at} to {@code nextCheck}, replaces clocks and pauses.
     * False (nothing written) when someone changed the ticket since it was read.
     */
    boolean saveLife(TicketLife life, Instant nextCheck, Instant at);

    /**
     * As {@link #saveLife(TicketLife, Instant, Instant)}, for a life read as {@code before} in this
     * transaction: writes only the clocks and pauses that changed from it.
     */
    default boolean saveLife(TicketLife before, TicketLife life, Instant nextCheck, Instant at) {
        return saveLife(life, nextCheck, at);
    }

    /**
     * The clocks' columns and {@code sla_check_at} of a life whose state, owner, priority, pauses and
     * set of clocks are as stored (the engine's warnings and breaches): the same compare-and-set as
     * {@link #saveLife}, fewer writes.
     */
    boolean saveClocks(TicketLife life, Instant nextCheck);

    /**
     * Many tickets' clocks at once (the engine's decisions, a calendar change): for each, the same compare-and-set as
     * {@link #saveClocks(TicketLife, Instant)} (its {@code before} version), the clocks that
     * changed, and {@code updated_at} moved to {@code touchedAt} when the decision adds timeline
     * lines (null: not moved). Returns the ids whose version had moved (nothing written for them).
     */
    List<Long> saveClocks(List<ClockSave> saves);

    /** One ticket's clock decision, for {@link #saveClocks(List)}. */
    record ClockSave(TicketLife before, TicketLife after, Instant nextCheck, Instant touchedAt) {}

    /**
     * Claims up to {@code limit} tickets whose {@code sla_check_at} has come, earliest first, for
     * the caller's transaction: their rows stay locked until it ends, and rows another
     * transaction holds (another node's pass, a change in progress) are skipped, not waited for.
     */
    List<Long> claimClockDue(Instant now, int limit);

    /** These tickets' facts by id (missing ids left out). */
    java.util.Map<Long, Ticket> findAll(java.util.Collection<Long> ids);

    /** The lives of these tickets (any order; missing ids left out). */
    List<TicketLife> lives(List<Long> ids);


    /** The lives of every ticket not CLOSED (a calendar change recomputes them). */
    List<TicketLife> livesNotClosed();

    /** Lives of the tickets still open for the desk (not RESOLVED or CLOSED), in the order received. */
    List<TicketLife> openLives(int limit);

    /** Tickets whose {@code sla_check_at} has come, earliest first. */
    List<Long> clockDue(Instant now, int limit);

    /** The earliest {@code sla_check_at}. */
    Optional<Instant> nextClockCheck();

    void addPriorityChange(long ticketId, Instant at, Priority from, Priority to, String by, String why);

    /** Oldest first. */
    List<PriorityChangeRecord> priorityChanges(long ticketId);

    /** A priority change as kept. */
    record PriorityChangeRecord(Instant at, Priority from, Priority to, String by, String why) {}

    void setRequesterEmail(long ticketId, String email);

    Optional<String> requesterEmail(long ticketId);
}

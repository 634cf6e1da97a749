package org.pagerline.core.incident;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Port: incidents and the escalation policy. Implementations run inside a transaction. */
public interface IncidentStore {

    /** Inserts (the id is ignored) and returns it with its id. */
    Incident insert(Incident incident);

    Optional<Incident> find(long id);

    /** The ticket's incident still awaiting a call-back (OPEN or ACKNOWLEDGED), if any. */
    Optional<Incident> awaitingCallbackOnTicket(long ticketId);

    /** Whether an incident was opened on the ticket at or after {@code since} (whatever its state now). */
    boolean openedOnTicketSince(long ticketId, Instant since);

    /**
     * Of these tickets, those with an incident awaiting its call-back that carries a respond-by
     * deadline (the incident tells that deadline: the ticket's respond clock pages nobody).
     */
    java.util.Set<Long> ticketsWithIncidentRespondBy(java.util.Collection<Long> ticketIds);

    /** Ids of ACKNOWLEDGED incidents owned by {@code ownerId} (awaiting their call-back), newest first. */
    List<Long> acknowledgedBy(long ownerId);

    /** Reads and locks the row until the transaction ends (SELECT ... FOR UPDATE). */
    Optional<Incident> lock(long id);

    /**
     * The only write of an incident after its insert: every column that can change, if the stored
     * version is still {@code changed.version()}, the one it was read at (compare-and-set); the stored
     * version goes up by one. False when someone else saved it meanwhile: read it again, decide again.
     */
    boolean save(Incident changed);

    /**
     * For the engine: reads and locks the incident if it is still due at {@code now} and no other
     * transaction holds its row ({@code FOR UPDATE SKIP LOCKED}); empty otherwise. Of two nodes'
     * passes that find it due, one decides it; the other moves on rather than wait, and finds it no
     * longer due once the first has committed.
     */
    Optional<Incident> claimDue(long id, Instant now);

    /** Ids of incidents with any due column at or before {@code now}, earliest first. */
    List<Long> dueIds(Instant now, int limit);

    /** The earliest due column over all incidents, or empty. */
    Optional<Instant> nextDue();

    /** Newest first; {@code openOnly} keeps OPEN and ACKNOWLEDGED. */
    List<Incident> list(int limit, boolean openOnly);

    /** The stored policy's text, if one was set. */
    Optional<String> policyText();

    void savePolicy(String text, Instant at);
}

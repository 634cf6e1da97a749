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

    /** Ids of ACKNOWLEDGED incidents owned by {@code ownerId} (awaiting their call-back), newest first. */
    List<Long> acknowledgedBy(long ownerId);

    /**
     * Saves what a later voicemail changes: priority, call-back number, recording, and the
     * service-level columns (respond-by, next check) only when {@code priorityRose}. Only while the
     * incident still awaits its call-back (OPEN or ACKNOWLEDGED); false when it no longer does.
     * The caller holds the incident's row lock ({@link #lock}).
     */
    boolean saveVoicemailDetails(Incident incident, boolean priorityRose);

    /** Reads and locks the row until the transaction ends (SELECT ... FOR UPDATE). */
    Optional<Incident> lock(long id);

    /**
     * For the engine: reads and locks the incident if it is still due at {@code now} and no other
     * transaction holds its row ({@code FOR UPDATE SKIP LOCKED}); empty otherwise. Of two nodes'
     * passes that find it due, one decides it; the other moves on rather than wait, and finds it no
     * longer due once the first has committed.
     */
    Optional<Incident> claimDue(long id, Instant now);

    /** Saves the escalation columns (step, cycle, the due instants, SLA stage) of an incident. */
    void saveSchedule(Incident incident);

    /** Ids of incidents with any due column at or before {@code now}, earliest first. */
    List<Long> dueIds(Instant now, int limit);

    /** The earliest due column over all incidents, or empty. */
    Optional<Instant> nextDue();

    /**
     * OPEN to ACKNOWLEDGED by {@code ownerId}, only if still OPEN (a conditional update: of two
     * racing acknowledgements exactly one wins). Stops the paging. True if this call won.
     */
    boolean acknowledge(long id, long ownerId, String ownerName, Instant at);

    /**
     * To CALLED_BACK from OPEN or ACKNOWLEDGED (setting the owner if none yet). Stops every timer.
     * True if this call changed it.
     */
    boolean calledBack(long id, long technicianId, String technicianName, Instant at);

    /** To RESOLVED from any other state; stops every timer. True if this call changed it. */
    boolean resolve(long id, Instant at);

    /** Moves the next step to {@code at} if the incident is OPEN ("pass it on"). */
    boolean escalateNow(long id, Instant at);

    /** Newest first; {@code openOnly} keeps OPEN and ACKNOWLEDGED. */
    List<Incident> list(int limit, boolean openOnly);

    /** The stored policy's text, if one was set. */
    Optional<String> policyText();

    void savePolicy(String text, Instant at);
}

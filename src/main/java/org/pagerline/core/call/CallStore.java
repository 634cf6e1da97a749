package org.pagerline.core.call;

import java.util.List;
import java.util.Optional;

/** Port: support-line calls. Implementations run inside a transaction. */
public interface CallStore {

    /** Inserts (the id is ignored) and returns the call with its id. */
    CallRecord insert(CallRecord call);

    /**
     * Saves the fields the call's FastAGI script owns: caller id, end, last step, outcome, who
     * accepted, recording. Never the queue fields ({@link #recordQueue}): the AMI worker writes
     * those at the same time, and a row read before its commit must not undo them.
     */
    void update(CallRecord call);

    /**
     * Saves the fields the AMI queue events own, and only those: who answered in the queue, the
     * position the caller abandoned at, how long they waited.
     */
    void recordQueue(long callId, String answeredBy, Integer abandonedPosition, Long waitedSeconds);

    Optional<CallRecord> find(long id);

    Optional<CallRecord> findByUniqueId(String asteriskUniqueId);

    /** Oldest first. */
    List<CallRecord> forTicket(long ticketId);
}

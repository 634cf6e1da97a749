package org.pagerline.core.call;

import java.util.List;
import java.util.Optional;

/** Port: support-line calls. Implementations run inside a transaction. */
public interface CallStore {

    /** Inserts (the id is ignored) and returns the call with its id. */
    CallRecord insert(CallRecord call);

    /** Saves every field but the id, unique id, ticket and start. */
    void update(CallRecord call);

    Optional<CallRecord> find(long id);

    Optional<CallRecord> findByUniqueId(String asteriskUniqueId);

    /** Oldest first. */
    List<CallRecord> forTicket(long ticketId);
}

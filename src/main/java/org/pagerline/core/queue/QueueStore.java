package org.pagerline.core.queue;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Port: who has signed in to take queue calls (set by the CLI), and the live view of Asterisk's
 * queue (written by the AMI adapter, read by {@code pagerline queue show} in another process).
 * Implementations run inside a transaction.
 */
public interface QueueStore {

    /** False when the technician was already signed in (nothing changes). */
    boolean signIn(long technicianId, Instant at);

    /** False when the technician was not signed in. */
    boolean signOut(long technicianId);

    /** Technician id to sign-in instant. */
    Map<Long, Instant> signedIn();

    /** Adds or replaces the caller. */
    void putCaller(WaitingCaller caller);

    /** Removes the caller; callers behind move up one place. Empty if unknown. */
    Optional<WaitingCaller> removeCaller(String uniqueId);

    Optional<WaitingCaller> caller(String uniqueId);

    /** Callers in queue order. */
    List<WaitingCaller> callers();

    /** Replaces the whole live view (after a QueueStatus). */
    void replaceLive(List<WaitingCaller> callers, List<QueueMember> members);

    /** Adds or replaces one member's state. */
    void putMember(QueueMember member);

    void removeMember(String memberInterface);

    List<QueueMember> members();

    /** The AMI link as the server last saw it: "up" or "down", and since when. */
    void saveLink(String state, Instant since);

    Optional<Link> link();

    record Link(String state, Instant since) {}
}

package org.pagerline.core.call;

import java.util.List;
import java.util.Optional;

/** Port: support-line calls. Implementations run inside a transaction. */
public interface CallStore {

    /** Inserts (the id is ignored) and returns the call with its id. */
    default CallRecord insert(CallRecord call) {
        return insert(call, null);
    }

    /**
     * Inserts a call served by the server run {@code serverRun} (see {@link #unfinished}), and
     * returns it with its id.
     */
    CallRecord insert(CallRecord call, String serverRun);

    /**
     * Saves a live call's progress: its step, its recording once there is one, the priority the
     * caller chose on the urgent path once chosen (a save without one leaves it), and its end (the
     * first end saved wins; a later one changes nothing). Never who accepted it nor the queue's
     * fields. True if the call had not ended before.
     */
    boolean saveProgress(long callId, CallStep lastStep, String recording, CallOutcome outcome, java.time.Instant endedAt,
            org.pagerline.core.ticket.Priority urgentPriority);

    /** {@link #saveProgress(long, CallStep, String, CallOutcome, java.time.Instant, org.pagerline.core.ticket.Priority)} with no priority. */
    default boolean saveProgress(long callId, CallStep lastStep, String recording, CallOutcome outcome,
            java.time.Instant endedAt) {
        return saveProgress(callId, lastStep, recording, outcome, endedAt, null);
    }

    /**
     * The priority the caller chose on the urgent path, as saved, while nobody accepted the call
     * (the caller was not put through); empty otherwise (or no such call).
     */
    Optional<org.pagerline.core.ticket.Priority> urgentPriority(long callId);

    /**
     * Compare-and-set: records that {@code technicianId} accepted the call, if it is still live
     * and nobody accepted it before. True if this did it.
     */
    boolean accept(long callId, long technicianId);

    /**
     * Takes back {@link #accept}: the technician hung up before being put through. True if the call
     * was still live and theirs.
     */
    boolean withdrawAccept(long callId, long technicianId);

    /**
     * Calls with no end whose server run starts with {@code runPrefix} and is not {@code except}
     * (null: any): the calls a stopped or killed server left live.
     */
    List<CallRecord> unfinished(String runPrefix, String except);

    /**
     * Saves the fields the call's FastAGI script owns: caller id, end, last step, outcome, who
     * accepted, recording. Never the queue fields ({@link #recordQueue}): the AMI worker writes
     * those at the same time, and a row read before its commit must not undo them.
     */
    void update(CallRecord call);

    /**
     * The server run {@code run} still serves its calls at {@code at}. False when it was not known
     * (its first beat, or another node had ended its calls while it was silent and forgot it).
     */
    boolean runSeen(String run, java.time.Instant at);

    /** The runs other than {@code except} last seen before {@code before}: their nodes stopped answering. */
    List<String> runsSilentSince(java.time.Instant before, String except);

    /**
     * Takes a silent run to end its calls: moves its beat to {@code now} if it was still last seen
     * before {@code before}. False if it beat meanwhile or another node took it.
     */
    boolean claimSilentRun(String run, java.time.Instant before, java.time.Instant now);

    /** Forgets a run this node claimed at {@code claimedAt}, unless it beat since (its calls are ended). */
    void forgetClaimedRun(String run, java.time.Instant claimedAt);

    /** Forgets the runs whose name starts with {@code runPrefix}, but {@code except} (null: none): stopped, or their calls ended. */
    void forgetRuns(String runPrefix, String except);

    /**
     * Saves the fields the AMI queue events own, and only those: who answered in the queue, the
     * position the caller abandoned at, how long they waited.
     */
    void recordQueue(long callId, String answeredBy, Integer abandonedPosition, Long waitedSeconds);

    /**
     * Keeps the message the dialplan's fallback voicemail recorded for the call (the call's
     * recording too, if it has none); false, changing nothing, if one was kept before.
     */
    boolean takeFallback(long callId, String recording);

    /**
     * Whether the call (by Asterisk's unique id) ended as cut off or failed and has no fallback
     * message yet: a message of the fallback's folder with its id is owed to it.
     */
    boolean awaitsFallback(String asteriskUniqueId);

    Optional<CallRecord> find(long id);

    Optional<CallRecord> findByUniqueId(String asteriskUniqueId);

    /** Oldest first. */
    List<CallRecord> forTicket(long ticketId);
}

package org.pagerline.service;

import java.util.Optional;
import org.pagerline.core.call.Call;
import org.pagerline.core.directory.Client;

/**
 * A call being served: the call object ({@link Call}, owned by the thread that serves the call),
 * what the caller is waiting for (the ticket, and the desk as it was when the call began: the
 * routing decision), and whether saving its progress has failed (then the next save throws, and
 * the script hands the caller to the dialplan's fallback).
 *
 * @param callerE164 the caller ID as an E.164 number, when it is one
 */
public final class LiveCall {
    private final Call call;
    private final String asteriskUniqueId;
    private final String callerId;
    private final Optional<String> callerE164;
    private final Optional<Client> client;
    private final boolean reusedTicket;
    private final CallService.Situation situation;
    private final java.util.concurrent.atomic.AtomicReference<RuntimeException> saveFailure =
            new java.util.concurrent.atomic.AtomicReference<>();

    LiveCall(Call call, String asteriskUniqueId, String callerId, Optional<String> callerE164, Optional<Client> client,
            boolean reusedTicket, CallService.Situation situation) {
        this.call = call;
        this.asteriskUniqueId = asteriskUniqueId;
        this.callerId = callerId;
        this.callerE164 = callerE164;
        this.client = client;
        this.reusedTicket = reusedTicket;
        this.situation = situation;
    }

    public Call call() {
        return call;
    }

    public long callId() {
        return call.id();
    }

    public long ticketId() {
        return call.ticketId();
    }

    public String asteriskUniqueId() {
        return asteriskUniqueId;
    }

    /** The caller ID as Asterisk gave it (cleaned of controls). */
    public String callerId() {
        return callerId;
    }

    public Optional<String> callerE164() {
        return callerE164;
    }

    public Optional<Client> client() {
        return client;
    }

    public boolean reusedTicket() {
        return reusedTicket;
    }

    /** The desk when the call began: open or not, who is primary, the calendar. */
    public CallService.Situation situation() {
        return situation;
    }

    void saveFailed(RuntimeException e) {
        saveFailure.compareAndSet(null, e);
    }

    /** A failed save not yet reported to the script (reported once: the call's last save still goes in). */
    RuntimeException takeSaveFailure() {
        return saveFailure.getAndSet(null);
    }
}

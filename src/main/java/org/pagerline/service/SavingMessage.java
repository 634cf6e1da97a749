package org.pagerline.service;

import java.util.concurrent.CompletableFuture;

/**
 * A message the journal is committing ({@link CallService#leaveMessage}): on the urgent path the
 * voicemail with the incident it opens. The caller hears their ticket number meanwhile;
 * {@link #await} holds the call-back promise until the message is committed, or its failure is
 * on the ticket. Never throws: a failure is logged and recorded where it happens.
 */
public final class SavingMessage {
    /** A message with nothing to wait for (a non-urgent one, saved like any other progress). */
    static final SavingMessage SAVED = new SavingMessage(CompletableFuture.completedFuture(null));

    private final CompletableFuture<Void> settled;

    SavingMessage(CompletableFuture<Void> settled) {
        this.settled = settled;
    }

    /** Waits until the message (and its incident) is committed, or its failure is recorded. */
    public void await() {
        settled.join();
    }
}

package org.pagerline.service;

import java.util.concurrent.CompletableFuture;

/**
 * A call whose start ({@link CallService#begin}) the journal is committing. The line answers and
 * plays the greeting meanwhile; {@link #await} hands the call over once its ticket is committed.
 */
public final class StartingCall {
    private final CompletableFuture<LiveCall> committed;

    StartingCall(CompletableFuture<LiveCall> committed) {
        this.committed = committed;
    }

    /**
     * Waits for the start's commit and returns the call; throws what the start threw (then nothing
     * of it was written). May be called again: the same call, or the same failure.
     */
    public LiveCall await() {
        return CallJournal.join(committed);
    }
}

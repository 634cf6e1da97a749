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

    /**
     * Waits at most {@code max} for the start's commit: the call, or empty if it is not committed
     * by then (it may still be: see {@link CallService#whenStartLands}); throws what the start threw.
     */
    public java.util.Optional<LiveCall> await(java.time.Duration max) {
        return CallJournal.join(committed, max);
    }

    /** Runs {@code then} with the call once its start is committed (at once if it is); never if the start fails. */
    void whenCommitted(java.util.function.Consumer<LiveCall> then) {
        committed.thenAccept(then);
    }
}

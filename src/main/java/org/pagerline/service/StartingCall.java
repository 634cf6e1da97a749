package org.pagerline.service;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

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
        try {
            return committed.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw e;
        }
    }
}

package org.pagerline.service;

import java.util.concurrent.CompletableFuture;

/**
 * A message the journal is committing ({@link CallService#leaveMessage}): on the urgent path the
 * voicemail with the incident it opens; or an urgent caller's page without a message
 * ({@link CallService#urgentFailedBeforeMessage}, {@link CallService#urgentHungUpBeforeMessage}),
 * which nobody waits for but the call's last save follows. The caller hears their ticket number meanwhile;
 * {@link #await} holds the call-back promise until the message is committed, or the incident's
 * failure is on the ticket (then the promise is told all the same: someone must call back by hand).
 */
public final class SavingMessage {
    /** A message with nothing to wait for (a non-urgent one, saved like any other progress). */
    static final SavingMessage SAVED = new SavingMessage(CompletableFuture.completedFuture(null));

    private final CompletableFuture<Void> settled;

    SavingMessage(CompletableFuture<Void> settled) {
        this.settled = settled;
    }

    /**
     * Waits until the message (and its incident) is committed, or the incident's failure is on the
     * ticket. Throws when nothing of the message could be saved (logged already): the caller then
     * belongs to the dialplan's fallback voicemail, not to a promise nobody will keep.
     */
    public void await() {
        CallJournal.join(settled);
    }

    /**
     * Waits at most {@code max}, like {@link #await()}: false if the message is not settled by then
     * (its commit goes on; the line stops waiting for it at {@code line.wait-limit}).
     */
    public boolean await(java.time.Duration max) {
        return CallJournal.join(settled.thenApply(v -> Boolean.TRUE), max).isPresent(); // a Void's null would read as not yet
    }

    /** True once it is committed, or its failure is on the ticket, or nothing of it could be saved. */
    boolean settled() {
        return settled.isDone();
    }

    /**
     * Once settled: what was lost if nothing of the urgent message could be saved (its incident, nor
     * the line saying it failed); else null.
     */
    MessageNotSavedException notSaved() {
        if (!settled.isCompletedExceptionally()) {
            return null;
        }
        try {
            settled.join();
        } catch (java.util.concurrent.CompletionException e) {
            return e.getCause() instanceof MessageNotSavedException lost ? lost : null;
        } catch (java.util.concurrent.CancellationException e) {
            return null;
        }
        return null;
    }

    /** Runs {@code then} once settled, whatever came of it (on the journal's writer, or here if settled). */
    void whenSettled(Runnable then) {
        settled.whenComplete((v, e) -> then.run());
    }
}

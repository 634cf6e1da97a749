package org.pagerline.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pagerline.core.call.CallOutcome;
import org.pagerline.core.call.CallRecord;
import org.pagerline.core.call.CallStep;
import org.pagerline.core.roster.Technician;
import org.pagerline.testkit.Eventually;
import org.pagerline.testkit.MutableClock;
import org.pagerline.testkit.RecordingIncidentOpener;
import org.pagerline.testkit.TestDatabase;
import org.pagerline.testkit.UrgentCallers;

/**
 * A technician's accept and a cut-off meet on one urgent call (the H2 file as the server opens it):
 * the technician's transaction has put the call through and not yet committed when the cut-off
 * reaches the call's row. The cut-off waits for the row, and reads whether the caller was put
 * through only once it has it, so the accept committed meanwhile is seen: nobody is paged for a
 * caller talking to the technician.
 */
class AcceptRacingTheCutOffTest {
    @TempDir
    Path dir;

    @Test
    void anAcceptCommittedWhileTheCutOffWaitsForTheCallsRowIsSeenAndNobodyIsPaged() throws Exception {
        try (TestDatabase db = TestDatabase.fileIn(dir)) {
            MutableClock clock = MutableClock.at("2026-11-23T03:00:00Z");
            RecordingIncidentOpener opener = new RecordingIncidentOpener();
            CallService killed = UrgentCallers.node(db.transactions(), db.transactions(), clock, opener,
                    "node-a");
            LiveCall live = UrgentCallers.urgentCallerAt(killed, clock, "1763900005.1", "+12045550123",
                    CallStep.RINGING);
            long tech = db.transactions().inTransaction(s -> s.roster().insertTechnician(new Technician(0, "Pat",
                    "+12045550100", null, null, java.time.ZoneId.of("America/Winnipeg")), clock.instant())).id();
            CountDownLatch accepted = new CountDownLatch(1);
            CountDownLatch commit = new CountDownLatch(1);
            Thread technician = new Thread(() -> db.transactions().inTransaction(s -> {
                boolean put = s.calls().accept(live.callId(), tech);
                accepted.countDown();
                awaitQuietly(commit);
                return put;
            }), "technician-accept");
            technician.start();
            assertTrue(accepted.await(10, TimeUnit.SECONDS), "the technician's transaction holds the call's row");

            CallService next = UrgentCallers.node(db.transactions(), db.transactions(), clock, opener,
                    "node-a"); // the killed node's next start
            AtomicInteger ended = new AtomicInteger(-1);
            AtomicReference<Throwable> failed = new AtomicReference<>();
            Thread cutOff = new Thread(() -> {
                try {
                    ended.set(next.endCallsLeftLive());
                } catch (RuntimeException | Error e) {
                    failed.set(e);
                }
            }, "cut-off");
            cutOff.start();
            try {
                Eventually.await(Duration.ofSeconds(10), "the cut-off waiting for the call's row",
                        () -> waitingForARow(cutOff));
            } finally {
                commit.countDown(); // the technician's transaction commits, whatever came of the wait
                technician.join(10_000);
                cutOff.join(20_000);
            }

            assertEquals(null, failed.get());
            assertEquals(1, ended.get(), "the call ended as cut off");
            assertEquals(0, opener.opened().size(), "the caller was put through: nobody is paged");
            CallRecord c = next.find(live.callId()).orElseThrow();
            assertEquals(CallOutcome.CUT_OFF, c.outcome());
            assertEquals(tech, c.acceptedBy());
            next.close();
        }
    }

    /** Whether {@code t} waits inside H2 for a row another transaction holds. */
    private static boolean waitingForARow(Thread t) {
        Thread.State state = t.getState();
        return (state == Thread.State.TIMED_WAITING || state == Thread.State.WAITING)
                && Arrays.stream(t.getStackTrace()).anyMatch(f -> f.getClassName().startsWith("org.h2.mvstore.tx.")
                        && f.getMethodName().startsWith("waitFor"));
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

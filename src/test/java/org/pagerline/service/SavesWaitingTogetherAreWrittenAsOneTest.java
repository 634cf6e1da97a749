package org.pagerline.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.pagerline.core.call.CallOutcome;
import org.pagerline.core.call.CallRecord;
import org.pagerline.core.call.CallStep;
import org.pagerline.core.ticket.TicketEvent;
import org.pagerline.testkit.MutableClock;
import org.pagerline.testkit.RecordingIncidentOpener;
import org.pagerline.testkit.TestDatabase;

/**
 * Under load a call's saves pile up behind the writers: the saves of one call still waiting when
 * the next comes are written as one (one update of the call row, one batch of lines), and what the
 * database then holds is exactly what writing them one by one leaves: the same timeline in the
 * same order, the same call row.
 */
class SavesWaitingTogetherAreWrittenAsOneTest {
    private final TestDatabase db = TestDatabase.inMemory();
    private final MutableClock clock = MutableClock.at("2026-11-23T03:00:00Z");

    /** The real transactions; while closed, each commit of the journal waits at the gate first. */
    private static final class Gate implements Transactions {
        final Transactions real;
        final Semaphore entered = new Semaphore(0);
        volatile Semaphore open;

        Gate(Transactions real) {
            this.real = real;
        }

        @Override
        public <T> T inTransaction(Function<Stores, T> work) {
            return real.inTransaction(work);
        }

        @Override
        public List<Result> inOneCommit(List<? extends Function<Stores, ?>> pieces) {
            Semaphore g = open;
            if (g != null) {
                entered.release();
                try {
                    assertTrue(g.tryAcquire(10, TimeUnit.SECONDS), "the gate never opened");
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return real.inOneCommit(pieces);
        }
    }

    @AfterEach
    void close() {
        db.close();
    }

    private CallService calls(Transactions tx) {
        return new CallService(tx, new TicketService(db.transactions(), clock), new PhoneNumbers("CA"),
                new RecordingIncidentOpener(), clock, Duration.ofHours(4), Duration.ofMinutes(30), Set.of("CA", "US"));
    }

    /** The message path's saves: before the recording, the message, then the last line once the ticket is read out. */
    private record Done(LiveCall live, CompletableFuture<Void> last) {}

    private Done messageCall(CallService calls, String uid, String caller, Gate gate) throws Exception {
        LiveCall live = calls.start(uid, "PJSIP/trunk-1", caller, "Jane");
        if (gate != null) {
            gate.open = new Semaphore(0);
        }
        live.call().enter(CallStep.URGENCY);
        live.call().urgency(clock.instant(), false, false);
        live.call().note(clock.instant(), "MESSAGE_CHOSEN", "leaves a message");
        live.call().enter(CallStep.RECORDING);
        calls.save(live); // a writer takes it, and waits at the gate
        if (gate != null) {
            assertTrue(gate.entered.tryAcquire(10, TimeUnit.SECONDS), "the first save reached a writer");
        } else {
            assertTrue(calls.awaitSaved(Duration.ofSeconds(10)));
        }
        live.call().callback(clock.instant(), caller, "caller ID, confirmed");
        calls.messageLeft(live, "/var/spool/m1", 12, false, false, null); // waits: its call is being written
        if (gate == null) {
            assertTrue(calls.awaitSaved(Duration.ofSeconds(10)));
        }
        live.call().enter(CallStep.TICKET);
        live.call().note(clock.instant(), "TOLD", "ticket number and call-back promise read out");
        CompletableFuture<Void> last = CompletableFuture.runAsync(() -> calls.saveLast(live));
        return new Done(live, last);
    }

    private static List<String> timeline(CallService calls, TestDatabase db, long ticketId) {
        return db.transactions().inTransaction(s -> s.tickets().events(ticketId)).stream()
                .map(e -> e.kind() + ": " + e.detail()).toList();
    }

    @Test
    void aCallsWaitingSavesAreOneWriteThatLeavesWhatWritingThemOneByOneLeaves() throws Exception {
        Gate gate = new Gate(db.transactions());
        CallService joined = calls(gate);
        Done j = messageCall(joined, "1764730000.1", "+12045550123", gate);
        // the last save is handed in (it joins the message's save, which still waits) before the gate opens
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (joined.savesJoined() < 1 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        Semaphore g = gate.open;
        gate.open = null;
        g.release(100);
        j.last().get(10, TimeUnit.SECONDS);
        assertTrue(joined.awaitSaved(Duration.ofSeconds(10)));
        assertEquals(1, joined.savesJoined(), "the last save joined the message's, which still waited");

        CallService oneByOne = calls(db.transactions());
        Done o = messageCall(oneByOne, "1764730000.2", "+12045550124", null);
        o.last().get(10, TimeUnit.SECONDS);
        assertTrue(oneByOne.awaitSaved(Duration.ofSeconds(10)));
        assertEquals(0, oneByOne.savesJoined());

        List<String> joinedLines = timeline(joined, db, j.live().ticketId());
        List<String> oneByOneLines = timeline(oneByOne, db, o.live().ticketId());
        assertEquals(oneByOneLines.stream().map(l -> l.replace("+12045550124", "#")).toList(),
                joinedLines.stream().map(l -> l.replace("+12045550123", "#")).toList());
        assertTrue(joinedLines.get(joinedLines.size() - 1).startsWith("TOLD"), joinedLines.toString());

        CallRecord a = joined.find(j.live().callId()).orElseThrow();
        CallRecord b = oneByOne.find(o.live().callId()).orElseThrow();
        assertEquals(CallOutcome.MESSAGE, a.outcome());
        assertEquals(CallStep.TICKET, a.lastStep());
        assertEquals(b.outcome(), a.outcome());
        assertEquals(b.lastStep(), a.lastStep());
        assertEquals(b.endedAt(), a.endedAt());
        assertEquals(b.recording(), a.recording());
        assertEquals("+12045550123", db.transactions().inTransaction(s -> s.tickets().find(j.live().ticketId()))
                .orElseThrow().callbackNumber());
    }
}

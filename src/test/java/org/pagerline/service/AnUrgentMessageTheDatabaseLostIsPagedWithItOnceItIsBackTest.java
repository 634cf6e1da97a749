package org.pagerline.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.pagerline.core.call.CallOutcome;
import org.pagerline.core.call.CallRecord;
import org.pagerline.core.incident.Incident;
import org.pagerline.core.ticket.Priority;
import org.pagerline.core.ticket.TicketEvent;
import org.pagerline.testkit.MutableClock;
import org.pagerline.testkit.TestDatabase;

/**
 * The database is away for both tries of an urgent caller's message with its incident (the message,
 * then the line saying the incident failed): nothing of it is saved, and the dialplan's fallback
 * takes the caller. Once the database is back, the call's last save gives the message back to the
 * call, which ends as failed (not as a message nobody was paged for), and the caller is paged with
 * the message they left. Before, the last save wrote the call as ended with its urgent voicemail,
 * and nobody was paged unless the caller left a second message in the fallback voicemail.
 */
class AnUrgentMessageTheDatabaseLostIsPagedWithItOnceItIsBackTest {
    private static final String RECORDING = "/var/spool/asterisk/pagerline/ticket-1-call-1";
    private final TestDatabase db = TestDatabase.inMemory();
    private final MutableClock clock = MutableClock.at("2026-12-07T02:00:00-06:00");
    private final AwayForAWhile tx = new AwayForAWhile(db.transactions());
    private CallService calls;

    /**
     * Real transactions, but the journal's next {@code away} commits fail (the database connection
     * lost); with {@code gate} the first of them waits for the test before failing.
     */
    private static final class AwayForAWhile implements Transactions {
        final Transactions real;
        final AtomicInteger away = new AtomicInteger();
        volatile Semaphore gate;

        AwayForAWhile(Transactions real) {
            this.real = real;
        }

        @Override
        public <T> T inTransaction(Function<Stores, T> work) {
            return real.inTransaction(work);
        }

        @Override
        public List<Result> inOneCommit(List<? extends Function<Stores, ?>> pieces) {
            if (away.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                Semaphore g = gate;
                gate = null;
                if (g != null) {
                    try {
                        assertTrue(g.tryAcquire(10, TimeUnit.SECONDS), "the test never let the commit go");
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                throw new IllegalStateException("database connection lost");
            }
            return real.inOneCommit(pieces);
        }
    }

    @BeforeEach
    void open() {
        IncidentService incidents = new IncidentService(tx, clock, Duration.ofMinutes(30), Duration.ofMinutes(15), () -> { });
        calls = new CallService(tx, new TicketService(tx, clock), new PhoneNumbers("CA"), incidents, clock,
                Duration.ofHours(4), Duration.ofMinutes(30), Set.of("CA", "US"));
    }

    @AfterEach
    void close() {
        calls.close();
        db.close();
    }

    /** Jane, urgent, P1, her caller ID confirmed as the call-back number: saved before her message. */
    private LiveCall janeReadyToRecord() {
        LiveCall jane = calls.start("1765090000.1", "PJSIP/trunk-1", "+12045550123", "Jane");
        jane.call().urgency(clock.instant(), true, false);
        jane.call().priority(clock.instant(), Priority.P1, false);
        jane.call().callback(clock.instant(), "+12045550123", "caller ID, confirmed");
        calls.save(jane);
        assertTrue(calls.awaitSaved(Duration.ofSeconds(10)));
        clock.advance(Duration.ofSeconds(40)); // the Dial, unanswered, then her message
        return jane;
    }

    @Test
    void whenTheLineWaitedForItTheCallFailsAndTheCallerIsPagedWithTheirMessage() {
        LiveCall jane = janeReadyToRecord();
        tx.away.set(2);
        SavingMessage message = calls.leaveMessage(jane, RECORDING, 20, false, true, Priority.P1);
        assertThrows(MessageNotSavedException.class, message::await, "nothing of it was saved: the fallback takes her");
        // the script's last save (SupportLineScript), the database back
        calls.saveLast(jane, message, false);
        assertPagedWithHerMessage(jane);
    }

    @Test
    void whenTheLineHadGivenUpWaitingTheLastSaveFollowsTheFailureAndPagesAllTheSame() throws Exception {
        LiveCall jane = janeReadyToRecord();
        Semaphore gate = new Semaphore(0);
        tx.gate = gate;
        tx.away.set(2);
        SavingMessage message = calls.leaveMessage(jane, RECORDING, 20, false, true, Priority.P1);
        assertFalse(message.await(Duration.ZERO), "its commit is under way");
        // the line gave up waiting (line.wait-limit): the script's last save follows the message
        calls.saveLast(jane, message, false);
        gate.release();
        assertPagedWithHerMessage(jane);
    }

    private void assertPagedWithHerMessage(LiveCall jane) {
        assertTrue(calls.awaitSaved(Duration.ofSeconds(10)), "everything handed in was written");
        Transactions real = tx.real;
        List<TicketEvent> lines = real.inTransaction(s -> s.tickets().events(jane.ticketId()));
        String timeline = String.join("\n", lines.stream().map(e -> e.kind() + " " + e.detail()).toList());
        List<Incident> open = real.inTransaction(s -> s.incidents().list(10, true));
        assertEquals(1, open.size(), "Jane is paged:\n" + timeline);
        assertEquals(RECORDING, open.get(0).caller().recording(), "with the message she left");
        CallRecord call = real.inTransaction(s -> s.calls().find(jane.callId())).orElseThrow();
        assertEquals(CallOutcome.FAILED, call.outcome(), "her call failed, not ended with a message:\n" + timeline);
        assertEquals(RECORDING, call.recording());
        List<String> kinds = lines.stream().map(TicketEvent::kind).toList();
        assertTrue(kinds.indexOf("VOICEMAIL") >= 0 && kinds.indexOf("VOICEMAIL") < kinds.indexOf("URGENT_MESSAGE_NOT_SAVED"),
                "her message's line came back, before the page's:\n" + timeline);
        assertTrue(kinds.contains("CALL_FAILED") && kinds.contains("CALLBACK_DUE"), timeline);
        assertFalse(timeline.contains("CALL_ENDED urgent voicemail"), timeline);
    }
}

package org.pagerline.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.pagerline.core.call.CallOutcome;
import org.pagerline.core.call.CallRecord;
import org.pagerline.core.call.CallStep;
import org.pagerline.testkit.MutableClock;
import org.pagerline.testkit.RecordingIncidentOpener;
import org.pagerline.testkit.TestDatabase;

/**
 * The call row has two writers: the call's own progress (steps, the end, the recording) and the
 * AMI queue events (who answered, the abandon position and wait). Whichever is saved first, each
 * keeps what the other wrote, and a caller answered in the queue who hangs up after talking ends
 * answered, not hung up.
 */
class QueueEventsAndCallProgressTest {
    private static final String UID = "1796186322.41";
    /** What the AMI adapter writes for QueueCallerAbandon since 2026-12-07 (older nodes: QUEUE_ABANDONED, "hung up in the queue ..."). */
    private static final String LEFT = "left the queue unanswered at position 3 after 4m12s (joined at position 5)";
    private static final String ABANDONED = "hung up in the queue at position 3 after 4m12s (joined at position 5)";
    private final TestDatabase db = TestDatabase.inMemory();
    private final MutableClock clock = MutableClock.at("2026-11-23T16:00:00Z");
    private final CallService calls = new CallService(db.transactions(), new TicketService(db.transactions(), clock),
            new PhoneNumbers("CA"), new RecordingIncidentOpener(), clock, Duration.ofHours(4), Duration.ofMinutes(30),
            Set.of("CA", "US"));

    @AfterEach
    void close() {
        calls.close();
        db.close();
    }

    @Test
    void anAbandonRecordedBeforeTheHangUpIsSavedKeepsItsPositionAndWait() {
        LiveCall call = queuedCall();
        calls.onQueueEvent(UID, "QUEUE_ABANDONED", ABANDONED);
        call.call().hungUp(clock.instant());
        calls.save(call);

        CallRecord c = saved(call);
        assertEquals(CallOutcome.HUNG_UP, c.outcome());
        assertEquals(3, c.abandonedPosition(), "the position the AMI event recorded");
        assertEquals(252L, c.waitedSeconds(), "the wait the AMI event recorded");
    }

    @Test
    void aCallerWhoLeftTheQueueUnansweredKeepsWhereAndHowLongWhateverTheReason() {
        LiveCall call = queuedCall();
        calls.onQueueEvent(UID, "QUEUE_LEFT", LEFT);
        // the support line's own line (Queue() returned TIMEOUT, the caller still there) carries no position
        call.call().note(clock.instant(), "QUEUE_LEFT", "left the queue: TIMEOUT; taking a message");
        call.call().enter(CallStep.CALLBACK);
        calls.save(call);

        CallRecord c = saved(call);
        assertEquals(3, c.abandonedPosition(), "where they left the queue, unanswered");
        assertEquals(252L, c.waitedSeconds());
    }

    @Test
    void aLeaveToldBeforeItsLateAnswerLeavesNoAbandonedPositionOnTheCall() {
        LiveCall call = queuedCall();
        calls.onQueueEvent(UID, "QUEUE_LEFT", LEFT); // the AMI worker told the leave after its grace
        calls.onQueueEvent(UID, "QUEUE_ANSWERED", "answered by Alice Tremblay after 4m12s in the queue");
        calls.onQueueEvent(UID, "QUEUE_LEFT", LEFT); // another node's late leave of the same answered call
        call.call().enter(CallStep.TICKET);
        calls.save(call);

        CallRecord c = saved(call);
        assertEquals("Alice Tremblay", c.answeredBy());
        assertEquals(null, c.abandonedPosition(), "answered, not left unanswered");
        assertEquals(252L, c.waitedSeconds());
    }

    @Test
    void anAbandonRecordedAfterTheHangUpWasSavedKeepsTheEnd() {
        LiveCall call = queuedCall();
        call.call().hungUp(clock.instant());
        calls.save(call);
        calls.onQueueEvent(UID, "QUEUE_ABANDONED", ABANDONED);

        CallRecord c = saved(call);
        assertEquals(CallOutcome.HUNG_UP, c.outcome(), "the end the call saved");
        assertEquals(CallStep.QUEUE, c.lastStep());
        assertEquals(3, c.abandonedPosition());
        assertEquals(252L, c.waitedSeconds());
    }

    @Test
    void whoAnsweredIsKeptWhenTheCallMovesToTheNextStep() {
        LiveCall call = queuedCall();
        calls.onQueueEvent(UID, "QUEUE_ANSWERED", "answered by Alice Tremblay after 42s in the queue");
        call.call().enter(CallStep.TICKET);
        calls.save(call);

        CallRecord c = saved(call);
        assertEquals(CallStep.TICKET, c.lastStep());
        assertEquals("Alice Tremblay", c.answeredBy());
        assertNull(c.outcome());
    }

    @Test
    void aCallerAnsweredInTheQueueWhoHangsUpAfterTalkingEndsAnswered() {
        LiveCall call = queuedCall();
        calls.onQueueEvent(UID, "QUEUE_ANSWERED", "answered by Alice Tremblay after 42s in the queue");
        call.call().hungUp(clock.instant());
        calls.save(call);

        assertEquals(CallOutcome.ANSWERED_IN_QUEUE, saved(call).outcome());
        var lines = db.transactions().inTransaction(s -> s.tickets().events(call.ticketId())).stream()
                .map(e -> e.kind() + ": " + e.detail()).toList();
        assertTrue(lines.contains("CALL_ENDED: answered in the queue by Alice Tremblay"), lines.toString());
        assertTrue(lines.stream().noneMatch(l -> l.startsWith("HUNG_UP")), lines.toString());
    }

    private LiveCall queuedCall() {
        LiveCall call = calls.start(UID, "PJSIP/trunk-00000041", "+12045559001", "Jane");
        call.call().enter(CallStep.QUEUE);
        calls.save(call);
        return call;
    }

    private CallRecord saved(LiveCall call) {
        assertTrue(calls.awaitSaved(Duration.ofSeconds(10)), "the journal wrote everything");
        return calls.find(call.callId()).orElseThrow();
    }
}

package org.pagerline.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.pagerline.core.call.CallOutcome;
import org.pagerline.core.call.CallStep;
import org.pagerline.testkit.MutableClock;
import org.pagerline.testkit.RecordingIncidentOpener;
import org.pagerline.testkit.TestDatabase;

/**
 * The calls' progress is written off the callers' threads; the stop (after the FastAGI listener
 * has drained) writes everything handed in, and a call still live then ends as cut off with a
 * line saying at which step, so nothing a call gathered is lost silently.
 */
class CallProgressSavedAtTheStopTest {
    private final TestDatabase db = TestDatabase.inMemory();
    private final MutableClock clock = MutableClock.at("2026-11-23T16:00:00Z");
    private final CallService calls = new CallService(db.transactions(), new TicketService(db.transactions(), clock),
            new PhoneNumbers("CA"), new RecordingIncidentOpener(), clock, Duration.ofHours(4), Duration.ofMinutes(30),
            Set.of("CA", "US"));

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void everythingHandedInIsWrittenAtTheStopAndALiveCallEndsCutOff() {
        LiveCall live = calls.start("1763900000.9", "PJSIP/trunk-9", "+12045550123", "Jane");
        live.call().enter(CallStep.URGENCY);
        live.call().urgency(clock.instant(), false, false);
        calls.save(live);
        LiveCall done = calls.start("1763900000.10", "PJSIP/trunk-10", "+12045550124", "Joe");
        done.call().enter(CallStep.URGENCY);
        done.call().hungUp(clock.instant());
        calls.save(done);

        calls.close();

        List<String> live1 = lines(live.ticketId());
        assertTrue(live1.contains("URGENCY: not urgent"), live1.toString());
        assertEquals("CALL_CUT_OFF", live1.get(live1.size() - 1).split(":")[0], live1.toString());
        assertTrue(live1.get(live1.size() - 1).contains("at or after the urgency step"), live1.toString());
        assertEquals(CallOutcome.CUT_OFF, calls.find(live.callId()).orElseThrow().outcome());
        List<String> ended = lines(done.ticketId());
        assertTrue(ended.contains("HUNG_UP: caller hung up during urgency"), ended.toString());
        assertEquals(CallOutcome.HUNG_UP, calls.find(done.callId()).orElseThrow().outcome(), "an ended call stays as it ended");
    }

    @Test
    void aNewRunEndsTheCallsAnEarlierRunOnThisHostLeftLive() {
        LiveCall live = calls.start("1763900000.11", "PJSIP/trunk-11", "+12045550125", "Jane");
        live.call().enter(CallStep.QUEUE);
        calls.save(live);
        assertTrue(calls.awaitSaved(Duration.ofSeconds(10)));
        // the server was killed: no close. The next start on this host:
        CallService next = new CallService(db.transactions(), new TicketService(db.transactions(), clock),
                new PhoneNumbers("CA"), new RecordingIncidentOpener(), clock, Duration.ofHours(4), Duration.ofMinutes(30),
                Set.of("CA", "US"));
        assertEquals(1, next.endCallsLeftLive());
        assertEquals(CallOutcome.CUT_OFF, next.find(live.callId()).orElseThrow().outcome());
        assertTrue(lines(live.ticketId()).stream().anyMatch(l -> l.startsWith("CALL_CUT_OFF") && l.contains("queue step")));
        assertEquals(0, next.endCallsLeftLive(), "once");
        next.close();
    }

    private List<String> lines(long ticket) {
        return db.transactions().inTransaction(s -> s.tickets().events(ticket)).stream()
                .map(e -> e.kind() + ": " + e.detail()).toList();
    }
}

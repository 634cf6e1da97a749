package org.pagerline.core.call;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.pagerline.core.ticket.Priority;

/** The call object: what a call gathers in memory and hands over, in order, to be saved in one go. */
class CallTest {
    private static final Instant T = Instant.parse("2026-11-23T16:00:00Z");

    @Test
    void progressHoldsTheLinesInOrderAndIsTakenOnce() {
        Call c = new Call(7, 3, CallStep.GREETING);
        c.enter(CallStep.URGENCY);
        c.urgency(T, true, false);
        c.enter(CallStep.PRIORITY);
        c.priority(T, Priority.P2, true);
        c.callback(T, "+12045550123", "caller ID, confirmed");

        Call.Progress p = c.takeProgress();
        assertEquals(CallStep.PRIORITY, p.lastStep());
        assertEquals(Priority.P2, p.raisePriority());
        assertEquals("+12045550123", p.callbackNumber());
        assertEquals(java.util.List.of("URGENCY", "PRIORITY", "CALLBACK_NUMBER"),
                p.lines().stream().map(Call.Line::kind).toList());
        assertEquals("P2: " + Priority.P2.meaning() + " (no valid key pressed; default taken)", p.lines().get(1).detail());
        assertFalse(c.hasProgress(), "taken: the next save writes only what is new");
        assertNull(c.takeProgress().raisePriority());
    }

    @Test
    void theFirstEndingWinsAndLinesAfterItStillGoIn() {
        Call c = new Call(7, 3, CallStep.RECORDING);
        assertTrue(c.finish(T, CallOutcome.MESSAGE, "message left"));
        c.enter(CallStep.TICKET);
        assertFalse(c.hungUp(T), "the message was the end");
        c.note(T, "TOLD", "ticket number and call-back promise read out");

        Call.Progress p = c.takeProgress();
        assertEquals(CallOutcome.MESSAGE, p.outcome());
        assertEquals(CallStep.TICKET, p.lastStep());
        assertEquals(java.util.List.of("CALL_ENDED: message: message left", "TOLD: ticket number and call-back promise read out"),
                p.lines().stream().map(l -> l.kind() + ": " + l.detail()).toList());
        assertTrue(p.lines().get(0).ending());
    }

    @Test
    void aCallerWhoHangsUpInTheQueueAfterBeingAnsweredEndedAnswered() {
        Call c = new Call(7, 3, CallStep.QUEUE);
        c.hungUp(T);
        Call.Progress p = c.takeProgress();
        assertEquals(CallOutcome.ANSWERED_IN_QUEUE, Call.savedOutcome(p, "Alice Tremblay"));
        assertEquals(CallOutcome.HUNG_UP, Call.savedOutcome(p, null));
    }
}

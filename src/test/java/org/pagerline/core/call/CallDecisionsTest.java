package org.pagerline.core.call;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.pagerline.core.ticket.Priority;

class CallDecisionsTest {

    @Test
    void urgentCallersAreServedAtAnyHour() {
        assertEquals(Route.RING_PRIMARY, CallDecisions.route(true, false, true));
        assertEquals(Route.RING_PRIMARY, CallDecisions.route(true, true, true));
        assertEquals(Route.URGENT_MESSAGE, CallDecisions.route(true, false, false), "role unfilled");
    }

    @Test
    void theOthersFollowTheDesksHours() {
        assertEquals(Route.QUEUE, CallDecisions.route(false, true, true));
        assertEquals(Route.AFTER_HOURS, CallDecisions.route(false, false, true));
    }

    @Test
    void priorityKeys() {
        assertEquals(Priority.P1, CallDecisions.priority('1'));
        assertEquals(Priority.P2, CallDecisions.priority('2'));
        assertEquals(Priority.P3, CallDecisions.priority('3'));
        assertEquals(Priority.P3, CallDecisions.priority('0'));
    }

    @Test
    void aVoicemailAnsweringIsNotAConnection() {
        assertFalse(CallDecisions.connected("ANSWER", false));
        assertTrue(CallDecisions.connected("ANSWER", true));
        assertFalse(CallDecisions.connected("NOANSWER", true));
    }

    @Test
    void queueExitsThatLeadToAMessage() {
        assertTrue(CallDecisions.queueLeadsToMessage("TIMEOUT"));
        assertTrue(CallDecisions.queueLeadsToMessage("joinempty"));
        assertFalse(CallDecisions.queueLeadsToMessage(null), "unset: answered");
        assertFalse(CallDecisions.queueLeadsToMessage("CONTINUE"));
    }

    @Test
    void aCallerLeftTheQueueByKeyOnlyWhenQueueMovedTheirChannelToTheExitKeysContext() {
        assertTrue(CallDecisions.leftQueueByKey("pagerline-queue-exit"));
        assertFalse(CallDecisions.leftQueueByKey("pagerline-inbound"), "still where the script runs");
        assertFalse(CallDecisions.leftQueueByKey("transfers"), "moved elsewhere (a Redirect): not the caller's key");
        assertFalse(CallDecisions.leftQueueByKey(null), "Asterisk said nothing");
    }

    @Test
    void onlyA1DuringTheHoldPromptLeavesAMessageInstead() {
        assertTrue(CallDecisions.leavesTheQueueForAMessage("1"));
        assertFalse(CallDecisions.leavesTheQueueForAMessage(""), "no key: hold");
        assertFalse(CallDecisions.leavesTheQueueForAMessage("2"));
        assertFalse(CallDecisions.leavesTheQueueForAMessage(null));
    }

    @Test
    void plausibleCallbackDigits() {
        assertTrue(CallDecisions.plausibleNumber("2045550199"));
        assertFalse(CallDecisions.plausibleNumber("12"));
        assertFalse(CallDecisions.plausibleNumber("2045550199999999"));
        assertFalse(CallDecisions.plausibleNumber("20455*0199"));
    }

    @Test
    void queueEventSentencesGiveTheirFacts() {
        assertEquals(3, QueueEventText.position("abandoned at position 3 after 4m12s").orElseThrow());
        assertEquals(252L, QueueEventText.waitedSeconds("abandoned at position 3 after 4m12s").orElseThrow());
        assertEquals(3725L, QueueEventText.waitedSeconds("after 1h 2m 5s").orElseThrow());
        assertEquals("Alice Smith", QueueEventText.answeredBy("answered by Alice Smith after 35s").orElseThrow());
        assertTrue(QueueEventText.position("joined").isEmpty());
    }

    @Test
    void stepsHaveWireNames() {
        assertEquals("recording", CallStep.RECORDING.wireName());
        assertEquals(CallStep.MENU, CallStep.parse("Menu"));
    }

    @Test
    void aTechnicianNotPutThroughIsDescribedByWhatTheirPhoneDid() {
        assertEquals("Pat's phone answered, but nobody pressed 1 to accept (a voicemail greeting?)",
                CallDecisions.notAcceptedText("Pat", "ANSWER", 25));
        assertEquals("Pat did not answer within 25 s", CallDecisions.notAcceptedText("Pat", "NOANSWER", 25));
        assertEquals("Pat's phone was busy", CallDecisions.notAcceptedText("Pat", "busy", 25));
        assertEquals("Pat could not be reached (DIALSTATUS CHANUNAVAIL)", CallDecisions.notAcceptedText("Pat", "CHANUNAVAIL", 25));
        assertEquals("Pat was not put through (DIALSTATUS unset)", CallDecisions.notAcceptedText("Pat", null, 25));
    }

    @Test
    void aCallerWhoNeverJoinedTheQueueHearsNobodyIsFreeAndOneWhoWaitedHearsSorryForTheWait() {
        for (String joined : List.of("JOINEMPTY", "JOINUNAVAIL", "FULL", "joinempty")) {
            assertEquals(Prompt.NOBODY_FREE, CallDecisions.queueLeftPrompt(joined), joined);
        }
        for (String waited : List.of("TIMEOUT", "LEAVEEMPTY", "LEAVEUNAVAIL")) {
            assertEquals(Prompt.QUEUE_WAIT_OVER, CallDecisions.queueLeftPrompt(waited), waited);
        }
    }
}

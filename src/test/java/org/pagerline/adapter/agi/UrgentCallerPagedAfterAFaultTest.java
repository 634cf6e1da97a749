package org.pagerline.adapter.agi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.pagerline.core.call.CallOutcome;
import org.pagerline.core.call.CallRecord;
import org.pagerline.core.ticket.Priority;
import org.pagerline.core.ticket.TicketEvent;
import org.pagerline.testkit.LineRig;

/**
 * An urgent caller who chose a priority is paged even when pagerline fails them before their
 * message (the dialplan's fallback voicemail then takes it, where pagerline never sees it): here
 * Asterisk answers the call-back step's first command with an error pagerline cannot go on from.
 */
class UrgentCallerPagedAfterAFaultTest {
    LineRig rig;

    @AfterEach
    void stop() {
        if (rig != null) {
            rig.close();
        }
    }

    @Test
    void aFaultAfterThePriorityTellsTheDialplanToTakeOverAndPagesTheCaller() throws Exception {
        rig = LineRig.at(SupportLineScenarioTest.OUT_OF_HOURS); // nobody on call: the caller would leave a message
        List<String> commands = failAtTheCallBackStep(rig, "+12045550123", "1763900002.1");
        assertTrue(commands.get(10).startsWith("GET DATA \"pagerline/priority\""), commands.toString());
        assertTrue(commands.get(11).contains("callback"), "the call-back step was next: " + commands);
        assertTrue(commands.contains("SET VARIABLE \"PAGERLINE_RESULT\" \"FAILED\""), "the fallback takes over: " + commands);

        assertTrue(rig.calls.awaitSaved(java.time.Duration.ofSeconds(10)));
        assertEquals(1, rig.incidents.opened().size(), "the caller is paged: " + commands);
        assertEquals(Priority.P1, rig.incidents.opened().get(0).priority());
        assertNull(rig.incidents.opened().get(0).recording());
        CallRecord call = rig.tx.inTransaction(s -> s.calls().findByUniqueId("1763900002.1")).orElseThrow();
        assertEquals(CallOutcome.FAILED, call.outcome());
        List<String> kinds = rig.tickets.show(call.ticketId()).events().stream().map(TicketEvent::kind).toList();
        assertTrue(kinds.containsAll(List.of("CALL_FAILED", "URGENT_FAILED", "INCIDENT_OPENED")), kinds.toString());
    }

    /**
     * An urgent P1 caller (nobody on call) whose call-back step's first command Asterisk answers
     * with an error: pagerline tells the dialplan FAILED (the fallback takes the caller) and pages
     * them. Returns the commands pagerline sent.
     */
    static List<String> failAtTheCallBackStep(LineRig rig, String callerId, String uniqueId) throws java.io.IOException {
        String env = String.join("\n", rig.asterisk.environment(callerId, uniqueId)) + "\n\n";
        // replies in order: the greeting, urgent (1), P1 (1), then an error at the call-back step
        List<String> replies = new ArrayList<>(List.of(
                "200 result=1",            // SET VARIABLE PAGERLINE_NODE
                "200 result=1",            // SET VARIABLE PAGERLINE_STEP greeting
                "200 result=0",            // ANSWER
                "200 result=0",            // EXEC Playback greeting
                "200 result=1 (SUCCESS)",  // GET VARIABLE PLAYBACKSTATUS
                "200 result=1",            // SET VARIABLE PAGERLINE_TICKET
                "200 result=1",            // SET VARIABLE PAGERLINE_CALL
                "200 result=1",            // SET VARIABLE PAGERLINE_STEP urgency
                "200 result=1",            // GET DATA urgent-or-not: 1
                "200 result=1",            // SET VARIABLE PAGERLINE_STEP priority
                "200 result=1",            // GET DATA priority: 1 (P1)
                "510 Invalid or unknown command")); // the call-back step's first command
        for (int i = 0; i < 4; i++) {
            replies.add("200 result=1");   // FAILED, the trouble prompt
        }
        return rig.asterisk.raw(env, replies, false);
    }
}

package org.pagerline.adapter.agi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.pagerline.cli.simulate.CallerScript;
import org.pagerline.cli.simulate.CallerScript.QueueEnd;
import org.pagerline.cli.simulate.CallerScript.Technician;
import org.pagerline.cli.simulate.Conversation;
import org.pagerline.core.call.CallOutcome;
import org.pagerline.core.call.CallRecord;
import org.pagerline.core.call.CallStep;
import org.pagerline.core.ticket.TicketEvent;
import org.pagerline.service.TicketService;
import org.pagerline.testkit.LineRig;

/** A caller hanging up at every step, and traffic no real Asterisk would send. */
class SupportLineHangupAndGarbageTest {
    static final String IN_HOURS = "2026-11-23T10:00:00-06:00";
    static final String OUT_OF_HOURS = "2026-11-23T21:00:00-06:00";
    LineRig rig;

    @AfterEach
    void stop() {
        if (rig != null) {
            rig.close();
        }
    }

    @ParameterizedTest(name = "hang-up at {0} ({1})")
    @CsvSource({
        "greeting,  in,  '2',     ANSWERED, NOANSWER, HUNG_UP",
        "urgency,   in,  '2',     ANSWERED, NOANSWER, HUNG_UP",
        "queue,     in,  '2',     ANSWERED, NOANSWER, HUNG_UP",
        "priority,  in,  '1',     ANSWERED, NOANSWER, HUNG_UP",
        "ringing,   in,  '1,1',   ANSWERED, NOANSWER, HUNG_UP",
        "callback,  in,  '1,1',   ANSWERED, NOANSWER, HUNG_UP",
        "recording, in,  '1,1,1', ANSWERED, NOANSWER, URGENT_VOICEMAIL",
        "ticket,    in,  '1,1,1', ANSWERED, NOANSWER, URGENT_VOICEMAIL",
        "hours,     out, '2',     ANSWERED, NOANSWER, HUNG_UP",
        "menu,      out, '2',     ANSWERED, NOANSWER, HUNG_UP",
        "recording, out, '2,1,1', ANSWERED, NOANSWER, MESSAGE",
    })
    void aHangUpAtAnyStepLeavesACompleteTicket(String step, String when, String presses, QueueEnd queue, Technician tech,
            CallOutcome expected) {
        rig = LineRig.at(when.equals("in") ? IN_HOURS : OUT_OF_HOURS);
        rig.primary("Alice Tech", "+12045550100");
        String uid = "1763900000." + step.length();
        Conversation c = rig.asterisk.call("support-line", "+12045550123", uid, List.of(),
                new CallerScript(CallerScript.parsePresses(presses), step, tech, queue, null));

        assertTrue(c.callerHungUp(), "the simulated caller did hang up at " + step);
        assertTrue(c.closedByServer(), "pagerline let go of the call");
        // by its unique id: a caller gone during the greeting left before pagerline set PAGERLINE_CALL
        CallRecord call = rig.tx.inTransaction(s -> s.calls().findByUniqueId(uid)).orElseThrow();
        assertEquals(expected, call.outcome());
        assertEquals(CallStep.parse(step), call.lastStep());
        assertNotNull(call.endedAt());
        TicketService.TicketView t = rig.tickets.show(call.ticketId());
        List<String> kinds = t.events().stream().map(TicketEvent::kind).toList();
        assertTrue(kinds.contains("CALL_STARTED"));
        if (expected == CallOutcome.HUNG_UP) {
            assertTrue(t.events().stream().anyMatch(e -> e.kind().equals("HUNG_UP") && e.detail().endsWith("during " + step)),
                    kinds.toString());
        }
        if (step.equals("recording") || step.equals("ticket")) {
            assertTrue(kinds.contains("VOICEMAIL"), "the message is kept when the caller hangs up");
            assertEquals(expected == CallOutcome.URGENT_VOICEMAIL ? 1 : 0, rig.incidents.opened().size());
        }
        if (step.equals("callback")) {
            assertEquals("P1", t.ticket().priority().name(), "the priority given before the hang-up is kept");
        }
    }

    @Test
    void aTruncatedEnvironmentWritesNothingAndTheServerGoesOn() throws Exception {
        rig = LineRig.at(IN_HOURS);
        List<String> env = rig.asterisk.environment("+12045550123", "1763900000.9");
        String cut = String.join("\n", env.subList(0, 4)) + "\nagi_uniq"; // no unique id, no blank line
        rig.asterisk.raw(cut, List.of(), true);
        assertTrue(rig.tickets.list(10).isEmpty(), "no half-written ticket");
        assertServesANormalCall();
    }

    @Test
    void garbageRepliesEndTheCallWithTheTicketCompleteAndTheServerGoesOn() throws Exception {
        rig = LineRig.at(IN_HOURS);
        String env = String.join("\n", rig.asterisk.environment("+12045550123", "1763900000.7")) + "\n\n";
        List<String> commands = rig.asterisk.raw(env, List.of("200 result=1", "200 result=1", "200 result=1",
                "hello there", "}{ not agi", "200 result=banana", "999", "", "HANGUP"), false);
        assertTrue(commands.size() < 20, commands.toString());
        var ticket = rig.tickets.list(10);
        assertEquals(1, ticket.size());
        CallRecord call = awaitEnded("1763900000.7"); // saved off the call's thread, as it ends
        assertEquals(ticket.get(0).id(), call.ticketId());
        assertNotNull(call.outcome(), "the call record is closed: " + rig.tickets.show(ticket.get(0).id()).events());
        assertServesANormalCall();
    }

    @Test
    void anUnknownScriptNameIsRefusedWithTheStatusTheDialplanReads() {
        rig = LineRig.at(IN_HOURS);
        Conversation c = rig.asterisk.call("no-such-script", "+12045550123", "1763900000.5", List.of(), CallerScript.pressing());
        assertEquals("NOT_FOUND", c.variable("AJ_AGISTATUS"));
        assertTrue(rig.tickets.list(10).isEmpty());
        assertServesANormalCall();
    }

    @Test
    void theAcceptScriptWithBadArgumentsNeverAccepts() {
        rig = LineRig.at(IN_HOURS);
        Conversation c = rig.asterisk.call("accept", "+12045550100", "1763900000.6", List.of("x", "y"), CallerScript.pressing("1"));
        assertEquals("0", c.variable("PAGERLINE_ACCEPTED") == null ? "0" : c.variable("PAGERLINE_ACCEPTED"));
        Conversation gone = rig.asterisk.call("accept", "+12045550100", "1763900000.8", List.of("999", "1"), CallerScript.pressing("1"));
        assertEquals("0", gone.variable("PAGERLINE_ACCEPTED"));
        assertTrue(gone.soundFiles().contains("pagerline/accept-gone"));
    }

    @Test
    void aSocketClosedMidCallIsAHangUp() throws Exception {
        rig = LineRig.at(IN_HOURS);
        String env = String.join("\n", rig.asterisk.environment("+12045550123", "1763900000.4")) + "\n\n";
        rig.asterisk.raw(env, List.of("200 result=1", "200 result=1"), false);
        CallRecord call = awaitEnded("1763900000.4");
        assertEquals(CallOutcome.HUNG_UP, call.outcome());
    }

    /** The call with this unique id once its end is written (the server goes on after the socket closes). */
    private CallRecord awaitEnded(String uid) {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (true) {
            var call = rig.tx.inTransaction(s -> s.calls().findByUniqueId(uid));
            if (call.isPresent() && call.get().outcome() != null || System.nanoTime() > deadline) {
                return call.orElseThrow(() -> new AssertionError("no call " + uid));
            }
            java.util.concurrent.locks.LockSupport.parkNanos(2_000_000);
        }
    }

    private void assertServesANormalCall() {
        Conversation ok = rig.asterisk.call("+12045550123", CallerScript.pressing("2").queue(QueueEnd.ANSWERED));
        assertEquals("QUEUE_ANSWERED", ok.variable("PAGERLINE_RESULT"), String.join("\n", ok.transcript()));
    }
}

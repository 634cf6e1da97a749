package org.pagerline.adapter.agi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.pagerline.cli.simulate.CallerScript;
import org.pagerline.cli.simulate.CallerScript.QueueEnd;
import org.pagerline.cli.simulate.CallerScript.Technician;
import org.pagerline.cli.simulate.Conversation;
import org.pagerline.core.call.CallOutcome;
import org.pagerline.core.call.CallRecord;
import org.pagerline.core.ticket.Priority;
import org.pagerline.core.ticket.Ticket;
import org.pagerline.core.ticket.TicketEvent;
import org.pagerline.service.ClientService;
import org.pagerline.service.TicketService;
import org.pagerline.service.VoicemailIncident;
import org.pagerline.testkit.LineRig;

/**
 * Every path of the support line, through the real FastAGI listener, driven by a fake Asterisk
 * over TCP. Monday 2026-11-23 10:00 in Winnipeg is in business hours; 21:00 is not.
 */
class SupportLineScenarioTest {
    static final String IN_HOURS = "2026-11-23T10:00:00-06:00";
    static final String OUT_OF_HOURS = "2026-11-23T21:00:00-06:00";
    static final String CALLER = "+12045550123";
    LineRig rig;

    LineRig rig(String at) {
        rig = LineRig.at(at);
        rig.clients.add(new ClientService.NewClient("Acme Ltd", "Jane Doe", List.of(CALLER)));
        return rig;
    }

    @AfterEach
    void stop() {
        if (rig != null) {
            rig.close();
        }
    }

    TicketService.TicketView ticketOf(Conversation c) {
        String id = c.variable("PAGERLINE_TICKET");
        assertNotNull(id, "the script told the dialplan the ticket id");
        return rig.tickets.show(Long.parseLong(id));
    }

    CallRecord callOf(Conversation c) {
        return rig.calls.find(Long.parseLong(c.variable("PAGERLINE_CALL"))).orElseThrow();
    }

    static List<String> kinds(TicketService.TicketView v) {
        return v.events().stream().map(TicketEvent::kind).toList();
    }

    static String timeline(TicketService.TicketView v) {
        StringBuilder b = new StringBuilder();
        v.events().forEach(e -> b.append(e.kind()).append(": ").append(e.detail()).append('\n'));
        return b.toString();
    }

    @Test
    void urgentCallerIsPutThroughWhenThePrimaryPressesOne() {
        rig(OUT_OF_HOURS).primary("Alice Tech", "+12045550100");
        Conversation c = rig.asterisk.call(CALLER, CallerScript.pressing("1", "2").technician(Technician.ACCEPT));

        assertNull(c.error(), c.error());
        assertTrue(c.closedByServer(), "pagerline closes the socket when done");
        String dial = c.commands().stream().filter(s -> s.startsWith("EXEC \"Dial\"")).findFirst().orElseThrow();
        assertEquals("EXEC \"Dial\" \"PJSIP/12045550100@trunk,25,gU(pagerline-accept^" + c.variable("PAGERLINE_CALL")
                + "^1)\"", dial);
        assertEquals("1", c.acceptLegs().get(0).variable("PAGERLINE_ACCEPTED"));
        assertEquals("CONNECTED", c.variable("PAGERLINE_RESULT"));
        TicketService.TicketView t = ticketOf(c);
        assertEquals(Priority.P2, t.ticket().priority());
        assertEquals("Acme Ltd", t.ticket().company());
        assertEquals("Jane Doe", t.ticket().callerName());
        assertTrue(kinds(t).containsAll(List.of("OPENED", "CALL_STARTED", "URGENCY", "PRIORITY", "RINGING", "ACCEPTED",
                "CALL_ENDED")), timeline(t));
        assertEquals(CallOutcome.CONNECTED, callOf(c).outcome());
        assertTrue(rig.incidents.opened().isEmpty(), "a call put through opens no incident");
    }

    @Test
    void aTechnicianWhoPressesOneAfterTheCallerHungUpIsToldSoAndTheCallerIsPagedFor() {
        rig(OUT_OF_HOURS).primary("Alice Tech", "+12045550100");
        Conversation c = rig.asterisk.call(CALLER, CallerScript.pressing("1", "1").technician(Technician.ACCEPT_AFTER_CALLER_LEFT));

        Conversation leg = c.acceptLegs().get(0);
        assertEquals("0", leg.variable("PAGERLINE_ACCEPTED"), "no acceptance for a caller who is gone");
        assertTrue(leg.soundFiles().contains("pagerline/accept-gone"), "the technician hears that the caller is gone: " + leg.soundFiles());
        TicketService.TicketView t = ticketOf(c);
        assertFalse(kinds(t).contains("ACCEPTED"), timeline(t));
        assertTrue(kinds(t).contains("ACCEPT_TOO_LATE"), timeline(t));
        assertEquals(1, rig.incidents.opened().size(), "the caller gets an incident, as one who hung up while ringing:\n" + timeline(t));
    }

    @Test
    void aTechnicianWhoHangsUpAfterPressingOneIsNotTakenForHavingPutTheCallerThrough() {
        rig(IN_HOURS).primary("Alice Tech", "+12045550100");
        Conversation c = rig.asterisk.call(CALLER, CallerScript.pressing("1", "1", "1").technician(Technician.ACCEPT_THEN_HANG_UP));

        assertEquals("0", c.acceptLegs().get(0).variable("PAGERLINE_ACCEPTED"), "never put through");
        // Dial says ANSWER (the technician's phone answered): the acceptance, taken back, says otherwise
        assertEquals("VOICEMAIL", c.variable("PAGERLINE_RESULT"), "the caller leaves a message: " + c.soundFiles());
        TicketService.TicketView t = ticketOf(c);
        assertTrue(timeline(t).contains("ACCEPT_WITHDRAWN: Alice Tech hung up after pressing 1, before being put through"),
                timeline(t));
        assertNull(callOf(c).acceptedBy(), timeline(t));
        assertEquals(1, rig.incidents.opened().size(), "the message pages:\n" + timeline(t));
    }

    @Test
    void theTicketSaysTheTechniciansPhoneAnsweredWhenNobodyPressedOneNotThatTheRingTimeRanOut() {
        rig(IN_HOURS).primary("Alice Tech", "+12045550100");
        Conversation c = rig.asterisk.call(CALLER, CallerScript.pressing("1", "1", "1").technician(Technician.IGNORE));
        TicketService.TicketView t = ticketOf(c);
        String said = t.events().stream().filter(e -> e.kind().equals("NOT_ACCEPTED")).map(TicketEvent::detail).findFirst().orElseThrow();
        assertEquals("Alice Tech's phone answered, but nobody pressed 1 to accept (a voicemail greeting?)", said);

        Conversation rang = rig.asterisk.call("+12045550133", CallerScript.pressing("1", "1", "1").technician(Technician.NOANSWER));
        assertTrue(timeline(ticketOf(rang)).contains("NOT_ACCEPTED: Alice Tech did not answer within 25 s"), timeline(ticketOf(rang)));
    }

    @Test
    void urgentCallerLeavesAMessageWhenTheTechniciansVoicemailAnswers() {
        rig(IN_HOURS).primary("Alice Tech", "+12045550100");
        Conversation c = rig.asterisk.call(CALLER, CallerScript.pressing("1", "1", "1").technician(Technician.IGNORE));

        assertEquals("0", c.acceptLegs().get(0).variable("PAGERLINE_ACCEPTED"), "silence never accepts");
        List<String> files = c.soundFiles();
        assertTrue(files.contains("pagerline/nobody-accepted"), files.toString());
        assertTrue(c.commands().stream().anyMatch(s -> s.startsWith("RECORD FILE \"/var/spool/asterisk/pagerline/ticket-")));
        assertTrue(c.commands().contains("SAY DIGITS \"" + c.variable("PAGERLINE_TICKET") + "\" \"\""), "ticket number read out");
        assertTrue(files.contains("pagerline/promise-30-minutes"));
        assertEquals("VOICEMAIL", c.variable("PAGERLINE_RESULT"));

        TicketService.TicketView t = ticketOf(c);
        assertEquals(CALLER, t.ticket().callbackNumber());
        assertEquals(Priority.P1, t.ticket().priority());
        assertTrue(kinds(t).containsAll(List.of("NOT_ACCEPTED", "CALLBACK_NUMBER", "VOICEMAIL", "CALLBACK_DUE",
                "INCIDENT_OPENED")), timeline(t));
        VoicemailIncident inc = rig.incidents.opened().get(0);
        assertEquals(t.ticket().id(), inc.ticketId());
        assertEquals(Priority.P1, inc.priority());
        assertEquals(CALLER, inc.callbackNumber());
        assertEquals("Acme Ltd", inc.company());
        assertTrue(inc.recording().endsWith("/ticket-" + t.ticket().id() + "-call-" + c.variable("PAGERLINE_CALL")));
        assertEquals(CallOutcome.URGENT_VOICEMAIL, callOf(c).outcome());
    }

    @Test
    void aPbxMissingOurPromptsStillTakesTheUrgentCallersMessage() {
        rig(IN_HOURS).primary("Alice Tech", "+12045550100");
        ch.qos.logback.classic.Logger root = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("ROOT");
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logs =
                new ch.qos.logback.core.read.ListAppender<>();
        logs.start();
        root.addAppender(logs);
        // Asterisk 22 fails STREAM FILE of a file it lacks (result=-1, and AGISTATUS=FAILURE once the
        // script ends); Playback of it only sets PLAYBACKSTATUS=FAILED.
        Conversation c;
        try {
            c = rig.asterisk.call(CALLER, CallerScript.pressing("1", "1", "1").technician(Technician.IGNORE)
                    .missing("pagerline/greeting", "pagerline/nobody-accepted", "pagerline/promise-30-minutes"));
        } finally {
            root.detachAppender(logs);
        }
        var warnings = logs.list.stream().filter(e -> e.getFormattedMessage().contains("could not play pagerline/")).toList();
        assertEquals(3, warnings.size(), "each missing prompt is logged");
        for (var w : warnings) {
            if (!w.getFormattedMessage().contains("pagerline/greeting")) { // the greeting plays while the ticket is written
                assertEquals(c.variable("PAGERLINE_TICKET"), w.getMDCPropertyMap().get("ticket"), "the log line names the ticket");
            }
        }

        assertNull(c.error(), c.error());
        assertEquals("VOICEMAIL", c.variable("PAGERLINE_RESULT"), "the caller was not dropped");
        assertEquals(null, c.variable("AGISTATUS"), "no command failed, so the dialplan reads AGISTATUS=SUCCESS, not the fallback's FAILURE");
        assertEquals(1, rig.incidents.opened().size(), "the message still opens the incident");
    }

    @Test
    void urgentCallerWhoseTechnicianDoesNotAnswerKeysInAnotherNumber() {
        rig(IN_HOURS).primary("Alice Tech", "+12045550100");
        Conversation c = rig.asterisk.call(CALLER, CallerScript.pressing("1", "3", "2", "2045550198", "2", "2045550199", "1")
                .technician(Technician.NOANSWER));
        TicketService.TicketView t = ticketOf(c);
        // a typo read back is keyed again: the ticket has the number the caller confirmed
        assertEquals("+12045550199", t.ticket().callbackNumber(), timeline(t));
        assertTrue(t.events().stream().anyMatch(e -> e.kind().equals("CALLBACK_REJECTED") && e.detail().startsWith("+12045550198")),
                timeline(t));
        assertEquals("+12045550199", rig.incidents.opened().get(0).callbackNumber());
        assertTrue(t.events().stream().anyMatch(e -> e.kind().equals("NOT_ACCEPTED") && e.detail().equals("Alice Tech did not answer within 25 s")));
        assertEquals(Priority.P3, rig.incidents.opened().get(0).priority());
    }

    /**
     * The shipped dialplan tries the next FastAGI address only while PAGERLINE_NODE is empty: the
     * caller's call and the technician's accept leg are marked before pagerline says anything, so a
     * call that fails later goes to the fallback instead of starting again on another node.
     */
    @Test
    void theCallAndTheAcceptLegAreMarkedWithThisNodesAddressBeforeAnythingIsSaid() {
        rig(OUT_OF_HOURS).primary("Alice Tech", "+12045550100");
        Conversation c = rig.asterisk.call(CALLER, CallerScript.pressing("1", "2").technician(Technician.ACCEPT));

        String mark = "SET VARIABLE \"PAGERLINE_NODE\" \"127.0.0.1:" + rig.port + "\"";
        assertEquals(mark, c.commands().get(0), c.commands().toString());
        assertEquals(mark, c.acceptLegs().get(0).commands().get(0), c.acceptLegs().get(0).commands().toString());
        assertEquals("CONNECTED", c.variable("PAGERLINE_RESULT"));
    }

    @Test
    void unfilledPrimaryGoesStraightToTheMessage() {
        rig(OUT_OF_HOURS);
        Conversation c = rig.asterisk.call(CALLER, CallerScript.pressing("1", "2", "1"));
        assertFalse(c.commands().stream().anyMatch(s -> s.contains("Dial")), "nobody to ring");
        TicketService.TicketView t = ticketOf(c);
        assertTrue(kinds(t).contains("NO_ONE_ON_CALL"), timeline(t));
        assertEquals(1, rig.incidents.opened().size());
        assertEquals(Priority.P2, rig.incidents.opened().get(0).priority());
    }

    @Test
    void notUrgentInHoursJoinsTheQueueWithTheTicketOnTheChannel() {
        rig(IN_HOURS);
        Conversation c = rig.asterisk.call(CALLER, CallerScript.pressing("2").queue(QueueEnd.ANSWERED));
        int setTicket = c.commands().indexOf("SET VARIABLE \"PAGERLINE_TICKET\" \"" + c.variable("PAGERLINE_TICKET") + "\"");
        int queue = c.commands().indexOf("EXEC \"Queue\" \"helpdesk,c,,,600\"");
        assertTrue(setTicket >= 0 && queue > setTicket, c.commands().toString());
        assertEquals("QUEUE_ANSWERED", c.variable("PAGERLINE_RESULT"));
        assertEquals(CallOutcome.ANSWERED_IN_QUEUE, callOf(c).outcome());
        assertTrue(rig.incidents.opened().isEmpty());
    }

    @Test
    void queueWaitLimitLeadsToAMessageWithoutAnIncident() {
        rig(IN_HOURS);
        Conversation c = rig.asterisk.call(CALLER, CallerScript.pressing("2", "1").queue(QueueEnd.TIMEOUT));
        assertTrue(c.soundFiles().contains("pagerline/queue-wait-over"));
        TicketService.TicketView t = ticketOf(c);
        assertTrue(kinds(t).containsAll(List.of("QUEUE_ENTERED", "QUEUE_LEFT", "VOICEMAIL")), timeline(t));
        assertFalse(kinds(t).contains("INCIDENT_OPENED"));
        assertTrue(rig.incidents.opened().isEmpty());
        assertEquals("MESSAGE", c.variable("PAGERLINE_RESULT"));
        assertEquals(CallOutcome.MESSAGE, callOf(c).outcome());
    }

    @Test
    void aCallerWhoPresses1InTheQueueLeavesAMessageAndTheDialplanGoesOnAfterTheScript() {
        rig(IN_HOURS);
        // the fake's KEY: app_queue's exit key moved the channel to pagerline-queue-exit,1 (queues.conf)
        Conversation c = rig.asterisk.call(CALLER, CallerScript.pressing("2", "1").queue(QueueEnd.KEY));
        TicketService.TicketView t = ticketOf(c);
        assertTrue(t.events().stream().anyMatch(e -> e.kind().equals("QUEUE_LEFT")
                && e.detail().equals("left the queue: the caller pressed 1 to leave a message")), timeline(t));
        assertFalse(c.soundFiles().contains("pagerline/queue-wait-over"), "not sorry for a wait they cut short: " + c.soundFiles());
        // back to the line after AGI() (the script's priority 5, so 6) before the message is taken
        int back = c.commands().indexOf("EXEC \"Goto\" \"pagerline-inbound,s,6\"");
        int record = c.commands().stream().filter(x -> x.startsWith("RECORD FILE")).findFirst().map(c.commands()::indexOf).orElse(-1);
        assertTrue(back > 0 && record > back, c.commands().toString());
        assertEquals("pagerline-inbound", c.variable("CONTEXT"), "the dialplan goes on where the script runs");
        assertTrue(kinds(t).contains("VOICEMAIL"), timeline(t));
        assertEquals("MESSAGE", c.variable("PAGERLINE_RESULT"));
        assertEquals(CallOutcome.MESSAGE, callOf(c).outcome());
        assertTrue(rig.incidents.opened().isEmpty());
    }

    @Test
    void aCallerWhoPresses1DuringTheHoldPromptLeavesAMessageWithoutJoiningTheQueue() {
        rig(IN_HOURS);
        Conversation c = rig.asterisk.call(CALLER, CallerScript.pressing("2", "1").queue(QueueEnd.DECLINED));
        assertTrue(c.commands().contains("GET DATA \"pagerline/joining-queue\" 1 1"), c.commands().toString());
        assertFalse(c.commands().stream().anyMatch(x -> x.startsWith("EXEC \"Queue\"")), c.commands().toString());
        TicketService.TicketView t = ticketOf(c);
        assertTrue(t.events().stream().anyMatch(e -> e.kind().equals("QUEUE_DECLINED")
                && e.detail().equals("pressed 1 to leave a message instead of holding; taking a message")), timeline(t));
        assertFalse(kinds(t).contains("QUEUE_ENTERED"), timeline(t));
        assertEquals("MESSAGE", c.variable("PAGERLINE_RESULT"));
        assertEquals(CallOutcome.MESSAGE, callOf(c).outcome());
    }

    @Test
    void aMissingMenuPromptCostsTheCallerItsWordsNotTheCall() {
        rig(IN_HOURS);
        // Asterisk answers GET DATA of a prompt it cannot open with result=-1, as for a hang-up
        Conversation c = rig.asterisk.call(CALLER, CallerScript.pressing("2").queue(QueueEnd.ANSWERED)
                .missing("pagerline/urgent-or-not", "pagerline/joining-queue"));
        assertTrue(c.commands().contains("GET DATA \"silence/1\" 6000 1"), "the keys are still read: " + c.commands());
        assertTrue(c.commands().contains("GET DATA \"silence/1\" 1 1"), "the hold prompt's too: " + c.commands());
        assertEquals("QUEUE_ANSWERED", c.variable("PAGERLINE_RESULT"), "the caller chose 2 and was queued");
        assertEquals(CallOutcome.ANSWERED_IN_QUEUE, callOf(c).outcome());
    }

    @Test
    void withNobodySignedInTheCallerIsToldNobodyIsFreeAndLeavesAMessageWithoutJoiningTheQueue() {
        rig(IN_HOURS);
        // the fake's JOINEMPTY: Asterisk's QUEUE_MEMBER(helpdesk,logged) answers 0
        Conversation c = rig.asterisk.call(CALLER, CallerScript.pressing("2", "1").queue(QueueEnd.JOINEMPTY));
        assertTrue(c.commands().contains("GET VARIABLE \"QUEUE_MEMBER(helpdesk,logged)\""), c.commands().toString());
        assertFalse(c.commands().stream().anyMatch(x -> x.startsWith("EXEC \"Queue\"")), c.commands().toString());
        assertFalse(c.soundFiles().contains("pagerline/joining-queue"), "not asked to hold: " + c.soundFiles());
        assertTrue(c.soundFiles().contains("pagerline/nobody-free"), c.soundFiles().toString());
        TicketService.TicketView t = ticketOf(c);
        assertTrue(t.events().stream().anyMatch(e -> e.kind().equals("QUEUE_EMPTY")
                && e.detail().equals("nobody signed in to the helpdesk queue; taking a message")), timeline(t));
        assertEquals("MESSAGE", c.variable("PAGERLINE_RESULT"));
        assertEquals(CallOutcome.MESSAGE, callOf(c).outcome());
    }

    @Test
    void outOfHoursCallerHearsTheHoursAndLeavesAMessageForTheNextBusinessDay() {
        rig(OUT_OF_HOURS);
        Conversation c = rig.asterisk.call(CALLER, CallerScript.pressing("2", "1", "1"));
        assertTrue(c.commands().contains("VERBOSE \"Monday to Friday, 8 AM to 5 PM (America/Winnipeg)\" 3"), c.commands().toString());
        assertTrue(c.soundFiles().contains("pagerline/promise-next-business-day"));
        TicketService.TicketView t = ticketOf(c);
        assertTrue(t.events().stream().anyMatch(e -> e.kind().equals("CALLBACK_DUE")
                && e.detail().equals("call the caller back on the next business day, which opens Tue 2026-11-24 08:00 CST")),
                timeline(t));
        assertTrue(rig.incidents.opened().isEmpty());
    }

    @Test
    void outOfHoursCallerCanChooseTheUrgentPath() {
        rig(OUT_OF_HOURS).primary("Alice Tech", "+12045550100");
        Conversation c = rig.asterisk.call(CALLER, CallerScript.pressing("2", "2", "1").technician(Technician.ACCEPT));
        assertEquals("CONNECTED", c.variable("PAGERLINE_RESULT"));
        assertEquals(Priority.P1, ticketOf(c).ticket().priority());
    }

    @Test
    void unknownCallerIsServedAllTheSame() {
        rig(IN_HOURS);
        Conversation c = rig.asterisk.call("+14165550111", CallerScript.pressing("2").queue(QueueEnd.ANSWERED));
        Ticket t = ticketOf(c).ticket();
        assertEquals("+14165550111", t.callerNumber());
        assertNull(t.company());
        assertTrue(ticketOf(c).events().stream().anyMatch(e -> e.detail().contains("not in the client directory")));
    }

    @Test
    void withheldCallerIdMustKeyInANumberAndGetsTheirOwnTicket() {
        rig(OUT_OF_HOURS);
        Conversation a = rig.asterisk.call("", CallerScript.pressing("1", "1", "2045550177", "1"));
        Conversation b = rig.asterisk.call("", CallerScript.pressing("1", "1", "2045550178", "1"));
        assertFalse(a.variable("PAGERLINE_TICKET").equals(b.variable("PAGERLINE_TICKET")), "strangers never share a ticket");
        assertEquals("+12045550177", ticketOf(a).ticket().callbackNumber());
        // no caller ID to confirm: asked for a number first, and only the keyed number is confirmed
        assertTrue(a.soundFiles().indexOf("pagerline/callback-enter") < a.soundFiles().indexOf("pagerline/callback-confirm"),
                a.soundFiles().toString());
        assertEquals(1, a.soundFiles().stream().filter("pagerline/callback-confirm"::equals).count(), a.soundFiles().toString());
    }

    @Test
    void wrongKeysNoInputAndRepeatsAreHandledThenTheDefaultIsTaken() {
        rig(IN_HOURS);
        // urgency: '*' repeats, '9' wrong, silence, then '1'; priority: three wrong keys -> P3 default
        Conversation c = rig.asterisk.call(CALLER, CallerScript.pressing("*", "9", "", "1", "7", "8", "9", "1"));
        List<String> files = c.soundFiles();
        assertEquals(4, files.stream().filter("pagerline/urgent-or-not"::equals).count(), files.toString());
        assertTrue(files.contains("pagerline/wrong-key") && files.contains("pagerline/no-input"));
        TicketService.TicketView t = ticketOf(c);
        assertEquals(Priority.P3, t.ticket().priority());
        assertTrue(t.events().stream().anyMatch(e -> e.kind().equals("PRIORITY") && e.detail().contains("default taken")),
                timeline(t));
    }

    @Test
    void aCallerWhoNeverPressesAnythingStillReachesTheQueueInHours() {
        rig(IN_HOURS);
        Conversation c = rig.asterisk.call(CALLER, CallerScript.pressing().queue(QueueEnd.ANSWERED));
        assertTrue(c.commands().stream().anyMatch(s -> s.startsWith("EXEC \"Queue\"")));
        assertTrue(ticketOf(c).events().stream().anyMatch(e -> e.kind().equals("URGENCY") && e.detail().contains("default")));
    }

    @Test
    void aSecondCallWithinTheReuseWindowUpdatesTheSameTicket() {
        rig(IN_HOURS);
        Conversation first = rig.asterisk.call(CALLER, CallerScript.pressing("2").queue(QueueEnd.ANSWERED));
        rig.clock.advance(java.time.Duration.ofHours(1));
        Conversation second = rig.asterisk.call(CALLER, CallerScript.pressing("2").queue(QueueEnd.ANSWERED));
        assertEquals(first.variable("PAGERLINE_TICKET"), second.variable("PAGERLINE_TICKET"));
        rig.clock.advance(java.time.Duration.ofHours(5));
        Conversation third = rig.asterisk.call(CALLER, CallerScript.pressing("2").queue(QueueEnd.ANSWERED));
        assertFalse(first.variable("PAGERLINE_TICKET").equals(third.variable("PAGERLINE_TICKET")));
        assertEquals(2, rig.calls.callsOf(Long.parseLong(first.variable("PAGERLINE_TICKET"))).size());
    }

    @Test
    void queueEventsFromAmiLandOnTheTicketByUniqueId() {
        rig(IN_HOURS);
        String uid = rig.asterisk.nextUniqueId();
        Conversation c = rig.asterisk.call("support-line", CALLER, uid, List.of(),
                CallerScript.pressing("2").queue(QueueEnd.HANGUP));
        rig.calls.onQueueEvent(uid, "QUEUE_ABANDONED", "abandoned at position 3 after 4m12s");
        rig.calls.onQueueEvent("no-such-call", "QUEUE_JOINED", "joined at position 1");
        rig.awaitSaved(); // AMI events are written off the AMI thread, in order with the calls' lines
        CallRecord call = callOf(c);
        assertEquals(3, call.abandonedPosition());
        assertEquals(252L, call.waitedSeconds());
        assertEquals(CallOutcome.HUNG_UP, call.outcome());
        assertTrue(kinds(ticketOf(c)).contains("QUEUE_ABANDONED"));
    }

    @Test
    void theIncidentFailingDoesNotCostTheCallerTheirTicketNumber() {
        rig(OUT_OF_HOURS);
        rig.incidents.failWith(new IllegalStateException("engine down"));
        Conversation c = rig.asterisk.call(CALLER, CallerScript.pressing("1", "1", "1"));
        assertTrue(c.soundFiles().contains("pagerline/promise-30-minutes"));
        assertTrue(kinds(ticketOf(c)).contains("INCIDENT_FAILED"));
    }
}

package org.pagerline.adapter.agi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.pagerline.core.call.CallOutcome;
import org.pagerline.core.call.CallRecord;
import org.pagerline.core.ticket.Priority;
import org.pagerline.core.ticket.TicketEvent;
import org.pagerline.testkit.LineRig;
import org.pagerline.testkit.TestDatabase;

/**
 * The dialplan's {@code h} extension hands the fallback voicemail's recording to the FastAGI script
 * "fallback-message" once the caller hung up: the message goes on the caller's ticket, an urgent
 * caller's page carries it, and the dialplan is told it was taken ({@code PAGERLINE_FALLBACK_TAKEN}).
 * A name outside the fallback's folder is refused: nothing is written and the dialplan is not told.
 */
class FallbackMessageScriptTest {
    private static final String TAKEN = "SET VARIABLE \"PAGERLINE_FALLBACK_TAKEN\" \"1\"";
    private static final String FOLDER = "/var/spool/asterisk/pagerline/fallback/";
    LineRig rig;

    @AfterEach
    void stop() {
        if (rig != null) {
            rig.close();
        }
    }

    @Test
    void anUrgentCallerFailedBeforeTheirMessageIsPagedWithWhatTheyLeftInTheFallback() throws Exception {
        rig = LineRig.at(SupportLineScenarioTest.OUT_OF_HOURS); // nobody on call: the caller would leave a message
        List<String> call = UrgentCallerPagedAfterAFaultTest.failAtTheCallBackStep(rig, "+12045550123", "1763900003.1");
        assertTrue(call.contains("SET VARIABLE \"PAGERLINE_RESULT\" \"FAILED\""), call.toString());
        rig.awaitSaved();
        assertEquals(1, rig.incidents.opened().size(), "paged at the fault, with no message");
        String words = FOLDER + "20261123-210012-12045550123-1763900003.1";

        List<String> commands = rig.asterisk.fallbackMessage("+12045550123", "1763900003.1", words);

        assertTrue(commands.contains(TAKEN), "the dialplan is told it was taken: " + commands);
        assertEquals(2, rig.incidents.opened().size(), "the message goes to paging: " + rig.incidents.opened());
        assertEquals(words, rig.incidents.opened().get(1).recording());
        assertEquals(Priority.P1, rig.incidents.opened().get(1).priority());
        CallRecord c = rig.tx.inTransaction(s -> s.calls().findByUniqueId("1763900003.1")).orElseThrow();
        assertEquals(CallOutcome.FAILED, c.outcome(), "the call's end stands");
        assertEquals(words, c.recording(), "the call lists the message");
        List<TicketEvent> events = rig.tickets.show(c.ticketId()).events();
        assertTrue(events.stream().anyMatch(e -> e.kind().equals("FALLBACK_MESSAGE") && e.detail().contains(words)),
                events.toString());
    }

    /**
     * The dialplan's {@code h} extension waits for the hand-over at most {@code line.wait-limit}: past
     * it (here the call's ticket held by another transaction, as a frozen node's would be) the
     * dialplan is let go to try the next node, and this node saves the message once the ticket is free.
     */
    @Test
    void aHandOverTheDatabaseHoldsUpLetsTheDialplanGoAtTheWaitLimitAndIsSavedOnceItCan() throws Exception {
        TestDatabase db = TestDatabase.inMemory();
        rig = LineRig.at(SupportLineScenarioTest.OUT_OF_HOURS, db, 100,
                java.util.Map.of("line.hold-after", "1s", "line.wait-limit", "3s"));
        UrgentCallerPagedAfterAFaultTest.failAtTheCallBackStep(rig, "+12045550125", "1763900003.5");
        rig.awaitSaved();
        CallRecord before = rig.tx.inTransaction(s -> s.calls().findByUniqueId("1763900003.5")).orElseThrow();
        String words = FOLDER + "20261123-210012-12045550125-1763900003.5";

        List<String> commands;
        try (java.sql.Connection held = db.holdingTicket(before.ticketId())) {
            commands = rig.asterisk.fallbackMessage("+12045550125", "1763900003.5", words);
            held.rollback();
        }

        assertTrue(commands.contains("SET VARIABLE \"AJ_AGISTATUS\" \"SUCCESS\""),
                "the script ended with the ticket still held, letting the dialplan go on: " + commands);
        assertFalse(commands.contains(TAKEN), "not saved yet: the dialplan tries the next node: " + commands);
        org.pagerline.testkit.Eventually.await(Duration.ofSeconds(30), "the message saved once the ticket is free",
                () -> words.equals(rig.tx.inTransaction(s -> s.calls().findByUniqueId("1763900003.5")).orElseThrow().recording()));
        List<TicketEvent> events = rig.tickets.show(before.ticketId()).events();
        assertEquals(1, events.stream().filter(e -> e.kind().equals("FALLBACK_MESSAGE")).count(), events.toString());
        assertEquals(words, rig.incidents.opened().get(rig.incidents.opened().size() - 1).recording(),
                "the urgent caller's page carries it: " + rig.incidents.opened());
    }

    @Test
    void aCallNoPagerlineBeganGetsTheCallersTicketWithTheCallAndItsMessage() throws Exception {
        rig = LineRig.at(SupportLineScenarioTest.OUT_OF_HOURS);
        String words = FOLDER + "20261123-210012-12045550124-1763900003.2";

        List<String> commands = rig.asterisk.fallbackMessage("+12045550124", "1763900003.2", words);

        assertTrue(commands.contains(TAKEN), commands.toString());
        CallRecord c = rig.tx.inTransaction(s -> s.calls().findByUniqueId("1763900003.2")).orElseThrow();
        assertEquals(CallOutcome.MESSAGE, c.outcome());
        assertEquals(words, c.recording());
        assertEquals("+12045550124", rig.tickets.show(c.ticketId()).ticket().callerNumber());
        assertEquals(0, rig.incidents.opened().size(), "nothing says the caller was urgent");
    }

    @Test
    void aNameOutsideTheFallbackFolderIsRefusedAndNothingIsWritten() throws Exception {
        rig = LineRig.at(SupportLineScenarioTest.OUT_OF_HOURS);
        List<String> refused = List.of("/etc/passwd", FOLDER + "../../../../etc/passwd", FOLDER + "a/b", FOLDER,
                "/var/spool/asterisk/pagerline/ticket-1-call-1", "");
        int n = 0;
        for (String name : refused) {
            String uid = "1763900003." + (10 + n++);
            List<String> commands = rig.asterisk.fallbackMessage("+12045550125", uid, name);
            assertFalse(commands.contains(TAKEN), name + ": " + commands);
            assertNull(rig.tx.inTransaction(s -> s.calls().findByUniqueId(uid)).orElse(null), name + " wrote a call");
        }
        assertTrue(rig.calls.awaitSaved(Duration.ofSeconds(5)));
    }

    @Test
    void theFileMustBeThisCallsInTheConfiguredRecordingsFolders() {
        FallbackMessageScript script = new FallbackMessageScript(null, "/srv/pbx/rec", java.time.Duration.ofSeconds(10));
        assertEquals("/srv/pbx/rec/fallback/x-1.2", script.recordingName("/srv/pbx/rec/fallback/x-1.2", "1.2"));
        for (String wrong : List.of("/srv/pbx/recfallback/x-1.2", "/srv/pbx/rec/fallback/..x-1.2",
                "/srv/pbx/rec/fallback/x-1.3", "/srv/pbx/rec/fallback/x-11.2")) {
            org.pagerline.service.ValidationException e = org.junit.jupiter.api.Assertions.assertThrows(
                    org.pagerline.service.ValidationException.class, () -> script.recordingName(wrong, "1.2"), wrong);
            assertTrue(e.getMessage().contains("fallback folder") || e.getMessage().contains("not this call's"),
                    e.getMessage());
        }
    }

    @Test
    void anotherCallersFileIsNotPinnedOnACall() throws Exception {
        rig = LineRig.at(SupportLineScenarioTest.OUT_OF_HOURS);
        List<String> commands = rig.asterisk.fallbackMessage("+12045550126", "1763900003.30",
                FOLDER + "20261123-210012-12045550127-1763900003.31");
        assertFalse(commands.contains(TAKEN), commands.toString());
        assertNull(rig.tx.inTransaction(s -> s.calls().findByUniqueId("1763900003.30")).orElse(null));
    }
}

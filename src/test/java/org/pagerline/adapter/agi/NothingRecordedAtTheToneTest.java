package org.pagerline.adapter.agi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import org.pagerline.core.call.CallStep;
import org.pagerline.core.ticket.TicketEvent;
import org.pagerline.testkit.LineRig;

/**
 * Asterisk 22 opens the message's file only once the beep has played: a caller who hangs up or
 * presses # during the beep recorded nothing and no file exists (RECORD FILE answers
 * {@code (randomerror) endpos=0}; seen on the real Asterisk, {@code MessagesAsteriskIT}). Such a
 * caller left no message: nobody is paged with, or told of, a recording that is not there.
 */
class NothingRecordedAtTheToneTest {
    static final String IN_HOURS = SupportLineScenarioTest.IN_HOURS;
    static final String OUT_OF_HOURS = SupportLineScenarioTest.OUT_OF_HOURS;
    LineRig rig;

    @AfterEach
    void stop() {
        if (rig != null) {
            rig.close();
        }
    }

    private Conversation call(String uid, List<String> presses, String hangupAt) {
        rig.primary("Alice Tech", "+12045550100");
        return rig.asterisk.call("support-line", "+12045550123", uid, List.of(),
                new CallerScript(presses, hangupAt, Technician.NOANSWER, QueueEnd.ANSWERED, null));
    }

    private CallRecord ended(String uid) {
        rig.awaitSaved();
        return rig.tx.inTransaction(s -> s.calls().findByUniqueId(uid)).orElseThrow();
    }

    private List<String> lines(CallRecord c) {
        return rig.tickets.show(c.ticketId()).events().stream().map(e -> e.kind() + " " + e.detail()).toList();
    }

    private static long recordings(Conversation c) {
        return c.commands().stream().filter(s -> s.startsWith("RECORD FILE")).count();
    }

    @Test
    void anUrgentCallerWhoHangsUpDuringTheToneIsPagedWithoutAMessage() {
        rig = LineRig.at(IN_HOURS);
        Conversation c = call("1763900100.1", List.of("1", "1", "1"), CallerScript.AT_THE_TONE);

        assertTrue(c.callerHungUp());
        CallRecord call = ended("1763900100.1");
        List<String> lines = lines(call);
        assertEquals(CallOutcome.HUNG_UP, call.outcome(), lines.toString());
        assertEquals(CallStep.RECORDING, call.lastStep());
        assertNull(call.recording(), "no file was written: " + lines);
        assertFalse(lines.stream().anyMatch(l -> l.startsWith("VOICEMAIL ")), "no voicemail is claimed: " + lines);
        assertTrue(lines.contains("NOTHING_RECORDED the caller hung up during the tone, before the recording began"),
                lines.toString());
        assertEquals(1, rig.incidents.opened().size(), "paged all the same: " + lines);
        assertNull(rig.incidents.opened().get(0).recording(), "paged without a recording");
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("NO_MESSAGE urgent caller hung up before leaving a message;"
                + " paging anyway with no recording")), lines.toString());
    }

    @Test
    void aCallerLeavingAMessageAfterHoursWhoHangsUpDuringTheToneLeftNone() {
        rig = LineRig.at(OUT_OF_HOURS);
        Conversation c = call("1763900100.2", List.of("2", "1", "1"), CallerScript.AT_THE_TONE);

        assertTrue(c.callerHungUp());
        CallRecord call = ended("1763900100.2");
        List<String> lines = lines(call);
        assertEquals(CallOutcome.HUNG_UP, call.outcome(), lines.toString());
        assertNull(call.recording());
        assertFalse(lines.stream().anyMatch(l -> l.startsWith("VOICEMAIL ")), lines.toString());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("HUNG_UP ") && l.endsWith("during recording")), lines.toString());
        assertTrue(rig.incidents.opened().isEmpty());
    }

    @Test
    void aCallerWhosePoundCutTheToneShortIsAskedAgainAndTheirMessageKept() {
        rig = LineRig.at(IN_HOURS);
        Conversation c = call("1763900100.3", List.of("1", "1", "1", CallerScript.HASH_AT_THE_TONE), null);

        assertEquals(2, recordings(c), c.commands().toString());
        assertEquals(2, c.soundFiles().stream().filter("pagerline/record-after-tone"::equals).count(),
                "the tone's prompt again: " + c.soundFiles());
        CallRecord call = ended("1763900100.3");
        List<String> lines = lines(call);
        assertEquals(CallOutcome.URGENT_VOICEMAIL, call.outcome(), lines.toString());
        assertTrue(lines.contains("NOTHING_RECORDED the caller pressed # during the tone, before the recording began"),
                lines.toString());
        assertEquals(1, rig.incidents.opened().size());
        assertEquals(call.recording(), rig.incidents.opened().get(0).recording(), "paged with the second try's message");
        assertEquals("VOICEMAIL", c.variable("PAGERLINE_RESULT"));
        List<String> kinds = rig.tickets.show(call.ticketId()).events().stream().map(TicketEvent::kind).toList();
        assertTrue(kinds.indexOf("NOTHING_RECORDED") < kinds.indexOf("VOICEMAIL"), "in the order it happened: " + kinds);
    }

    @Test
    void aCallerWhoCutsTheToneShortThreeTimesGoesToTheFallbackAndAnUrgentOneIsPaged() {
        rig = LineRig.at(IN_HOURS);
        String at = CallerScript.HASH_AT_THE_TONE;
        Conversation c = call("1763900100.4", List.of("1", "1", "1", at, at, at), null);

        assertEquals(3, recordings(c), c.commands().toString());
        assertEquals("FAILED", c.variable("PAGERLINE_RESULT"), "the dialplan's fallback voicemail takes the caller");
        List<String> sounds = c.soundFiles();
        assertEquals("pagerline/record-after-tone", sounds.get(sounds.size() - 1),
                "asked once more, by the fallback's beep, not told of trouble: " + sounds);
        assertFalse(sounds.contains("pagerline/trouble"), sounds.toString());
        CallRecord call = ended("1763900100.4");
        List<String> lines = lines(call);
        assertEquals(CallOutcome.FAILED, call.outcome(), lines.toString());
        assertEquals(3, lines.stream().filter(l -> l.startsWith("NOTHING_RECORDED ")).count(), lines.toString());
        assertEquals(1, rig.incidents.opened().size(), "paged without waiting for the fallback's message: " + lines);
        assertNull(rig.incidents.opened().get(0).recording());
    }
}

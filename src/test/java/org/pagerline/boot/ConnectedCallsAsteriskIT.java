package org.pagerline.boot;

import static java.time.Duration.ofSeconds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.pagerline.core.call.CallOutcome;
import org.pagerline.core.call.CallRecord;
import org.pagerline.core.ticket.Ticket;
import org.pagerline.testkit.Eventually;

/** Calls that reach a technician, through a real Asterisk 22: how they end. */
@Tag("asterisk")
@Execution(ExecutionMode.CONCURRENT)
class ConnectedCallsAsteriskIT {

    @Test
    void anAcceptedUrgentCallWhereTheTechnicianHangsUpFirstEndsConnectedWithoutTheFallback() throws Exception {
        AsteriskLab lab = AsteriskLab.get();
        String me = lab.newCaller();
        try (var pat = lab.phone(new Sipp.Phone(AsteriskLab.PAT).answerAfter(ofSeconds(1)).pause(ofSeconds(5) .plusMillis(500))
                        .press("1").pause(ofSeconds(4)).hangUp(), me);
                var call = lab.call(new Sipp.Caller(me)
                        .when("urgent-or-not").press("1")
                        .when("priority").press("2")
                        .thenWaitAtMost(ofSeconds(40)))) {
            pat.awaitSuccess(ofSeconds(90));
            call.awaitSuccess(ofSeconds(60));
            assertTrue(call.event("asterisk-hung-up").isPresent(), "the line hung up on the caller: " + call.events());
            assertFalse(lab.reachedFallback(me), "a caller who was helped is not sent to the fallback voicemail:\n"
                    + String.join("\n", lab.dialplan(me)));
            assertEquals("CONNECTED", lab.resultAtHangup(me));
            Ticket t = lab.ticketOf(me);
            CallRecord c = lab.services().calls().callsOf(t.id()).get(0);
            assertEquals(CallOutcome.CONNECTED, c.outcome(), lab.timelineText(me));
            assertTrue(lab.incidentsOf(t.id()).isEmpty(),
                    "no incident for a call that was put through");
        }
    }

    @Test
    void anUrgentCallerWhoHangsUpDuringTheAcceptPromptIsPagedForAndTheTechnicianIsToldTheCallerIsGone() throws Exception {
        AsteriskLab lab = AsteriskLab.get();
        String me = lab.newCaller();
        try (var pat = lab.phone(new Sipp.Phone(AsteriskLab.PAT).answerAfter(ofSeconds(1)).pause(ofSeconds(5).plusMillis(500))
                        .press("1").thenWaitAtMost(ofSeconds(30)), me);
                var call = lab.call(new Sipp.Caller(me)
                        .when("urgent-or-not").press("1")
                        .when("priority").press("1")
                        .when("tech:accept-press-1").hangUp())) {
            call.awaitSuccess(ofSeconds(60));
            pat.awaitSuccess(ofSeconds(60));
            assertTrue(pat.event("key-1").isPresent() && pat.event("far-end-hung-up").isPresent(), "Pat pressed 1: " + pat.events());
            Ticket t = lab.ticketOf(me);
            Eventually.await(ofSeconds(10), "the call's end on the ticket",
                    () -> lab.services().calls().callsOf(t.id()).get(0).outcome() != null);
            String timeline = lab.timelineText(me);
            assertFalse(timeline.contains("talked to"), "not put through:\n" + timeline);
            var incident = lab.incidentsOf(t.id()).stream().findFirst()
                    .orElseThrow(() -> new AssertionError("the caller who hung up gets an incident, as at ringing:\n" + timeline));
            assertEquals(me, incident.callbackNumber());
            assertTrue(incident.callbackDueAt() != null, "the call-back timer runs");
            // Asterisk tears a channel down a moment after the BYE it answered (Pat's phone has seen
            // it; the PBX's channel list may still show the leg for a few ms): a leak stays for good
            Eventually.await(ofSeconds(5), "nothing of the call left on the PBX", () -> lab.cli("core show channels concise")
                    .lines().noneMatch(l -> l.contains(AsteriskLab.digits(me))));
        }
    }
}

package org.pagerline.boot;

import static java.time.Duration.ofSeconds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.pagerline.core.call.CallOutcome;
import org.pagerline.core.call.CallRecord;
import org.pagerline.core.call.CallStep;
import org.pagerline.core.ticket.Ticket;

/**
 * Callers who hang up at steps no other real-Asterisk test ends a call at: what
 * SupportLineHangupAndGarbageTest.aHangUpAtAnyStepLeavesACompleteTicket holds with the fake (its
 * greeting, priority, ticket, hours and menu rows). On the real PBX the hang-up reaches pagerline
 * as Asterisk sends it (the playing command's result=-1, then HANGUP and 511 to whatever follows),
 * mid-prompt.
 */
@Tag("asterisk")
@Execution(ExecutionMode.CONCURRENT)
class CallersWhoHangUpAsteriskIT {

    @Test
    void aCallerWhoHangsUpDuringTheGreetingStillHasATicketThatSaysSo() throws Exception {
        AsteriskLab lab = AsteriskLab.get();
        String me = lab.newCaller();
        try (var call = lab.call(new Sipp.Caller(me).pause(Duration.ofMillis(800)).hangUp())) {
            call.awaitSuccess(ofSeconds(60));
        }
        assertHungUpDuring(lab, me, CallStep.GREETING);
    }

    @Test
    @ResourceLock(value = AsteriskLab.DESK, mode = ResourceAccessMode.READ) // closed: "not urgent" hears the hours
    void aCallerWhoHangsUpWhileTheHoursAreReadIsNotPaged() throws Exception {
        AsteriskLab lab = AsteriskLab.get();
        String me = lab.newCaller();
        try (var call = lab.call(new Sipp.Caller(me).when("urgent-or-not").press("2").pause(ofSeconds(2)).hangUp())) {
            call.awaitSuccess(ofSeconds(60));
        }
        assertHungUpDuring(lab, me, CallStep.HOURS);
    }

    @Test
    @ResourceLock(value = AsteriskLab.DESK, mode = ResourceAccessMode.READ) // closed: the after-hours menu
    void aNotUrgentCallerWhoHangsUpAtTheAfterHoursMenuIsNotPaged() throws Exception {
        AsteriskLab lab = AsteriskLab.get();
        String me = lab.newCaller();
        try (var call = lab.call(new Sipp.Caller(me).when("urgent-or-not").press("2").when("after-hours-menu").hangUp())) {
            call.awaitSuccess(ofSeconds(90));
        }
        assertHungUpDuring(lab, me, CallStep.MENU);
    }

    @Test
    void anUrgentCallerWhoHangsUpBeforeChoosingThePriorityIsNotPaged() throws Exception {
        // the line pages an urgent caller who hangs up once the priority is chosen (PagingCallAsteriskIT);
        // before it, they have told the desk nothing to page about
        AsteriskLab lab = AsteriskLab.get();
        String me = lab.newCaller();
        try (var call = lab.call(new Sipp.Caller(me).when("urgent-or-not").press("1").when("priority").hangUp())) {
            call.awaitSuccess(ofSeconds(60));
        }
        assertHungUpDuring(lab, me, CallStep.PRIORITY);
    }

    @Test
    void anUrgentCallerWhoHangsUpWhileTheirTicketNumberIsReadHasTheirMessagePaged() throws Exception {
        // the message and its incident are saved before the ticket number is read: a caller who does not
        // wait for the promise is paged all the same. Nobody has a phone for Pat: the carrier answers busy.
        AsteriskLab lab = AsteriskLab.get();
        String me = lab.newCaller();
        try (var call = lab.call(new Sipp.Caller(me).when("urgent-or-not").press("1").when("priority").press("2")
                .when("callback-confirm").press("1")
                .when("record").talk(ofSeconds(3)).press("#").pause(Duration.ofMillis(1500)).hangUp())) {
            call.awaitSuccess(ofSeconds(120));
        } finally {
            lab.resolveIncidentsOf(me); // its pages would ring on for the rest of the suite
        }
        Ticket t = lab.ticketOf(me);
        CallRecord call = lab.endedCallsOf(t.id()).get(0);
        String timeline = lab.timelineText(me);
        assertEquals(CallOutcome.URGENT_VOICEMAIL, call.outcome(), timeline);
        assertEquals(CallStep.TICKET, call.lastStep(), "hung up while the ticket number was read:\n" + timeline);
        var incident = lab.incidentsOf(t.id()).stream().findFirst()
                .orElseThrow(() -> new AssertionError("no incident:\n" + timeline));
        assertEquals(call.recording(), incident.recording(), timeline);
        assertTrue(!lab.services().incidents().show(incident.id()).pages().isEmpty(), "paged:\n" + timeline);
    }

    /** The caller's one call ended as hung up at {@code step}, the ticket says so, and nobody is paged. */
    private static void assertHungUpDuring(AsteriskLab lab, String caller, CallStep step) {
        Ticket t = lab.ticketOf(caller);
        List<CallRecord> calls = lab.endedCallsOf(t.id());
        String timeline = lab.timelineText(caller);
        assertEquals(1, calls.size(), timeline);
        CallRecord call = calls.get(0);
        assertEquals(CallOutcome.HUNG_UP, call.outcome(), timeline);
        assertEquals(step, call.lastStep(), timeline);
        assertNotNull(call.endedAt(), timeline);
        assertTrue(timeline.lines().anyMatch(l -> l.startsWith("HUNG_UP ") && l.endsWith("during " + step.wireName())), timeline);
        assertTrue(lab.incidentsOf(t.id()).isEmpty(),
                "a caller who did not choose urgent is not paged:\n" + timeline);
        assertTrue(!lab.reachedFallback(caller), "a hang-up is not a fault:\n" + String.join("\n", lab.dialplan(caller)));
    }
}

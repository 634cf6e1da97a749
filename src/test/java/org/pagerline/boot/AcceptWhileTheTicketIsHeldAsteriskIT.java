package org.pagerline.boot;

import static java.time.Duration.ofSeconds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;
import org.pagerline.core.call.CallOutcome;
import org.pagerline.core.call.CallRecord;

/**
 * The on-call technician presses 1 while the caller's ticket is held by another transaction (a
 * frozen node's, a lock taken by hand), through a real Asterisk 22: the acceptance, which writes a
 * line on the ticket, cannot be written, and the two are put through all the same, at most
 * line.hold-after (2 s) after the key; a technician who hangs up in that silence is not taken for
 * having put the caller through.
 */
@Tag("asterisk")
// Alone, as FallbackAsteriskIT: the lab's barrier (every call's lines written) would wait out the lock
@Isolated("locks a caller's ticket: the lab's wait for every call's lines would wait for it")
class AcceptWhileTheTicketIsHeldAsteriskIT {

    @Test
    void aTechnicianWhoPressesOneWhileTheCallersTicketIsHeldIsPutThroughWithinTheHoldAfter() throws Exception {
        AsteriskLab lab = AsteriskLab.get();
        String me = lab.newCaller();
        Long acceptedWhileHeld;
        try (var pat = lab.phone(new Sipp.Phone(AsteriskLab.PAT).answerAfter(ofSeconds(1)).pause(ofSeconds(5).plusMillis(500))
                        .press("1").pause(ofSeconds(6)).hangUp(), me);
                var call = lab.call(new Sipp.Caller(me)
                        .when("urgent-or-not").press("1")
                        .when("priority").press("2")
                        .thenWaitAtMost(ofSeconds(40)))) {
            lab.awaitStep(me, "agi EXEC Dial", ofSeconds(30));
            long ticket = lab.ticketOf(me).id(); // its lines so far written
            long callId;
            try (Connection frozen = lab.holdingTicket(ticket)) {
                try {
                    // before: Pat heard silence after the key until the ticket was free, and hung up
                    // (the caller was never put through, and the test's wait for the call ran out)
                    pat.awaitSuccess(ofSeconds(60));
                    call.awaitSuccess(ofSeconds(60));
                    callId = lab.services().calls().callsOf(ticket).get(0).id();
                    acceptedWhileHeld = lab.services().calls().find(callId).map(CallRecord::acceptedBy).orElse(null);
                } finally {
                    frozen.rollback();
                }
            }
            assertTrue(pat.event("key-1").isPresent(), "Pat pressed 1: " + pat.events());
        }
        List<AsteriskLab.Step> steps = lab.steps(me);
        String shown = AsteriskLab.shown(steps);
        assertNull(acceptedWhileHeld, "the acceptance was not written while the ticket was held (else this shows nothing)");
        assertEquals("CONNECTED", lab.resultAtHangup(me), "the caller was put through:\n" + shown);
        // the technician's silence: from pagerline's look at the caller after the key, to the acceptance
        int key = AsteriskLab.index(steps, "tech agi GET VARIABLE IMPORT(", 0, shown);
        int accepted = AsteriskLab.index(steps, "tech agi SET VARIABLE PAGERLINE_ACCEPTED 1", key, shown);
        long silence = TimeUnit.NANOSECONDS.toMillis(steps.get(accepted).nanos() - steps.get(key).nanos());
        assertTrue(silence < 4_000, "Pat waited " + silence + " ms in silence after pressing 1:\n" + shown);

        lab.awaitCallsSaved();
        CallRecord c = lab.services().calls().callsOf(lab.ticketOf(me).id()).get(0);
        String timeline = lab.timelineText(me);
        assertEquals(CallOutcome.CONNECTED, c.outcome(), timeline);
        assertTrue(c.acceptedBy() != null && timeline.contains("ACCEPTED Pat Lab pressed 1"),
                "the acceptance written once the ticket was free:\n" + timeline);
        assertTrue(lab.services().incidents().list(500, false).stream().noneMatch(i -> i.ticketId() == c.ticketId()),
                "nobody paged for a caller who was put through:\n" + timeline);
    }

    @Test
    void aTechnicianWhoHangsUpWhileTheAcceptanceWaitsLeavesTheCallerToLeaveAMessage() throws Exception {
        AsteriskLab lab = AsteriskLab.get();
        String me = lab.newCaller();
        long ticket;
        try (var pat = lab.phone(new Sipp.Phone(AsteriskLab.PAT).answerAfter(ofSeconds(1)).pause(ofSeconds(5).plusMillis(500))
                        .press("1").pause(java.time.Duration.ofMillis(700)).hangUp(), me);
                var call = lab.call(new Sipp.Caller(me)
                        .when("urgent-or-not").press("1")
                        .when("priority").press("2")
                        .when("callback-confirm").hangUp())) {
            lab.awaitStep(me, "agi EXEC Dial", ofSeconds(30));
            ticket = lab.ticketOf(me).id();
            try (Connection frozen = lab.holdingTicket(ticket)) {
                try {
                    // Pat hangs up in the silence while the acceptance waits for the ticket: before,
                    // the caller was taken as put through (Dial says ANSWER once the technician's
                    // phone has answered) and hung up on, with no message taken and nobody paged
                    pat.awaitSuccess(ofSeconds(60));
                    call.awaitSuccess(ofSeconds(60));
                } finally {
                    frozen.rollback();
                }
            }
            assertTrue(pat.event("key-1").isPresent(), "Pat pressed 1: " + pat.events());
        }
        String shown = AsteriskLab.shown(lab.steps(me));
        assertTrue(!"CONNECTED".equals(lab.resultAtHangup(me)), "the caller was not put through:\n" + shown);
        lab.awaitCallsSaved();
        String timeline = lab.timelineText(me);
        assertTrue(timeline.contains("ACCEPT_WITHDRAWN Pat Lab hung up after pressing 1"), timeline);
        CallRecord c = lab.services().calls().callsOf(ticket).get(0);
        assertNull(c.acceptedBy(), "the acceptance taken back:\n" + timeline);
        assertTrue(lab.services().incidents().list(500, false).stream().anyMatch(i -> i.ticketId() == ticket),
                "the urgent caller, who hung up at the call-back prompt, is paged for:\n" + timeline);
    }
}

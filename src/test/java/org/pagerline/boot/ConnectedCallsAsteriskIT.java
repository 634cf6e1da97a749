package org.pagerline.boot;

import static java.time.Duration.ofSeconds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.pagerline.core.call.CallOutcome;
import org.pagerline.core.call.CallRecord;
import org.pagerline.core.ticket.Ticket;

/** Calls that reach a technician, through a real Asterisk 22: how they end. */
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
            assertTrue(lab.services().incidents().list(500, false).stream().noneMatch(i -> i.ticketId() == t.id()),
                    "no incident for a call that was put through");
        }
    }
}

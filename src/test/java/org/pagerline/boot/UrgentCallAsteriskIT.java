package org.pagerline.boot;

import static java.time.Duration.ofSeconds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.pagerline.core.incident.Incident;
import org.pagerline.core.ticket.Ticket;
import org.pagerline.testkit.Eventually;

/** Urgent calls through a real Asterisk 22: real SIP callers (SIPp) and technicians' phones. */
@Tag("asterisk")
@Execution(ExecutionMode.CONCURRENT)
class UrgentCallAsteriskIT {

    @Test
    void anUnansweredUrgentCallEndsInARecordedMessageATicketAndAnIncident() throws Exception {
        AsteriskLab lab = AsteriskLab.get();
        String me = lab.newCaller();
        try (var pat = lab.phone(new Sipp.Phone(AsteriskLab.PAT).neverAnswer().thenWaitAtMost(ofSeconds(30)), me);
                var call = lab.call(Sipp.Caller.urgentMessage(me, "1", ofSeconds(7)))) {
            call.awaitSuccess(ofSeconds(120));
            assertTrue(pat.event("invite").isPresent(), "Pat's phone rang");
            assertTrue(call.event("asterisk-hung-up").isPresent(), "pagerline said goodbye and hung up: " + call.events());

            Ticket t = lab.ticketOf(me);
            Incident incident = lab.incidentsOf(t.id()).stream().findFirst()
                    .orElseThrow(() -> new AssertionError("no incident for ticket " + t.id() + ":\n" + lab.timelineText(me)));
            assertEquals(me, incident.callbackNumber());
            Path wav = Path.of(incident.recording() + ".wav");
            assertTrue(Files.exists(wav), "the message is on the PBX: " + wav);
            assertTrue(Files.size(wav) > 8000 * 2 * 3, "at least 3 s of the caller's speech were recorded: " + Files.size(wav));
        }
    }

    @Test
    void aSecondUrgentMessageWhileTheFirstAwaitsItsCallBackJoinsItsIncidentWithOnePromise() throws Exception {
        AsteriskLab lab = AsteriskLab.get();
        String me = lab.newCaller();
        for (int message = 1; message <= 2; message++) {   // the same caller twice, nobody calling back in between
            try (var pat = lab.phone(new Sipp.Phone(AsteriskLab.PAT).neverAnswer().thenWaitAtMost(ofSeconds(30)), me);
                    var call = lab.call(Sipp.Caller.urgentMessage(me, "1", ofSeconds(3)))) {
                call.awaitSuccess(ofSeconds(120));
                assertTrue(call.event("asterisk-hung-up").isPresent(), "message " + message + " told and said goodbye: "
                        + call.events());
            }
        }
        Ticket t = lab.ticketOf(me);
        String timeline = lab.timelineText(me);
        assertEquals(1, lab.incidentsOf(t.id()).size(),
                "the second message joins the first's incident:\n" + timeline);
        assertEquals(1, timeline.lines().filter(l -> l.startsWith("CALLBACK_DUE ")).count(),
                "one call-back promise, the first message's:\n" + timeline);
        assertTrue(timeline.contains("VOICEMAIL_AGAIN"), timeline);
    }

    @Test
    void whenTheTechniciansPhoneAnswersButNobodyPressesOneTheTicketSaysSo() throws Exception {
        AsteriskLab lab = AsteriskLab.get();
        String me = lab.newCaller();
        try (var pat = lab.phone(new Sipp.Phone(AsteriskLab.PAT).answerAfter(ofSeconds(2)).thenWaitAtMost(ofSeconds(30)), me);
                var call = lab.call(new Sipp.Caller(me).when("urgent-or-not").press("1").when("priority").press("2")
                        .when("callback-confirm").hangUp())) {
            call.awaitSuccess(ofSeconds(90));
            assertTrue(pat.event("answered").isPresent(), "Pat's phone answered: " + pat.events());
            // the caller hung up: SIPp is done before pagerline has seen the hang-up and ended the call
            long ticket = lab.ticketOf(me).id();
            Eventually.await(ofSeconds(20), "pagerline ending the call",
                    () -> lab.services().calls().callsOf(ticket).stream().allMatch(c -> c.outcome() != null));
            String timeline = lab.timelineText(me);
            assertTrue(timeline.contains("NOT_ACCEPTED Pat Lab's phone answered, but nobody pressed 1 to accept"), timeline);
        }
    }
}

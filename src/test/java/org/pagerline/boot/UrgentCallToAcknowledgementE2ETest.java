package org.pagerline.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pagerline.boot.E2eServer.CALLER;
import static org.pagerline.boot.E2eServer.LEE;
import static org.pagerline.boot.E2eServer.PAT;
import static org.pagerline.boot.E2eServer.SAM;
import static org.pagerline.boot.E2eServer.VAL;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.pagerline.cli.simulate.Conversation;
import org.pagerline.core.incident.Incident;
import org.pagerline.core.incident.IncidentState;
import org.pagerline.core.page.PageState;
import org.pagerline.core.ticket.TicketEvent;
import org.pagerline.service.TicketService;
import org.pagerline.testkit.FakePhone;

/**
 * Runbook, end to end through the real server: an urgent caller whose primary does not pick up
 * leaves a message; primary and secondary are paged at once by SMS and call; 5 minutes on the team
 * lead is paged; the secondary texts back "Na" and owns it, the others are told; paging stops, but
 * the 30-minute call-back timer does not; "Nc" stops that too. Then the ticket tells the whole story.
 */
@Timeout(30)
class UrgentCallToAcknowledgementE2ETest {
    @TempDir
    Path dir;

    @Test
    void voicemailPagesEscalatesIsAcknowledgedBySmsAndTheCallBackTimerRunsUntilTheCallBack() throws Exception {
        try (E2eServer e = E2eServer.start(dir, E2eServer.Voice.TWILIO)) {
            // 21:00: Jane calls; Pat's phone rings out; she leaves a message.
            Conversation call = e.urgentVoicemail();
            long ticket = E2eServer.ticketOf(call);
            Incident opened = e.incidentOn(ticket);
            long n = opened.id();
            assertEquals(IncidentState.OPEN, opened.state());
            assertEquals(CALLER, opened.callbackNumber());

            // At once (the voicemail kicks the engine: the test runs no pass here): primary and secondary,
            // SMS and call each, with who called, company, call-back number, ticket and reply code.
            FakePhone pat = e.phone(PAT);
            FakePhone sam = e.phone(SAM);
            FakePhone lee = e.phone(LEE);
            FakePhone val = e.phone(VAL);
            for (FakePhone p : List.of(pat, sam)) {
                String sms = p.expectSms("Reply " + n + "a").text();
                for (String must : List.of("Jane Doe", "Acme Ltd", "call back " + CALLER, "ticket " + ticket, "P1")) {
                    assertTrue(sms.contains(must), "'" + must + "' missing from: " + sms);
                }
                p.expectCall();
            }
            FakePhone.Voice spoken = pat.answer();
            assertTrue(String.join(" ", spoken.says()).contains("Jane Doe (Acme Ltd) called"), spoken.xml());
            assertTrue(spoken.gatherAction() != null, "the call asks for a key: " + spoken.xml());

            // The engine asked Quartz (persistent store) to wake it for the team lead's step.
            e.pass();
            assertTrue(e.server.pendingWakeUps() >= 1, "a Quartz wake-up is set for the next step");

            // 4 minutes on: nothing new. 5 minutes: the team lead.
            e.after(Duration.ofMinutes(4));
            e.after(Duration.ofMinutes(1));
            lee.expectSms("Reply " + n + "a");
            lee.expectCall();
            e.expectNothingElse();

            // Sam takes it by SMS (a signed webhook); the answer says it is theirs.
            String answer = sam.reply(n + "a");
            assertTrue(answer.contains("incident " + n + " is yours") && answer.contains(CALLER), answer);
            Incident acked = e.incident(n);
            assertEquals(IncidentState.ACKNOWLEDGED, acked.state());
            assertEquals("Sam", acked.ownerName());
            pat.expectSms("Sam took incident " + n);
            lee.expectSms("Sam took incident " + n);
            e.expectNothingElse();
            assertTrue(e.pages(n).stream().noneMatch(p -> p.state() == PageState.PENDING), "no page left pending");

            // Paging has stopped: no VP step at 10 minutes, no repeat cycle at 20.
            e.after(Duration.ofMinutes(5));
            e.after(Duration.ofMinutes(10));
            e.expectNothingElse();

            // 30 minutes after the voicemail and nobody has called Jane back: everyone told it is late.
            e.after(Duration.ofMinutes(10));
            for (FakePhone p : List.of(sam, pat, lee, val)) {
                String late = p.expectSms("LATE ticket " + ticket).text();
                assertTrue(late.contains("taken by Sam") && late.contains(CALLER), late);
            }
            e.expectNothingElse();

            // Sam calls her and says so: the timer stops.
            String called = sam.reply(n + "c");
            assertTrue(called.contains("call-back on incident " + n + " recorded"), called);
            assertEquals(IncidentState.CALLED_BACK, e.incident(n).state());
            e.after(Duration.ofMinutes(30));
            e.after(Duration.ofHours(2));
            e.expectNothingElse();

            // The ticket holds the whole story, in order.
            TicketService.TicketView v = e.ticket(ticket);
            String story = E2eServer.timeline(v);
            List<String> kinds = v.events().stream().map(TicketEvent::kind).toList();
            assertInOrder(kinds, story, "CALL_STARTED", "URGENCY", "PRIORITY", "RINGING", "NOT_ACCEPTED", "CALLBACK_NUMBER",
                    "VOICEMAIL", "INCIDENT_OPENED", "ESCALATED", "PAGE_SENT", "ESCALATED", "PAGE_SENT", "ACKNOWLEDGED",
                    "ESCALATED", "CALLED_BACK");
            assertEquals(4 + 2 + 2 + 4, count(kinds, "PAGE_SENT"),
                    "4 first-step pages, 2 to the team lead, 2 who-took-it notices, 4 late notices:\n" + story);
            for (String who : List.of("Pat (" + PAT + ")", "Sam (" + SAM + ")", "Lee (" + LEE + ")", "Val (" + VAL + ")")) {
                assertTrue(story.contains("SMS to " + who + " handed to twilio-sms"), who + ":\n" + story);
            }
            assertTrue(story.contains("call to Pat (" + PAT + ") handed to twilio-voice"), story);
            assertTrue(story.contains("Sam acknowledged incident " + n + " by SMS"), story);
            assertTrue(story.contains("Sam called the caller back (SMS)"), story);
            assertTrue(story.contains("not called back within 30 min"), story);
        }
    }

    static long count(List<String> kinds, String kind) {
        return kinds.stream().filter(kind::equals).count();
    }

    static void assertInOrder(List<String> kinds, String story, String... expected) {
        int at = 0;
        for (String k : expected) {
            int found = -1;
            for (int i = at; i < kinds.size(); i++) {
                if (kinds.get(i).equals(k)) {
                    found = i;
                    break;
                }
            }
            assertTrue(found >= 0, k + " missing (after position " + at + ") in:\n" + story);
            at = found + 1;
        }
    }
}

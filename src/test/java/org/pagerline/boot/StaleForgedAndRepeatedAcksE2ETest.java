package org.pagerline.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pagerline.boot.E2eServer.PAT;
import static org.pagerline.boot.E2eServer.SAM;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.pagerline.core.incident.Incident;
import org.pagerline.core.incident.IncidentState;
import org.pagerline.core.ticket.TicketEvent;
import org.pagerline.testkit.FakePhone;
import org.pagerline.testkit.FakeTwilio;

/**
 * Acknowledgements that must change nothing, through the real HTTP endpoint and the real CLI:
 * a forged signature, a stranger's SMS, a replayed webhook, a repeated "a", someone else's late
 * "a", and an admin's {@code incident ack} after the SMS one.
 */
@Timeout(30)
class StaleForgedAndRepeatedAcksE2ETest {
    @TempDir
    Path dir;

    @Test
    void onlyOneSignedAcknowledgementFromAPagedTechnicianCountsAndEveryOtherOneIsAnsweredAndChangesNothing() throws Exception {
        try (E2eServer e = E2eServer.start(dir, E2eServer.Voice.TWILIO)) {
            long ticket = E2eServer.ticketOf(e.urgentVoicemail());
            long n = e.incidentOn(ticket).id();
            FakePhone pat = e.phone(PAT);
            FakePhone sam = e.phone(SAM);
            for (FakePhone p : List.of(pat, sam)) {
                p.expectSms("Reply " + n + "a");
                p.expectCall();
            }
            e.expectNothingElse();
            int eventsBefore = e.ticket(ticket).events().size();

            // Forged: someone without the auth token posts Sam's "Na". 403, and the incident is still open.
            FakeTwilio.WebhookResponse forged = e.twilio.postForged("/twilio/sms", sam.smsForm(n + "a", "SM" + "f".repeat(32)));
            assertEquals(403, forged.status());
            // No signature at all: the same.
            assertEquals(403, e.twilio.postSigned("/twilio/sms", sam.smsForm(n + "a", "SM" + "e".repeat(32)), null).status());
            // A number that is nobody's: signed, but ignored with an empty answer.
            FakeTwilio.WebhookResponse stranger = e.phone("+12045550999").replyRaw(n + "a");
            assertEquals(200, stranger.status());
            assertEquals("", FakePhone.messageText(stranger), stranger.body());
            assertEquals(IncidentState.OPEN, e.incident(n).state());
            assertEquals(eventsBefore, e.ticket(ticket).events().size(), "nothing written:\n" + E2eServer.timeline(e.ticket(ticket)));
            e.expectNothingElse();

            // Sam's real "Na", then Twilio delivers the very same webhook again (same MessageSid).
            Map<String, String> ack = sam.smsForm(n + "a", "SM" + "a1".repeat(16));
            FakeTwilio.WebhookResponse first = e.twilio.post("/twilio/sms", ack);
            FakeTwilio.WebhookResponse replay = e.twilio.post("/twilio/sms", ack);
            assertEquals(200, first.status());
            assertTrue(FakePhone.messageText(first).contains("is yours"), first.body());
            assertEquals(first, replay, "a replay is answered as the first was");
            pat.expectSms("Sam took incident " + n);
            e.expectNothingElse();

            // Sam again (a new message): politely told, nothing changes.
            String again = sam.reply(n + "a");
            assertTrue(again.contains("incident " + n + " is already acknowledged by Sam; nothing changed"), again);
            // Pat, late, with a bare "a" for the newest page to their phone: told who has it.
            String late = pat.reply("a");
            assertTrue(late.contains("incident " + n + " is already acknowledged by Sam; nothing changed"), late);
            // An admin from the command line: the same.
            E2eServer.CliResult cli = e.cli("incident", "ack", Long.toString(n), "--tech", "Pat");
            assertEquals(0, cli.exit(), cli.err());
            assertTrue(cli.out().contains("incident " + n + " is already acknowledged by Sam; nothing changed"), cli.out());

            Incident i = e.incident(n);
            assertEquals(IncidentState.ACKNOWLEDGED, i.state());
            assertEquals("Sam", i.ownerName());
            List<TicketEvent> events = e.ticket(ticket).events();
            String story = E2eServer.timeline(e.ticket(ticket));
            assertEquals(1, events.stream().filter(ev -> ev.kind().equals("ACKNOWLEDGED")).count(), story);
            assertEquals(3, events.stream().filter(ev -> ev.kind().equals("LATE_RESPONSE")).count(),
                    "Sam's repeat, Pat's SMS and Pat's CLI ack; the replay is not one:\n" + story);
            e.after(Duration.ofMinutes(15));
            e.expectNothingElse();
        }
    }
}

package org.pagerline.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pagerline.boot.E2eServer.PAT;
import static org.pagerline.boot.E2eServer.SAM;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.pagerline.core.ticket.Priority;
import org.pagerline.core.ticket.Ticket;
import org.pagerline.core.ticket.TicketSource;
import org.pagerline.service.VoicemailIncident;

/**
 * Twilio answering later than {@code twilio.timeout}: it has created the message or call, pagerline
 * only does not know. Such a send is not a failed one: at its retry (on the back-off schedule
 * counted from the hand-over, not from the late answer) pagerline reads Twilio's message and call
 * lists for the number, finds the page there and does not send it again.
 */
@Timeout(60)
class SlowTwilioGetsEachPageOnceE2ETest {
    @TempDir
    Path dir;

    @Test
    void aPageWhoseAnswerCameTooLateIsFoundAtTwilioOnScheduleAndNotSentAgain() throws Exception {
        try (E2eServer e = E2eServer.start(dir, E2eServer.Voice.TWILIO, Map.of("twilio.timeout", "1s"))) {
            // Twilio answers each create after 2 s (past the 1 s timeout); the first slow answer also
            // costs 10 s of the desk's clock, as a provider answering after 30 s holds a real server up.
            AtomicBoolean first = new AtomicBoolean(true);
            e.twilio.clock(e.clock::instant).answerAfter(Duration.ofSeconds(2), d -> {
                if (first.getAndSet(false)) {
                    e.clock.advance(Duration.ofSeconds(10));
                }
            });
            long ticket = E2eServer.ticketOf(e.urgentVoicemail());
            long n = e.incidentOn(ticket).id();
            java.time.Instant handedOver = e.clock.instant();
            e.pass();
            e.phone(PAT).expectSms("Reply " + n + "a");
            e.phone(PAT).expectCall();
            e.phone(SAM).expectSms("Reply " + n + "a");
            e.phone(SAM).expectCall();
            String story = E2eServer.timeline(e.ticket(ticket));
            assertTrue(story.contains("outcome unknown"), story);

            // The retry is due 30 s (the back-off) after the hand-over, however late Twilio answered.
            e.after(Duration.between(e.clock.instant(), handedOver.plusSeconds(29)));
            assertTrue(!E2eServer.timeline(e.ticket(ticket)).contains("not sent again"), "not before the back-off");
            e.after(Duration.ofSeconds(1));
            story = E2eServer.timeline(e.ticket(ticket));
            assertEquals(4, story.split("has it from the hand-over at", -1).length - 1,
                    "each of the four pages found at Twilio at its retry, on time:\n" + story);

            // Each page was created exactly once, and nothing more goes out for them.
            assertEquals(1, e.requests("Messages", PAT).size());
            assertEquals(1, e.requests("Calls", PAT).size());
            assertEquals(1, e.requests("Messages", SAM).size());
            assertEquals(1, e.requests("Calls", SAM).size());
            e.after(Duration.ofMinutes(2));
            e.expectNothingElse();
            assertEquals(4, e.twilio.requests().size(), "four creates in all: " + e.twilio.requests());
        }
    }

    @Test
    void aCallPlacedSinceForAnotherIncidentIsNotTakenForThePageWhoseAnswerCameTooLate() throws Exception {
        // no bundle gaps: the second incident's call must go to the same phones at once, as its own call
        try (E2eServer e = E2eServer.start(dir, E2eServer.Voice.TWILIO, Map.of("twilio.timeout", "1s",
                "paging.bundle.sms-gap", "0s", "paging.bundle.voice-gap", "0s"))) {
            // Twilio is slow for the first incident's four creates: it has them, pagerline does not know.
            e.twilio.clock(e.clock::instant).answerAfter(Duration.ofSeconds(2), d -> { });
            long first = E2eServer.ticketOf(e.urgentVoicemail());
            long n = e.incidentOn(first).id();
            e.pass();
            e.phone(PAT).expectSms("Reply " + n + "a");
            e.phone(PAT).expectCall();
            e.phone(SAM).expectSms("Reply " + n + "a");
            e.phone(SAM).expectCall();

            // Before their retry, another incident calls Pat and Sam, and Twilio answers in time: the
            // newest calls to both numbers are now that incident's.
            e.twilio.answerAfter(Duration.ZERO, d -> { });
            e.after(Duration.ofSeconds(10));
            String other = "+12045550177";
            Ticket t = e.services().tickets().openOrReuse(TicketSource.PHONE, other, "John", "Initech", Duration.ZERO);
            long m = e.services().incidents().openFromVoicemail(new VoicemailIncident(t.id(), Priority.P1, other, "John",
                    "Initech", other, "rec", e.clock.instant()));
            e.pass();
            e.phone(PAT).expectSms("Reply " + m + "a");
            e.phone(PAT).expectCall();
            e.phone(SAM).expectSms("Reply " + m + "a");
            e.phone(SAM).expectCall();

            // At the retry each of the first incident's pages is found at Twilio, calls included.
            e.after(Duration.ofSeconds(25));
            String story = E2eServer.timeline(e.ticket(first));
            assertEquals(4, story.split("has it from the hand-over at", -1).length - 1,
                    "each of the first incident's pages found at Twilio, none placed again:\n" + story);
            assertEquals(2, e.requests("Calls", PAT).size(), "one call to Pat per incident: " + e.requests("Calls", PAT));
            assertEquals(2, e.requests("Calls", SAM).size(), "one call to Sam per incident: " + e.requests("Calls", SAM));
            e.after(Duration.ofMinutes(2));
            e.expectNothingElse();
            assertEquals(8, e.twilio.requests().size(), "eight creates in all: " + e.twilio.requests());
        }
    }
}

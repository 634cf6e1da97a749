package org.pagerline.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pagerline.boot.E2eServer.PAT;
import static org.pagerline.boot.E2eServer.SAM;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.pagerline.core.page.Channel;
import org.pagerline.core.page.Page;
import org.pagerline.core.page.PageKind;
import org.pagerline.core.page.PageState;
import org.pagerline.testkit.FakeTwilio;

/**
 * Twilio misbehaving, end to end: a 500 is one request (the SDK's own retry is off), a TEMPORARY
 * failure on the ticket, and a retry after the back-off that gets through; 21610 (the phone sent
 * STOP) is never retried and that person is reached by voice instead.
 */
@Timeout(30)
class TwilioFailuresE2ETest {
    @TempDir
    Path dir;

    @Test
    void aTwilio500IsRetriedAfterTheBackOffAndDeliveredTheSecondTime() throws Exception {
        try (E2eServer e = E2eServer.start(dir, E2eServer.Voice.TWILIO)) {
            e.twilio.failNextTo("Messages", PAT, FakeTwilio.serverError());
            long ticket = E2eServer.ticketOf(e.urgentVoicemail());
            long n = e.incidentOn(ticket).id();
            e.pass();
            e.phone(PAT).expectCall();
            e.phone(SAM).expectSms("Reply " + n + "a");
            e.phone(SAM).expectCall();
            e.expectNothingElse();

            List<FakeTwilio.ApiRequest> toPat = e.requests("Messages", PAT);
            assertEquals(1, toPat.size(), "one HTTP request for the attempt (no SDK retry of the POST): " + toPat);
            assertEquals(500, toPat.get(0).answeredStatus());
            String story = E2eServer.timeline(e.ticket(ticket));
            assertTrue(story.contains("PAGE_RETRY  SMS to Pat (" + PAT + ") failed, temporary"), story);
            assertTrue(story.contains("retry 2 of 3"), story);

            // Not before the back-off (30 s)...
            e.after(Duration.ofSeconds(29));
            assertEquals(1, e.requests("Messages", PAT).size());
            // ...and at it: delivered.
            e.after(Duration.ofSeconds(1));
            String sms = e.phone(PAT).expectSms("Reply " + n + "a").text();
            assertTrue(sms.contains("Jane Doe"), sms);
            assertEquals(2, e.requests("Messages", PAT).size());
            e.expectNothingElse();
            assertTrue(E2eServer.timeline(e.ticket(ticket)).contains("SMS to Pat (" + PAT + ") handed to twilio-sms (attempt 2)"));
        }
    }

    @Test
    void error21610IsNotRetriedAndThatPersonIsReachedByVoice() throws Exception {
        try (E2eServer e = E2eServer.start(dir, E2eServer.Voice.TWILIO)) {
            // Sam's phone sent STOP to the Twilio number: Twilio refuses every SMS to it with 21610.
            for (int i = 0; i < 3; i++) {
                e.twilio.failNextTo("Messages", SAM, FakeTwilio.twilioError(400, 21610,
                        "Attempt to send to unsubscribed recipient"));
            }
            long ticket = E2eServer.ticketOf(e.urgentVoicemail());
            long n = e.incidentOn(ticket).id();
            e.pass();
            e.phone(PAT).expectSms("Reply " + n + "a");
            e.phone(PAT).expectCall();
            e.phone(SAM).expectCall();
            e.expectNothingElse();
            assertEquals(1, e.requests("Messages", SAM).size(), "21610 is never retried");
            String story = E2eServer.timeline(e.ticket(ticket));
            assertTrue(story.contains("SMS to Sam (" + SAM + ") failed for good (twilio-sms OPTED_OUT"), story);
            assertTrue(story.contains("error 21610"), story);
            assertTrue(story.contains("the voice page to them stands"), story);

            // Pat takes it. Sam's phone is now recorded as opted out, so the who-took-it notice
            // goes to Sam by a call straight away, with no second SMS refused by Twilio.
            e.phone(PAT).reply(n + "a");
            e.pass();
            e.phone(SAM).expectCall();
            e.expectNothingElse();
            assertEquals(1, e.requests("Messages", SAM).size(), "an opted-out phone gets no more SMS");
            List<Page> samsNotices = e.pages(n).stream().filter(p -> p.kind() == PageKind.NOTICE && p.to().equals(SAM)).toList();
            assertTrue(samsNotices.stream().anyMatch(p -> p.channel() == Channel.VOICE && p.state() == PageState.SENT
                    && p.text().contains("Pat took incident " + n)), samsNotices.toString());
            assertTrue(E2eServer.timeline(e.ticket(ticket)).contains("SMS_OPTED_OUT"));
        }
    }

    @Test
    void aRetryStillPendingWhenSomeoneAcknowledgesIsCancelledAndNeverSent() throws Exception {
        try (E2eServer e = E2eServer.start(dir, E2eServer.Voice.TWILIO)) {
            e.twilio.failNextTo("Messages", PAT, FakeTwilio.serverError());
            long ticket = E2eServer.ticketOf(e.urgentVoicemail());
            long n = e.incidentOn(ticket).id();
            e.pass();
            e.phone(PAT).expectCall();
            e.phone(SAM).expectSms("Reply " + n + "a");
            e.phone(SAM).expectCall();

            e.after(Duration.ofSeconds(10));
            String answer = e.phone(SAM).reply(n + "a");
            assertTrue(answer.contains("is yours"), answer);
            e.phone(PAT).expectSms("Sam took incident " + n);
            e.after(Duration.ofMinutes(1)); // well past Pat's retry
            e.expectNothingElse();

            assertEquals(2, e.requests("Messages", PAT).size(), "the failed page and the who-took-it notice; no retry");
            Page patsSms = e.pages(n).stream().filter(p -> p.kind() == PageKind.PAGE && p.channel() == Channel.SMS
                    && p.to().equals(PAT)).findFirst().orElseThrow();
            assertEquals(PageState.CANCELLED, patsSms.state());
            String story = E2eServer.timeline(e.ticket(ticket));
            assertTrue(story.contains("Sam acknowledged incident " + n + " by SMS; 1 pending page(s) cancelled"), story);
        }
    }
}

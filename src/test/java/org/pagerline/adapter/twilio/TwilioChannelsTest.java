package org.pagerline.adapter.twilio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.pagerline.core.page.Channel;
import org.pagerline.service.OutgoingPage;
import org.pagerline.service.SendResult;
import org.pagerline.service.SendResult.Status;
import org.pagerline.testkit.FakeTwilio;
import org.pagerline.testkit.FakeTwilio.ApiRequest;

/** Handing pages to Twilio: what is sent, and how every kind of failure is classified, with one request each. */
class TwilioChannelsTest {
    static final String TECH = "+12045550101";
    TwilioFixture f;

    @AfterEach
    void close() {
        if (f != null) {
            f.close();
        }
    }

    static OutgoingPage page(long id, Channel channel) {
        return new OutgoingPage(id, 7, 12, channel, TECH, "Ana Tech",
                "Urgent: Jo Caller (Acme) +12045559999, ticket 12. Reply 12a to acknowledge.", "vm-12", "12", 1);
    }

    /** No provider id is another page's. */
    private static final java.util.function.BiPredicate<String, java.time.Instant> NOBODY = (sid, created) -> false;

    @Test
    void smsPageIsSentWithTheRightFieldsAndStatusCallback() throws Exception {
        f = new TwilioFixture();
        SendResult r = f.sms.send(page(41, Channel.SMS));

        assertEquals(Status.ACCEPTED, r.status());
        ApiRequest sent = f.twilio.phone(TECH).expectSms("ticket 12").request();
        assertEquals(r.providerId(), sent.sid());
        assertEquals(TECH, sent.to());
        assertEquals(TwilioFixture.FROM, sent.from());
        assertEquals(page(41, Channel.SMS).text(), sent.body());
        assertEquals("https://pager.example.com/twilio/status?page=41", sent.statusCallback());
        assertEquals(FakeTwilio.ACCOUNT_SID, sent.accountSid());
        f.twilio.assertNoUnexpectedPages();
    }

    @Test
    void recipientWhoSentStopIsAPermanentFailure() throws Exception {
        f = new TwilioFixture();
        f.twilio.failNext(FakeTwilio.twilioError(400, 21610, "Attempt to send to unsubscribed recipient"));

        SendResult r = f.sms.send(page(1, Channel.SMS));

        assertEquals(Status.PERMANENT_FAILURE, r.status());
        assertEquals(SendResult.OPTED_OUT, r.errorCode(), "paging records the phone as opted out");
        assertTrue(r.detail().contains("21610"), r.detail());
        assertEquals(1, f.twilio.requests().size());
    }

    @Test
    void invalidNumberIsAPermanentFailure() throws Exception {
        f = new TwilioFixture();
        f.twilio.failNext(FakeTwilio.twilioError(400, 21211, "The 'To' number is not a valid phone number."));
        assertEquals(Status.PERMANENT_FAILURE, f.sms.send(page(1, Channel.SMS)).status());
    }

    @Test
    void unreachableHandsetIsTemporary() throws Exception {
        f = new TwilioFixture();
        f.twilio.failNext(FakeTwilio.twilioError(400, 30003, "Unreachable destination handset"));

        SendResult r = f.sms.send(page(1, Channel.SMS));

        assertEquals(Status.TEMPORARY_FAILURE, r.status());
        assertEquals("30003", r.errorCode());
        assertEquals(1, f.twilio.requests().size());
    }

    /** The SDK would retry a 5xx POST three times: a page Twilio did send could go out again. */
    @Test
    void serverErrorIsTemporaryAndTheCreateIsNotRetried() throws Exception {
        f = new TwilioFixture();
        f.twilio.failNext(FakeTwilio.serverError()).failNext(FakeTwilio.serverError());

        SendResult r = f.sms.send(page(1, Channel.SMS));

        assertEquals(Status.TEMPORARY_FAILURE, r.status());
        assertEquals(1, f.twilio.requests().size(), "exactly one HTTP request for one page");
        assertEquals(500, f.twilio.requests().get(0).answeredStatus());
    }

    @Test
    void voiceCreateIsNotRetriedOnServerErrorEither() throws Exception {
        f = new TwilioFixture();
        f.twilio.failNext(FakeTwilio.serverError()).failNext(FakeTwilio.serverError());

        assertEquals(Status.TEMPORARY_FAILURE, f.voice.send(page(1, Channel.VOICE)).status());
        assertEquals(1, f.twilio.requests().size());
    }

    @Test
    void aTimeoutIsAnUnknownOutcomeNotAFailureAfterOneRequest() throws Exception {
        f = new TwilioFixture(Duration.ofMillis(300));
        f.twilio.failNext(FakeTwilio.slow(Duration.ofSeconds(20)));

        long start = System.nanoTime();
        SendResult r = f.sms.send(page(1, Channel.SMS));
        long tookMs = (System.nanoTime() - start) / 1_000_000;

        assertEquals(Status.UNKNOWN, r.status(), "Twilio may have created it: " + r);
        assertTrue(tookMs < 5_000, "gave up after the configured timeout, took " + tookMs + " ms");
        assertEquals(1, f.twilio.requests().size());
    }

    @Test
    void aPageTwilioCreatedIsFoundInItsListsAndOneItDidNotCreateIsNot() throws Exception {
        f = new TwilioFixture();
        java.time.Instant before = java.time.Instant.now();
        assertEquals(java.util.Optional.empty(), f.sms.lookUp(page(1, Channel.SMS), before, NOBODY), "nothing sent yet");
        assertEquals(java.util.Optional.empty(), f.voice.lookUp(page(2, Channel.VOICE), before, NOBODY), "nothing placed yet");
        String sms = f.sms.send(page(1, Channel.SMS)).providerId();
        String call = f.voice.send(page(2, Channel.VOICE)).providerId();

        assertEquals(SendResult.accepted(sms), f.sms.lookUp(page(1, Channel.SMS), before, NOBODY).orElseThrow());
        assertEquals(SendResult.accepted(call), f.voice.lookUp(page(2, Channel.VOICE), before, NOBODY).orElseThrow());
        OutgoingPage otherText = new OutgoingPage(3, 7, 12, Channel.SMS, TECH, "Ana Tech", "Another page", null, "12", 1);
        assertEquals(java.util.Optional.empty(), f.sms.lookUp(otherText, before, NOBODY), "an SMS with another text is not this page");
        assertEquals(java.util.Optional.empty(), f.voice.lookUp(page(2, Channel.VOICE), before.plusSeconds(3600), NOBODY),
                "a call created long before the hand-over is not this page's");
    }

    @Test
    void aCallPlacedLaterForAnotherPageToTheSameNumberIsNotTakenForThisOne() throws Exception {
        f = new TwilioFixture();
        java.time.Instant before = java.time.Instant.now();
        String mine = f.voice.send(page(2, Channel.VOICE)).providerId();
        String others = f.voice.send(page(6, Channel.VOICE)).providerId();

        assertEquals(SendResult.accepted(mine), f.voice.lookUp(page(2, Channel.VOICE), before, (sid, created) -> others.equals(sid)).orElseThrow(),
                "the newer call is page 6's; this page's own is found");
        assertEquals(java.util.Optional.empty(), f.voice.lookUp(page(2, Channel.VOICE), before,
                (sid, created) -> sid.equals(mine) || sid.equals(others)), "every call to the number is another page's");
    }

    @Test
    void twilioNotReachableAtAllIsTemporary() throws Exception {
        f = new TwilioFixture();
        f.twilio.close();

        assertEquals(Status.TEMPORARY_FAILURE, f.sms.send(page(1, Channel.SMS)).status());
    }

    @Test
    void voicePageIsPlacedWithTwimlUrlAndStatusCallback() throws Exception {
        f = new TwilioFixture();
        SendResult r = f.voice.send(page(42, Channel.VOICE));

        assertEquals(Status.ACCEPTED, r.status());
        ApiRequest call = f.twilio.phone(TECH).expectCall();
        assertEquals(r.providerId(), call.sid());
        assertEquals(TwilioFixture.FROM, call.from());
        assertEquals("https://pager.example.com/twilio/voice?page=42", call.url());
        assertEquals("https://pager.example.com/twilio/status?page=42", call.statusCallback());
        assertEquals("POST", call.form().get("Method"));
        f.twilio.assertNoUnexpectedPages();
    }
}

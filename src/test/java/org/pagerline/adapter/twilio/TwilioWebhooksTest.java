package org.pagerline.adapter.twilio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.pagerline.service.DeliveryReport;
import org.pagerline.service.DeliveryReport.Outcome;
import org.pagerline.testkit.FakePhone;
import org.pagerline.testkit.FakeTwilio;
import org.pagerline.testkit.FakeTwilio.WebhookResponse;
import org.slf4j.LoggerFactory;

/** The webhooks as Twilio calls them: signed, sometimes forged, sometimes replayed. */
class TwilioWebhooksTest {
    static final String TECH = "+12045550101";
    TwilioFixture f;
    FakePhone phone;

    @BeforeEach
    void start() throws Exception {
        f = new TwilioFixture();
        phone = f.twilio.phone(TECH);
    }

    @AfterEach
    void close() {
        f.close();
    }

    // ---- incoming SMS ------------------------------------------------------------------------

    @Test
    void signedSmsIsHandedOverAndItsAnswerTextedBack() {
        f.responses.smsAnswer = (from, body) -> "Ticket 12 <Acme> & co: acknowledged, thanks";

        String reply = phone.reply("12a");

        assertEquals(List.of(new RecordingPageResponses.SmsReply(TECH, "12a")), f.responses.smsReplies);
        assertEquals("Ticket 12 <Acme> & co: acknowledged, thanks", reply);
    }

    @Test
    void formDecodingKeepsUtf8AndTellsPlusFromSpace() {
        phone.reply("12a merci, café +1 à vous");

        assertEquals("12a merci, café +1 à vous", f.responses.smsReplies.get(0).body());
        assertEquals(TECH, f.responses.smsReplies.get(0).from());
    }

    @Test
    void unknownSenderGetsAnEmptyResponseAndTheBodyIsNotLogged() {
        f.responses.smsAnswer = (from, body) -> "";
        ListAppender<ILoggingEvent> logs = capture();

        WebhookResponse r = f.twilio.phone("+15145550123").replyRaw("my secret pin 8842");

        assertEquals(200, r.status());
        assertTrue(r.body().endsWith("<Response/>"), r.body());
        assertEquals(1, f.responses.smsReplies.size());
        assertTrue(logs.list.stream().anyMatch(e -> e.getFormattedMessage().contains("ignored")));
        assertTrue(logs.list.stream().noneMatch(e -> e.getFormattedMessage().contains("8842")));
    }

    @Test
    void forgedSignatureIsRefusedAndNothingChanges() {
        WebhookResponse r = f.twilio.postForged("/twilio/sms", phone.smsForm("12a", "SM" + "f".repeat(32)));

        assertEquals(403, r.status());
        assertTrue(f.responses.untouched());
    }

    @Test
    void missingSignatureIsRefused() {
        WebhookResponse r = f.twilio.postSigned("/twilio/sms", phone.smsForm("12a", "SM" + "e".repeat(32)), null);

        assertEquals(403, r.status());
        assertTrue(f.responses.untouched());
    }

    @Test
    void aSignatureForOtherFieldsOrAnotherUrlIsRefused() {
        Map<String, String> form = phone.smsForm("12a", "SM" + "d".repeat(32));
        Map<String, String> tampered = new LinkedHashMap<>(form);
        tampered.put("Body", "12e");
        String signedForOriginal = FakeTwilio.signature(FakeTwilio.AUTH_TOKEN, TwilioFixture.PUBLIC_URL + "/twilio/sms", form);
        String signedForOtherHost = FakeTwilio.signature(FakeTwilio.AUTH_TOKEN, "https://evil.example.net/twilio/sms", form);

        assertEquals(403, f.twilio.postSigned("/twilio/sms", tampered, signedForOriginal).status());
        assertEquals(403, f.twilio.postSigned("/twilio/sms", form, signedForOtherHost).status());
        assertTrue(f.responses.untouched());
    }

    @Test
    void replayedSmsIsAnsweredAgainButHandedOverOnce() {
        Map<String, String> form = phone.smsForm("12a", "SM" + "c".repeat(32));

        WebhookResponse first = f.twilio.post("/twilio/sms", form);
        WebhookResponse replay = f.twilio.post("/twilio/sms", form);

        assertEquals(200, replay.status());
        assertEquals(first.body(), replay.body());
        assertEquals(1, f.responses.smsReplies.size());
    }

    @Test
    void aFailureWhileActingReleasesTheClaimSoTwiliosRetryIsActedOn() {
        Map<String, String> form = phone.smsForm("12a", "SM" + "b".repeat(32));
        f.responses.smsAnswer = (from, body) -> {
            throw new IllegalStateException("database down");
        };
        assertEquals(500, f.twilio.post("/twilio/sms", form).status());

        f.responses.smsAnswer = (from, body) -> "Acknowledged";
        WebhookResponse retry = f.twilio.post("/twilio/sms", form);

        assertEquals("Acknowledged", FakePhone.messageText(retry));
        assertEquals(2, f.responses.smsReplies.size());
    }

    @Test
    void getAndOversizedBodiesAreRefused() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> get = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + f.http.port() + "/twilio/sms")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(405, get.statusCode());

        WebhookResponse big = f.twilio.post("/twilio/sms", phone.smsForm("x".repeat(70_000), "SM" + "a".repeat(32)));
        assertEquals(413, big.status());
        assertTrue(f.responses.untouched());
    }

    // ---- status callbacks ----------------------------------------------------------------------

    @Test
    void smsStatusCallbacksBecomeDeliveryReports() {
        f.sms.send(TwilioChannelsTest.page(41, org.pagerline.core.page.Channel.SMS));
        FakePhone.Sms sms = phone.expectSms("ticket 12");

        assertEquals(200, sms.status("sent", null).status());
        assertTrue(f.responses.deliveries.isEmpty(), "sent is not final");
        sms.delivered();
        sms.delivered();

        assertEquals(1, f.responses.deliveries.size(), "a replayed callback is reported once");
        DeliveryReport d = f.responses.deliveries.get(0);
        assertEquals(41, d.pageId());
        assertEquals(sms.request().sid(), d.providerId());
        assertEquals(Outcome.DELIVERED, d.outcome());
    }

    @Test
    void undeliveredSmsIsPermanentForStopAndTemporaryForUnreachable() {
        f.sms.send(TwilioChannelsTest.page(41, org.pagerline.core.page.Channel.SMS));
        f.sms.send(TwilioChannelsTest.page(42, org.pagerline.core.page.Channel.SMS));
        phone.expectSms("ticket 12").undelivered(21610);
        phone.expectSms("ticket 12").undelivered(30003);

        assertEquals(Outcome.PERMANENT_FAILURE, f.responses.deliveries.get(0).outcome());
        assertEquals(org.pagerline.service.SendResult.OPTED_OUT, f.responses.deliveries.get(0).errorCode());
        assertTrue(f.responses.deliveries.get(0).detail().contains("21610"), f.responses.deliveries.get(0).detail());
        assertEquals(Outcome.TEMPORARY_FAILURE, f.responses.deliveries.get(1).outcome());
        assertEquals(42, f.responses.deliveries.get(1).pageId());
    }

    @Test
    void forgedStatusCallbackChangesNothing() {
        Map<String, String> form = Map.of("MessageSid", "SM" + "1".repeat(32), "MessageStatus", "delivered");
        assertEquals(403, f.twilio.postForged("/twilio/status?page=41", form).status());
        assertEquals(403, f.twilio.postSigned("/twilio/status?page=99",
                form, FakeTwilio.signature(FakeTwilio.AUTH_TOKEN, TwilioFixture.PUBLIC_URL + "/twilio/status?page=41", form))
                .status(), "the page id is part of what is signed");
        assertTrue(f.responses.untouched());
    }

    // ---- voice ---------------------------------------------------------------------------------

    void placeVoicePage(long page) {
        f.responses.briefs.put(page, new org.pagerline.service.PageResponses.PageBrief(page, 7, 12,
                "Urgent call from Jo Caller at Acme, ticket 12.", "/var/spool/asterisk/recording/vm 12", "+12045559999"));
        f.voice.send(TwilioChannelsTest.page(page, org.pagerline.core.page.Channel.VOICE));
        phone.expectCall();
    }

    @Test
    void voicePagePlaysTheBriefTheRecordingAndTheKeyMenu() {
        placeVoicePage(42);

        FakePhone.Voice v = phone.answer();

        assertEquals(List.of("Urgent call from Jo Caller at Acme, ticket 12.", VoiceWebhook.MENU), v.says());
        assertEquals(List.of("https://pager.example.com/recordings/vm%2012.wav"), v.plays());
        assertTrue(v.xml().contains("numDigits=\"1\""), v.xml());
        assertEquals("https://pager.example.com/twilio/voice/key?page=42&round=1", v.gatherAction());
        assertEquals("https://pager.example.com/twilio/voice?page=42&round=2", v.redirect());
    }

    @Test
    void aMessageFromTheDialplansFallbackVoicemailIsPlayedFromItsFolder() {
        f.responses.briefs.put(43L, new org.pagerline.service.PageResponses.PageBrief(43, 7, 12,
                "Urgent call from Jo Caller at Acme, ticket 12.",
                "/var/spool/asterisk/pagerline/fallback/20261207-030000-12045550123-1764.2", "+12045559999"));
        f.voice.send(TwilioChannelsTest.page(43, org.pagerline.core.page.Channel.VOICE));
        phone.expectCall();

        FakePhone.Voice v = phone.answer();

        assertEquals(List.of("https://pager.example.com/recordings/fallback/20261207-030000-12045550123-1764.2.wav"),
                v.plays());
    }

    @Test
    void keyOneAcknowledgesAndConnectsToTheCaller() {
        placeVoicePage(42);
        phone.answer();

        FakePhone.Voice v = phone.press("1");

        assertEquals(List.of(new RecordingPageResponses.Key(42, "1")), f.responses.keys);
        assertEquals(List.of("Acknowledged. Connecting you to the caller."), v.says());
        assertEquals("+12045559999", v.dial());
        assertEquals(TwilioFixture.FROM, v.dialCallerId());

        assertEquals("https://pager.example.com/twilio/voice/dialed?page=42", v.dialAction());
        assertTrue(f.responses.connections.isEmpty(), "dialling is not yet a call-back");

        FakePhone.Voice asked = phone.dialEnds("completed");
        assertTrue(f.responses.connections.isEmpty(), "someone picked up, maybe only voicemail: not yet a call-back");
        assertEquals(List.of(DialedWebhook.SPOKE_QUESTION), asked.says());
        assertTrue(asked.xml().contains("numDigits=\"1\""), asked.xml());
        assertEquals("https://pager.example.com/twilio/voice/spoke?page=42", asked.gatherAction());

        FakePhone.Voice after = phone.press("1");
        assertEquals(List.of(new RecordingPageResponses.Connected(42, true,
                "Twilio DialCallStatus completed, the technician pressed 1: spoke with the caller")), f.responses.connections);
        assertEquals(List.of(SpokeWebhook.COUNTED), after.says());
        assertTrue(after.hangup());

        phone.callEnds("completed");
        assertEquals(Outcome.DELIVERED, f.responses.deliveries.get(0).outcome());
        assertEquals(42, f.responses.deliveries.get(0).pageId());
    }

    @Test
    void aCallBackThatDoesNotConnectIsNotACallBackAndTheTechnicianIsTold() {
        placeVoicePage(42);
        phone.answer();
        phone.press("1");

        FakePhone.Voice after = phone.dialEnds("busy");

        assertEquals(List.of(new RecordingPageResponses.Connected(42, false, "Twilio DialCallStatus busy")),
                f.responses.connections);
        assertEquals(List.of(DialedWebhook.NOT_CONNECTED), after.says());
        assertTrue(after.hangup());
    }

    @Test
    void aCallBackAnsweredByTheCallersVoicemailIsNotCountedWithoutTheTechniciansKey1() {
        placeVoicePage(42);
        phone.answer();
        phone.press("1");
        phone.dialEnds("completed"); // the caller's voicemail picked up; the technician hangs on

        FakePhone.Voice after = phone.followRedirect(); // no key at the question

        assertEquals(List.of(new RecordingPageResponses.Connected(42, false,
                "Twilio DialCallStatus completed, no key at \"did you speak with the caller\"")), f.responses.connections);
        assertEquals(List.of(SpokeWebhook.NOT_COUNTED), after.says());
        assertTrue(after.hangup());

        f.responses.connections.clear();
        placeVoicePage(43);
        phone.answer();
        phone.press("1");
        phone.dialEnds("completed");
        phone.press("2");
        assertEquals(List.of(new RecordingPageResponses.Connected(43, false,
                "Twilio DialCallStatus completed, key 2 at \"did you speak with the caller\"")), f.responses.connections);
    }

    @Test
    void aCallBackTheTechnicianEndsByHangingUpCountsOnlyWhenTheyWereConnectedAtLeast20Seconds() {
        placeVoicePage(42);
        phone.answer();
        phone.press("1");
        assertEquals(200, phone.hangsUpToEndDial("completed", 95).status());
        assertEquals(List.of(new RecordingPageResponses.Connected(42, true,
                "Twilio DialCallStatus completed, answered 95 s, the technician hung up")), f.responses.connections);

        f.responses.connections.clear();
        placeVoicePage(43);
        phone.answer();
        phone.press("1");
        phone.hangsUpToEndDial("completed", 8); // heard a voicemail greeting, hung up
        assertEquals(List.of(new RecordingPageResponses.Connected(43, false,
                "Twilio DialCallStatus completed, answered 8 s, the technician hung up (under 20 s: not counted)")),
                f.responses.connections);
    }

    @Test
    void theSpokeAnswerIsSignedAndActedOnOnce() {
        placeVoicePage(42);
        phone.answer();
        phone.press("1");
        phone.dialEnds("completed");
        Map<String, String> form = new LinkedHashMap<>();
        form.put("AccountSid", FakeTwilio.ACCOUNT_SID);
        form.put("CallSid", phone.callSid());
        form.put("Digits", "1");

        assertEquals(403, f.twilio.postForged("/twilio/voice/spoke?page=42", form).status());
        assertTrue(f.responses.connections.isEmpty(), "a forged answer changes nothing");
        WebhookResponse first = f.twilio.post("/twilio/voice/spoke?page=42", form);
        WebhookResponse replay = f.twilio.post("/twilio/voice/spoke?page=42", form);

        assertEquals(200, first.status());
        assertEquals(first.body(), replay.body());
        assertEquals(1, f.responses.connections.size());
        assertTrue(f.responses.connections.get(0).connected());
    }

    @Test
    void theDialResultIsSignedAndActedOnOnce() {
        placeVoicePage(42);
        phone.answer();
        phone.press("1");
        Map<String, String> form = new LinkedHashMap<>();
        form.put("AccountSid", FakeTwilio.ACCOUNT_SID);
        form.put("CallSid", phone.callSid());
        form.put("DialCallStatus", "busy");

        assertEquals(403, f.twilio.postForged("/twilio/voice/dialed?page=42", form).status());
        assertTrue(f.responses.connections.isEmpty(), "a forged Dial result changes nothing");
        WebhookResponse first = f.twilio.post("/twilio/voice/dialed?page=42", form);
        WebhookResponse replay = f.twilio.post("/twilio/voice/dialed?page=42", form);

        assertEquals(200, first.status());
        assertEquals(first.body(), replay.body());
        assertEquals(1, f.responses.connections.size());
    }

    @Test
    void keyFourAcknowledgesAndHangsUp() {
        placeVoicePage(42);
        phone.answer();

        FakePhone.Voice v = phone.press("4");

        assertEquals(List.of(new RecordingPageResponses.Key(42, "4")), f.responses.keys);
        assertTrue(v.hangup());
        assertNull(v.dial());
    }

    @Test
    void starRepeatsThePageWithoutActing() {
        placeVoicePage(42);
        phone.answer();

        FakePhone.Voice v = phone.press("*");
        assertTrue(f.responses.keys.isEmpty());
        assertEquals("https://pager.example.com/twilio/voice?page=42&round=2", v.redirect());

        FakePhone.Voice again = phone.followRedirect();
        assertEquals("https://pager.example.com/twilio/voice/key?page=42&round=2", again.gatherAction());
        phone.press("5");
        assertEquals(List.of(new RecordingPageResponses.Key(42, "5")), f.responses.keys);
    }

    @Test
    void replayedKeyPressActsOnce() {
        placeVoicePage(42);
        phone.answer();
        Map<String, String> form = new LinkedHashMap<>();
        form.put("CallSid", phone.callSid());
        form.put("Digits", "4");
        form.put("AccountSid", FakeTwilio.ACCOUNT_SID);

        WebhookResponse first = f.twilio.post("/twilio/voice/key?page=42&round=1", form);
        WebhookResponse replay = f.twilio.post("/twilio/voice/key?page=42&round=1", form);

        assertEquals(first.body(), replay.body());
        assertEquals(1, f.responses.keys.size());
    }

    @Test
    void answeredWithNoKeyIsNoAnswer() {
        placeVoicePage(42);
        phone.answer();
        phone.followRedirect();
        FakePhone.Voice last = phone.followRedirect();
        assertTrue(last.hangup(), "gives up after " + VoiceWebhook.MAX_ROUNDS + " rounds");
        assertNull(last.redirect());

        phone.callEnds("completed");

        assertEquals(Outcome.NO_ANSWER, f.responses.deliveries.get(0).outcome());
        assertTrue(f.responses.keys.isEmpty());
    }

    @Test
    void ringingOutOrBusyIsNoAnswer() {
        placeVoicePage(42);
        phone.callEnds("no-answer");
        placeVoicePage(43);
        phone.callEnds("busy");

        assertEquals(List.of(Outcome.NO_ANSWER, Outcome.NO_ANSWER),
                f.responses.deliveries.stream().map(DeliveryReport::outcome).toList());
    }

    @Test
    void aPageThatIsNoLongerActiveSaysSoAndHangsUp() {
        f.voice.send(TwilioChannelsTest.page(77, org.pagerline.core.page.Channel.VOICE));
        phone.expectCall();

        FakePhone.Voice v = phone.answer();

        assertTrue(v.hangup());
        assertNull(v.gatherAction());
        assertFalse(v.says().isEmpty());
    }

    static ListAppender<ILoggingEvent> capture() {
        ListAppender<ILoggingEvent> a = new ListAppender<>();
        a.start();
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(a);
        return a;
    }
}

package org.pagerline.adapter.twilio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.pagerline.testkit.FakePhone;
import org.pagerline.testkit.FakeTwilio;
import org.slf4j.LoggerFactory;

/** What a webhook request must look like before anything is acted on or logged as given. */
class WebhookInputRulesTest {
    TwilioFixture f;
    FakePhone phone;
    ListAppender<ILoggingEvent> logs;

    @BeforeEach
    void start() throws Exception {
        f = new TwilioFixture();
        phone = f.twilio.phone("+12045550101");
        logs = new ListAppender<>();
        logs.start();
        root().addAppender(logs);
    }

    @AfterEach
    void close() {
        root().detachAppender(logs);
        f.close();
    }

    private static Logger root() {
        return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }

    @Test
    void aSignedWebhookThatIsNotFormEncodedIsRefusedWith415AndActsOnNothing() throws Exception {
        Map<String, String> form = phone.smsForm("12a", "SM" + "a".repeat(32));
        String signature = FakeTwilio.signature(FakeTwilio.AUTH_TOKEN, TwilioFixture.PUBLIC_URL + "/twilio/sms", form);

        for (String type : List.of("application/json", "text/plain", "multipart/form-data; boundary=x")) {
            assertEquals(415, post("/twilio/sms", type, FakeTwilio.encodeForm(form), signature), type);
        }
        assertEquals(415, post("/twilio/sms", null, FakeTwilio.encodeForm(form), signature), "no content type");
        assertTrue(f.responses.untouched(), "nothing acted on");

        // the same request, form-encoded (with or without a charset, any case), is acted on
        assertEquals(200, post("/twilio/sms", "Application/X-WWW-Form-Urlencoded", FakeTwilio.encodeForm(form), signature));
        assertEquals(1, f.responses.smsReplies.size());
    }

    @Test
    void aNewlineInAWebhookFieldCannotSplitALogLine() {
        Map<String, String> form = phone.smsForm("12a", "SM" + "b".repeat(32));
        form.put("From", "+1204\n2026-11-19 13:00:00 ERROR forged line\r\u001b[31m");

        assertEquals(200, f.twilio.post("/twilio/sms", form).status());

        List<String> lines = logs.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        assertTrue(lines.stream().anyMatch(l -> l.contains("forged line")), "the sender is logged: " + lines);
        for (String line : lines) {
            assertTrue(line.chars().noneMatch(c -> c < 0x20 || c == 0x7f), "a control character in a log line: " + line);
        }
    }

    @Test
    void forgedWebhookWarningsAreOneLineAMinuteWithACount() {
        for (int i = 0; i < 25; i++) {
            assertEquals(403, f.twilio.postForged("/twilio/sms", phone.smsForm("12a", "SM" + String.format("%032x", i))).status());
        }
        assertEquals(1, forgedWarnings().size(), "one warning for a burst of forged webhooks: " + forgedWarnings());

        f.clock.advance(Duration.ofSeconds(61));
        assertEquals(403, f.twilio.postForged("/twilio/sms", phone.smsForm("12a", "SM" + "c".repeat(32))).status());

        List<String> warnings = forgedWarnings();
        assertEquals(2, warnings.size(), warnings.toString());
        assertTrue(warnings.get(1).contains("24 more"), "the next line counts those not logged: " + warnings.get(1));
    }

    @Test
    void refusalsBeforeTheSignatureIsCheckedShareTheSameOneLineAMinute() throws Exception {
        for (int i = 0; i < 10; i++) {
            assertEquals(415, post("/twilio/sms", "application/json", "{\"From\":\"+1\"}", "x"));
            assertEquals(403, f.twilio.postForged("/twilio/sms", phone.smsForm("12a", "SM" + String.format("%032x", i))).status());
        }
        // pagerline's own lines: a library thread left over by an earlier test class (asterisk-java's
        // "AsyncEventPump has exited") may log on the root logger meanwhile
        List<String> warnings = logs.list.stream().filter(e -> e.getLevel() == Level.WARN)
                .filter(e -> e.getLoggerName().startsWith("org.pagerline"))
                .map(ILoggingEvent::getFormattedMessage).toList();
        assertEquals(1, warnings.size(), "twenty unauthenticated refusals, one line: " + warnings);
    }

    private List<String> forgedWarnings() {
        return logs.list.stream().filter(e -> e.getLevel() == Level.WARN)
                .map(ILoggingEvent::getFormattedMessage).filter(m -> m.contains("Signature")).toList();
    }

    private int post(String path, String contentType, String body, String signature) throws Exception {
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + f.http.port() + path))
                .timeout(Duration.ofSeconds(10))
                .header("X-Twilio-Signature", signature)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            req.header("Content-Type", contentType);
        }
        return HttpClient.newHttpClient().send(req.build(), HttpResponse.BodyHandlers.ofString()).statusCode();
    }
}

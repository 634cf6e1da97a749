package org.pagerline.adapter.twilio;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.pagerline.core.page.Channel;
import org.pagerline.testkit.FakeTwilio;
import org.slf4j.LoggerFactory;

/** The auth token (raw, or inside the Basic auth header) never reaches a log line or a toString. */
class TwilioSecretsTest {

    @Test
    void tokenIsNeverLoggedEvenAtDebug() throws Exception {
        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        Level pagerline = ctx.getLogger("org.pagerline").getLevel();
        Level twilio = ctx.getLogger("com.twilio").getLevel();
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        root.addAppender(logs);
        ctx.getLogger("org.pagerline").setLevel(Level.DEBUG);
        ctx.getLogger("com.twilio").setLevel(Level.DEBUG);
        try (TwilioFixture f = new TwilioFixture()) {
            f.sms.send(TwilioChannelsTest.page(1, Channel.SMS));
            f.twilio.failNext(FakeTwilio.serverError());
            f.sms.send(TwilioChannelsTest.page(2, Channel.SMS));
            f.twilio.phone("+12045550101").reply("12a");
            f.twilio.postForged("/twilio/sms", f.twilio.phone("+12045550101").smsForm("12a", "SM" + "9".repeat(32)));

            String basic = Base64.getEncoder().encodeToString(
                    (FakeTwilio.ACCOUNT_SID + ":" + FakeTwilio.AUTH_TOKEN).getBytes(StandardCharsets.UTF_8));
            assertTrue(logs.list.size() > 3, "something was logged");
            for (ILoggingEvent e : logs.list) {
                String line = e.getFormattedMessage() + (e.getThrowableProxy() == null ? "" : e.getThrowableProxy().getMessage());
                assertFalse(line.contains(FakeTwilio.AUTH_TOKEN), line);
                assertFalse(line.contains(basic), line);
            }
            for (Object o : new Object[] {f.config, f.sms, f.voice}) {
                assertFalse(o.toString().contains(FakeTwilio.AUTH_TOKEN), o.toString());
            }
        } finally {
            root.detachAppender(logs);
            ctx.getLogger("org.pagerline").setLevel(pagerline);
            ctx.getLogger("com.twilio").setLevel(twilio);
        }
    }
}

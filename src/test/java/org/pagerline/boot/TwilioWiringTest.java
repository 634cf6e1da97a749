package org.pagerline.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.pagerline.config.PagerlineConfig;
import org.pagerline.config.Settings;
import org.pagerline.testkit.FakeTwilio;
import org.pagerline.testkit.FakeTwilio.WebhookResponse;

/** The server, as Main builds it, serves the Twilio webhooks only when Twilio is configured. */
class TwilioWiringTest {

    static Map<String, String> base() {
        Map<String, String> m = new HashMap<>();
        m.put("db.url", "jdbc:h2:mem:w" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        m.put("http.port", "0");
        m.put("agi.port", "0");
        return m;
    }

    @Test
    void configuredServerVerifiesSignedSmsWebhooks() throws Exception {
        try (FakeTwilio twilio = FakeTwilio.start()) {
            Map<String, String> file = base();
            file.put("twilio.account-sid", FakeTwilio.ACCOUNT_SID);
            file.put("twilio.from-number", "+12045550100");
            file.put("twilio.public-url", "https://pager.example.com");
            file.put("twilio.api-url", twilio.apiUrl().toString());
            PagerlineConfig config = PagerlineConfig.from(
                    new Settings(file, Map.of("PAGERLINE_TWILIO_AUTH_TOKEN", FakeTwilio.AUTH_TOKEN)));
            try (PagerlineServer server = Wiring.server(config, Clock.systemUTC()).start()) {
                twilio.webhooksTo("https://pager.example.com", URI.create("http://127.0.0.1:" + server.httpPort()));
                Map<String, String> form = twilio.phone("+12045550101").smsForm("12a", "SM" + "7".repeat(32));

                WebhookResponse signed = twilio.post("/twilio/sms", form);
                WebhookResponse forged = twilio.postForged("/twilio/sms", form);

                assertEquals(200, signed.status());
                assertTrue(signed.body().contains("<Response"), signed.body());
                assertEquals(403, forged.status());
            }
        }
    }

    @Test
    void withoutTwilioThereAreNoTwilioRoutes() throws Exception {
        try (FakeTwilio twilio = FakeTwilio.start();
                PagerlineServer server = Wiring.server(PagerlineConfig.from(Settings.ofMap(base())), Clock.systemUTC()).start()) {
            twilio.webhooksTo("https://pager.example.com", URI.create("http://127.0.0.1:" + server.httpPort()));
            assertEquals(404, twilio.post("/twilio/sms", Map.of("Body", "12a")).status());
        }
    }
}

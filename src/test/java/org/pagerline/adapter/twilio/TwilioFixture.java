package org.pagerline.adapter.twilio;

import com.twilio.http.TwilioRestClient;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.pagerline.adapter.http.HttpEndpoint;
import org.pagerline.adapter.store.JdbcWebhookLedger;
import org.pagerline.config.HttpConfig;
import org.pagerline.config.Settings;
import org.pagerline.config.TwilioConfig;
import org.pagerline.testkit.FakeTwilio;
import org.pagerline.testkit.MutableClock;
import org.pagerline.testkit.TestDatabase;

/**
 * pagerline's Twilio side, wired as the server wires it, against a {@link FakeTwilio}: the real
 * HttpEndpoint on 127.0.0.1:0 with the four webhooks, the H2 replay ledger, the SDK client pointed
 * at the fake, and both channels. PageResponses is a {@link RecordingPageResponses}.
 */
final class TwilioFixture implements AutoCloseable {
    static final String PUBLIC_URL = "https://pager.example.com";
    static final String FROM = "+12045550100";
    static final String RECORDINGS = "https://pager.example.com/recordings";

    final FakeTwilio twilio;
    final TestDatabase db;
    final MutableClock clock = MutableClock.at("2026-11-19T13:00:00Z");
    final JdbcWebhookLedger ledger;
    final RecordingPageResponses responses = new RecordingPageResponses();
    final TwilioConfig config;
    final TwilioRestClient client;
    final TwilioSmsChannel sms;
    final TwilioVoiceChannel voice;
    final HttpEndpoint http;

    TwilioFixture() throws IOException {
        this(Duration.ofSeconds(5));
    }

    TwilioFixture(Duration timeout) throws IOException {
        twilio = FakeTwilio.start();
        db = TestDatabase.inMemory();
        ledger = new JdbcWebhookLedger(db.database().dataSource(), clock, Duration.ofDays(30));
        config = TwilioConfig.from(new Settings(Map.of(
                "twilio.account-sid", FakeTwilio.ACCOUNT_SID,
                "twilio.from-number", FROM,
                "twilio.public-url", PUBLIC_URL + "/",
                "twilio.api-url", twilio.apiUrl().toString(),
                "twilio.timeout", timeout.toMillis() + "ms",
                "twilio.recordings-url", RECORDINGS),
                Map.of("PAGERLINE_TWILIO_AUTH_TOKEN", FakeTwilio.AUTH_TOKEN)));
        client = TwilioClients.restClient(config);
        WebhookPaths urls = new WebhookPaths(config.publicUrl());
        sms = new TwilioSmsChannel(client, config.fromNumber(), urls);
        voice = new TwilioVoiceChannel(client, config.fromNumber(), urls);
        http = new HttpEndpoint(new HttpConfig("127.0.0.1", 0));
        TwilioWebhooks.routes(config, ledger, responses, clock).forEach(http::route);
        http.start();
        twilio.webhooksTo(PUBLIC_URL, URI.create("http://127.0.0.1:" + http.port()));
    }

    @Override
    public void close() {
        http.close();
        twilio.close();
        db.close();
    }
}

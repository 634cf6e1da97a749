package org.pagerline.adapter.twilio;

import io.javalin.http.Handler;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import org.pagerline.config.TwilioConfig;
import org.pagerline.service.PageResponses;
import org.pagerline.service.WebhookLedger;

/** The six Twilio webhooks by path, for the wiring to register on the HTTP endpoint. */
public final class TwilioWebhooks {
    private TwilioWebhooks() {}

    /** {@code clock} paces the warnings for refused (forged) webhooks: at most one line a minute. */
    public static Map<String, Handler> routes(TwilioConfig config, WebhookLedger ledger, PageResponses responses, Clock clock) {
        WebhookPaths urls = new WebhookPaths(config.publicUrl());
        String token = config.authToken();
        RefusalLog refusals = new RefusalLog(clock);
        Map<String, Handler> routes = new LinkedHashMap<>();
        routes.put(WebhookPaths.SMS, new SmsWebhook(urls, token, ledger, refusals, responses));
        routes.put(WebhookPaths.STATUS, new StatusWebhook(urls, token, ledger, refusals, responses));
        routes.put(WebhookPaths.VOICE, new VoiceWebhook(urls, token, ledger, refusals, responses, config.recordingsUrl()));
        routes.put(WebhookPaths.VOICE_KEY, new VoiceKeyWebhook(urls, token, ledger, refusals, responses, config.fromNumber()));
        routes.put(WebhookPaths.VOICE_DIALED, new DialedWebhook(urls, token, ledger, refusals, responses));
        routes.put(WebhookPaths.VOICE_SPOKE, new SpokeWebhook(urls, token, ledger, refusals, responses));
        return routes;
    }
}

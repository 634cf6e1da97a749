package org.pagerline.adapter.twilio;

import com.sun.net.httpserver.HttpHandler;
import java.util.LinkedHashMap;
import java.util.Map;
import org.pagerline.config.TwilioConfig;
import org.pagerline.service.PageResponses;
import org.pagerline.service.WebhookLedger;

/** The six Twilio webhooks by path, for the wiring to register on the HTTP endpoint. */
public final class TwilioWebhooks {
    private TwilioWebhooks() {}

    public static Map<String, HttpHandler> routes(TwilioConfig config, WebhookLedger ledger, PageResponses responses) {
        WebhookPaths urls = new WebhookPaths(config.publicUrl());
        String token = config.authToken();
        Map<String, HttpHandler> routes = new LinkedHashMap<>();
        routes.put(WebhookPaths.SMS, new SmsWebhook(urls, token, ledger, responses));
        routes.put(WebhookPaths.STATUS, new StatusWebhook(urls, token, ledger, responses));
        routes.put(WebhookPaths.VOICE, new VoiceWebhook(urls, token, ledger, responses, config.recordingsUrl()));
        routes.put(WebhookPaths.VOICE_KEY, new VoiceKeyWebhook(urls, token, ledger, responses, config.fromNumber()));
        routes.put(WebhookPaths.VOICE_DIALED, new DialedWebhook(urls, token, ledger, responses));
        routes.put(WebhookPaths.VOICE_SPOKE, new SpokeWebhook(urls, token, ledger, responses));
        return routes;
    }
}

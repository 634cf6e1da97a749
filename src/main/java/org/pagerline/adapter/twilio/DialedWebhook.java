package org.pagerline.adapter.twilio;

import com.twilio.twiml.VoiceResponse;
import com.twilio.twiml.voice.Hangup;
import com.twilio.twiml.voice.Say;
import java.util.Locale;
import org.pagerline.service.PageResponses;
import org.pagerline.service.WebhookLedger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /twilio/voice/dialed?page=ID}: the {@code <Dial action>} of the call-back after key 1
 * ({@link VoiceKeyWebhook}), posted when the Dial ends. DialCallStatus completed or answered: the
 * technician was connected to the caller, which is what counts as the call-back; busy, no-answer,
 * failed, canceled: not connected, the incident stays acknowledged and the technician is told so.
 * Handed to {@link PageResponses#onConnected}. Replay key: CallSid + page (one Dial per paging call).
 */
public final class DialedWebhook extends SignedWebhook {
    private static final Logger log = LoggerFactory.getLogger(DialedWebhook.class);
    static final String NOT_CONNECTED = "The caller could not be reached. The incident is still yours: please call"
            + " them back yourself, then reply to the page with the code and c. Goodbye.";
    private final PageResponses responses;

    public DialedWebhook(WebhookPaths urls, String authToken, WebhookLedger ledger, PageResponses responses) {
        super(WebhookPaths.VOICE_DIALED, urls, authToken, ledger);
        this.responses = responses;
    }

    private static String status(Request r) {
        return r.field("DialCallStatus").trim().toLowerCase(Locale.ROOT);
    }

    @Override
    String replayKey(Request r) throws FormData.BadForm {
        String call = r.field("CallSid");
        if (call.isEmpty() || call.length() > 64 || status(r).isEmpty() || status(r).length() > 32) {
            throw new FormData.BadForm(400, "missing CallSid or DialCallStatus");
        }
        return "dialed:" + call + ":" + r.pageId();
    }

    @Override
    String act(Request r) throws FormData.BadForm {
        long page = r.pageId();
        String status = status(r);
        boolean connected = "completed".equals(status) || "answered".equals(status);
        log.info("page {}: call-back Dial ended {} ({})", page, status, connected ? "connected" : "not connected");
        responses.onConnected(page, connected, "Twilio DialCallStatus " + status);
        VoiceResponse.Builder twiml = new VoiceResponse.Builder();
        if (!connected) {
            twiml.say(new Say.Builder(NOT_CONNECTED).build());
        }
        return Twiml.xml(twiml.hangup(new Hangup.Builder().build()).build());
    }
}

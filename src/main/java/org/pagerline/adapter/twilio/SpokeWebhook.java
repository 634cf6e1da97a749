package org.pagerline.adapter.twilio;

import com.twilio.twiml.VoiceResponse;
import com.twilio.twiml.voice.Hangup;
import com.twilio.twiml.voice.Say;
import org.pagerline.service.PageResponses;
import org.pagerline.service.LogText;
import org.pagerline.service.WebhookLedger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /twilio/voice/spoke?page=ID}: the answer to "If you spoke with the caller, press 1",
 * asked by {@link DialedWebhook} after a call-back Dial someone picked up (possibly the caller's
 * voicemail). Digits 1: the call-back counts ({@link PageResponses#onConnected} true); another key,
 * or none (the Gather's Redirect posts without Digits): it does not, the incident stays
 * acknowledged and the technician is told they can still reply "c". A technician who hangs up at
 * the question posts nothing here: not counted either. Replay key: CallSid + page (one question
 * per paging call).
 */
public final class SpokeWebhook extends SignedWebhook {
    private static final Logger log = LoggerFactory.getLogger(SpokeWebhook.class);
    static final String COUNTED = "Thank you. The call-back is recorded. Goodbye.";
    static final String NOT_COUNTED = "The call-back is not counted, and the incident is still yours. Once you have"
            + " spoken with the caller, reply to the page with the code and c. Goodbye.";
    private final PageResponses responses;

    SpokeWebhook(WebhookPaths urls, String authToken, WebhookLedger ledger, RefusalLog refusals, PageResponses responses) {
        super(WebhookPaths.VOICE_SPOKE, urls, authToken, ledger, refusals);
        this.responses = responses;
    }

    @Override
    String replayKey(Request r) throws FormData.BadForm {
        String call = r.field("CallSid");
        if (call.isEmpty() || call.length() > 64) {
            throw new FormData.BadForm(400, "missing CallSid");
        }
        return "spoke:" + call + ":" + r.pageId();
    }

    @Override
    String act(Request r) throws FormData.BadForm {
        long page = r.pageId();
        String digits = r.field("Digits").trim();
        boolean spoke = "1".equals(digits);
        String answer = spoke ? "the technician pressed 1: spoke with the caller"
                : digits.isEmpty() ? "no key at \"did you speak with the caller\""
                : "key " + digits.substring(0, 1) + " at \"did you speak with the caller\"";
        log.info("page {}: call-back answered; {}", page, LogText.of(answer));
        responses.onConnected(page, spoke, "Twilio DialCallStatus completed, " + answer);
        return Twiml.xml(new VoiceResponse.Builder().say(new Say.Builder(spoke ? COUNTED : NOT_COUNTED).build())
                .hangup(new Hangup.Builder().build()).build());
    }
}

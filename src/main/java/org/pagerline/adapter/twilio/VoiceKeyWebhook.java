package org.pagerline.adapter.twilio;

import com.twilio.http.HttpMethod;
import com.twilio.twiml.VoiceResponse;
import com.twilio.twiml.voice.Dial;
import com.twilio.twiml.voice.Hangup;
import com.twilio.twiml.voice.Redirect;
import com.twilio.twiml.voice.Say;
import org.pagerline.core.page.PageKey;
import org.pagerline.service.PageResponses;
import org.pagerline.service.PageResponses.KeyOutcome;
import org.pagerline.service.WebhookLedger;

/**
 * {@code POST /twilio/voice/key?page=ID&round=N}: the key pressed in the voice page's Gather.
 * "*" (or nothing) repeats the page; any other key goes to {@link PageResponses#onPageKey} and its
 * outcome is spoken, then the technician is connected ({@code <Dial>} connectTo, caller ID the
 * Twilio number, its result posted to {@link DialedWebhook}), or the call ends, or the menu repeats. A key press also marks the call as
 * answered by a person, so its "completed" status is DELIVERED rather than NO_ANSWER.
 * Replay key: CallSid + page + round (one Gather per round), so a replay does not act twice while
 * the same key pressed again in a later round does.
 */
public final class VoiceKeyWebhook extends SignedWebhook {
    private final WebhookPaths urls;
    private final PageResponses responses;
    private final String fromNumber;

    VoiceKeyWebhook(WebhookPaths urls, String authToken, WebhookLedger ledger, RefusalLog refusals, PageResponses responses,
            String fromNumber) {
        super(WebhookPaths.VOICE_KEY, urls, authToken, ledger, refusals);
        this.urls = urls;
        this.responses = responses;
        this.fromNumber = fromNumber;
    }

    static String pressedKey(String callSid) {
        return "pressed:" + callSid;
    }

    @Override
    String replayKey(Request r) throws FormData.BadForm {
        String call = r.field("CallSid");
        if (call.isEmpty() || call.length() > 64) {
            throw new FormData.BadForm(400, "missing CallSid");
        }
        return "key:" + call + ":" + r.pageId() + ":" + r.round();
    }

    @Override
    String act(Request r) throws FormData.BadForm {
        long page = r.pageId();
        int round = r.round();
        String digits = r.field("Digits").trim();
        Redirect again = new Redirect.Builder(urls.voice(page, round + 1)).method(HttpMethod.POST).build();
        if (digits.isEmpty() || "*".equals(digits)) {
            if (!digits.isEmpty()) {
                ledger.mark(pressedKey(r.field("CallSid")));
            }
            return Twiml.xml(new VoiceResponse.Builder().redirect(again).build());
        }
        ledger.mark(pressedKey(r.field("CallSid")));
        KeyOutcome outcome = responses.onPageKey(page, PageKey.of(digits.substring(0, 1)));
        VoiceResponse.Builder twiml = new VoiceResponse.Builder();
        if (outcome.say() != null && !outcome.say().isBlank()) {
            twiml.say(new Say.Builder(outcome.say()).build());
        }
        if (outcome.connectTo() != null) {
            // the call-back counts only once connected: DialedWebhook hears how the Dial ended
            twiml.dial(new Dial.Builder(outcome.connectTo()).callerId(fromNumber)
                    .action(urls.voiceDialed(page)).method(HttpMethod.POST).build());
        } else if (outcome.hangUp()) {
            twiml.hangup(new Hangup.Builder().build());
        } else {
            twiml.redirect(again);
        }
        return Twiml.xml(twiml.build());
    }
}

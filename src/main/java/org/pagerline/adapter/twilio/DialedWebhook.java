package org.pagerline.adapter.twilio;

import com.twilio.http.HttpMethod;
import com.twilio.twiml.VoiceResponse;
import com.twilio.twiml.voice.Gather;
import com.twilio.twiml.voice.Hangup;
import com.twilio.twiml.voice.Redirect;
import com.twilio.twiml.voice.Say;
import java.util.Locale;
import org.pagerline.service.PageResponses;
import org.pagerline.service.LogText;
import org.pagerline.service.WebhookLedger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /twilio/voice/dialed?page=ID}: the {@code <Dial action>} of the call-back after key 1
 * ({@link VoiceKeyWebhook}), posted when the Dial ends.
 *
 * <p>DialCallStatus completed or answered means someone picked up, which the caller's voicemail
 * does too; so a technician still on the line is asked "If you spoke with the caller, press 1"
 * ({@code <Gather>}; the key, or no key, goes to {@link SpokeWebhook}, which decides). A technician
 * who ended the call-back by hanging up (CallStatus completed: Twilio still posts the action, and
 * ignores the answer) cannot be asked: the bridged time DialCallDuration decides, at least
 * {@link #SPOKE_SECONDS} s counting as spoken with the caller (a voicemail greeting is hung up on
 * sooner; a long voicemail message left would count: the rule's known blind spot).
 *
 * <p>busy, no-answer, failed, canceled: not connected, the incident stays acknowledged and the
 * technician is told so. Handed to {@link PageResponses#onConnected}. Replay key: CallSid + page
 * (one Dial per paging call).
 */
public final class DialedWebhook extends SignedWebhook {
    private static final Logger log = LoggerFactory.getLogger(DialedWebhook.class);
    static final String NOT_CONNECTED = "The caller could not be reached. The incident is still yours: please call"
            + " them back yourself, then reply to the page with the code and c. Goodbye.";
    static final String SPOKE_QUESTION = "If you spoke with the caller, press 1.";
    static final int SPOKE_WAIT_SECONDS = 8;
    static final int SPOKE_SECONDS = org.pagerline.core.page.CallbackRule.SPOKE_SECONDS;
    private final WebhookPaths urls;
    private final PageResponses responses;

    DialedWebhook(WebhookPaths urls, String authToken, WebhookLedger ledger, RefusalLog refusals, PageResponses responses) {
        super(WebhookPaths.VOICE_DIALED, urls, authToken, ledger, refusals);
        this.urls = urls;
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
        boolean answered = "completed".equals(status) || "answered".equals(status);
        Hangup hangup = new Hangup.Builder().build();
        if (!answered) {
            log.info("page {}: call-back Dial ended {} (not connected)", page, LogText.of(status));
            responses.onConnected(page, false, "Twilio DialCallStatus " + status);
            return Twiml.xml(new VoiceResponse.Builder().say(new Say.Builder(NOT_CONNECTED).build()).hangup(hangup).build());
        }
        if ("completed".equalsIgnoreCase(r.field("CallStatus").trim())) {
            Long seconds = seconds(r.field("DialCallDuration"));
            boolean spoke = seconds != null && seconds >= SPOKE_SECONDS;
            log.info("page {}: call-back Dial ended {} after {} s, the technician hung up ({})", page, LogText.of(status), seconds,
                    spoke ? "counted" : "not counted");
            responses.onConnected(page, spoke, "Twilio DialCallStatus " + status + ", "
                    + (seconds == null ? "duration unknown" : "answered " + seconds + " s") + ", the technician hung up"
                    + (spoke ? "" : " (under " + SPOKE_SECONDS + " s: not counted)"));
            return Twiml.xml(new VoiceResponse.Builder().hangup(hangup).build());
        }
        log.info("page {}: call-back Dial ended {}: asking the technician whether they spoke with the caller", page, LogText.of(status));
        Gather ask = new Gather.Builder().numDigits(1).timeout(SPOKE_WAIT_SECONDS)
                .action(urls.voiceSpoke(page)).method(HttpMethod.POST)
                .say(new Say.Builder(SPOKE_QUESTION).build()).build();
        // no key: Twilio goes on to the Redirect, which reaches SpokeWebhook without Digits
        Redirect noKey = new Redirect.Builder(urls.voiceSpoke(page)).method(HttpMethod.POST).build();
        return Twiml.xml(new VoiceResponse.Builder().gather(ask).redirect(noKey).build());
    }

    private static Long seconds(String v) {
        try {
            return v.isBlank() ? null : Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }
}

package org.pagerline.adapter.twilio;

import com.twilio.http.HttpMethod;
import com.twilio.twiml.VoiceResponse;
import com.twilio.twiml.voice.Gather;
import com.twilio.twiml.voice.Hangup;
import com.twilio.twiml.voice.Play;
import com.twilio.twiml.voice.Redirect;
import com.twilio.twiml.voice.Say;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.pagerline.config.LineConfig;
import org.pagerline.core.page.Notice;
import org.pagerline.service.PageResponses;
import org.pagerline.service.PageResponses.PageBrief;
import org.pagerline.service.WebhookLedger;

/**
 * {@code POST /twilio/voice?page=ID[&round=N]}: the paging call's TwiML. A one-digit
 * {@code <Gather>} around who called ({@link PageBrief#spokenIntro}), the caller's recording when
 * {@code twilio.recordings-url} is set, and the key menu; the key goes to {@link VoiceKeyWebhook}.
 * With no key the menu is repeated, up to {@link #MAX_ROUNDS} times, then the call ends (and its
 * status callback reports NO_ANSWER). A notice ({@link PageBrief#isNotice}) says its own words and
 * asks only for key 4, "heard it"; who took an incident asks for nothing and is said once. Read-only
 * (but for that mark), so not replay-guarded.
 */
public final class VoiceWebhook extends SignedWebhook {
    static final int MAX_ROUNDS = 3;
    static final int KEY_WAIT_SECONDS = 8;
    static final String MENU = "Press 1 to acknowledge and be connected to the caller, 4 to acknowledge, "
            + "5 to pass it on, star to repeat.";
    /** A notice's menu: it takes nothing; key 4 says it was heard (its call is then delivered). */
    static final String NOTICE_MENU = "Press 4 if you heard this notice, star to repeat.";
    private final WebhookPaths urls;
    private final PageResponses responses;
    private final String recordingsUrl;

    /** @param recordingsUrl base URL recordings are played from; null: recordings are not played */
    VoiceWebhook(WebhookPaths urls, String authToken, WebhookLedger ledger, RefusalLog refusals, PageResponses responses,
            String recordingsUrl) {
        super(WebhookPaths.VOICE, urls, authToken, ledger, refusals);
        this.urls = urls;
        this.responses = responses;
        this.recordingsUrl = recordingsUrl;
    }

    @Override
    String replayKey(Request r) {
        return null;
    }

    @Override
    String act(Request r) throws FormData.BadForm {
        long page = r.pageId();
        int round = r.round();
        Optional<PageBrief> brief = responses.brief(page);
        if (brief.isEmpty()) {
            return Twiml.xml(new VoiceResponse.Builder()
                    .say(new Say.Builder("This page is no longer active. Goodbye.").build())
                    .hangup(new Hangup.Builder().build()).build());
        }
        if (brief.get().isNotice() && responses.takenBy(page).isPresent()) {
            // a late call-back's notice answered after the call-back: said so, and heard (a key's mark)
            heard(r);
            return Twiml.xml(new VoiceResponse.Builder().say(new Say.Builder("This notice is no longer needed. Goodbye.").build())
                    .hangup(new Hangup.Builder().build()).build());
        }
        if (brief.get().notice() == Notice.TAKEN) {
            // "Pat took it" asks for nothing: said once, and the call counts as heard (a key's mark)
            heard(r);
            return Twiml.xml(new VoiceResponse.Builder().say(new Say.Builder(brief.get().spokenIntro()).build())
                    .say(new Say.Builder("Goodbye.").build()).hangup(new Hangup.Builder().build()).build());
        }
        Gather.Builder gather = new Gather.Builder().numDigits(1).timeout(KEY_WAIT_SECONDS)
                .action(urls.voiceKey(page, round)).method(HttpMethod.POST)
                .say(new Say.Builder(brief.get().spokenIntro()).build());
        recordingUrl(brief.get().recording()).ifPresent(url -> gather.play(new Play.Builder(url).build()));
        gather.say(new Say.Builder(brief.get().isNotice() ? NOTICE_MENU : MENU).build());
        VoiceResponse.Builder twiml = new VoiceResponse.Builder().gather(gather.build());
        if (round < MAX_ROUNDS) {
            twiml.redirect(new Redirect.Builder(urls.voice(page, round + 1)).method(HttpMethod.POST).build());
        } else {
            twiml.say(new Say.Builder("No key pressed. Goodbye.").build()).hangup(new Hangup.Builder().build());
        }
        return Twiml.xml(twiml.build());
    }

    /** This call counts as heard by a person when it ends, as a key would make it (its status callback reads the mark). */
    private void heard(Request r) throws FormData.BadForm {
        String call = r.field("CallSid");
        if (!call.isEmpty() && call.length() <= 64) {
            ledger.mark(VoiceKeyWebhook.pressedKey(call));
        }
    }

    /**
     * recordings-url + "/" + the recording's file name + ".wav" (Asterisk names it without
     * extension); a message of the dialplan's fallback voicemail is in the "fallback" folder of
     * line.recordings-dir, so under "fallback/" (the only folder a recording pagerline plays is in).
     */
    private Optional<String> recordingUrl(String recording) {
        if (recordingsUrl == null || recording == null || recording.isBlank()) {
            return Optional.empty();
        }
        int slash = recording.lastIndexOf('/');
        String name = URLEncoder.encode(recording.substring(slash + 1), StandardCharsets.UTF_8).replace("+", "%20");
        boolean fallback = slash > 0 && recording.substring(0, slash).endsWith("/" + LineConfig.FALLBACK_FOLDER);
        return Optional.of(recordingsUrl + "/" + (fallback ? LineConfig.FALLBACK_FOLDER + "/" : "") + name + ".wav");
    }
}

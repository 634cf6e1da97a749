package org.pagerline.adapter.twilio;

import com.twilio.http.HttpMethod;
import com.twilio.http.TwilioRestClient;
import com.twilio.rest.api.v2010.account.Call;
import com.twilio.type.PhoneNumber;
import org.pagerline.core.page.Channel;
import org.pagerline.service.OutgoingPage;
import org.pagerline.service.PageChannel;
import org.pagerline.service.SendResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Voice pages through Twilio, where there is no Asterisk trunk. Twilio fetches the call's TwiML from
 * {@code /twilio/voice?page=ID} ({@link VoiceWebhook}); the call's final status arrives on
 * {@code /twilio/status?page=ID} ({@link StatusWebhook}). One API request per page, never retried here.
 */
public final class TwilioVoiceChannel implements PageChannel {
    private static final Logger log = LoggerFactory.getLogger(TwilioVoiceChannel.class);
    /** How long the phone rings before Twilio gives up (no-answer). */
    static final int RING_SECONDS = 30;
    private final TwilioRestClient client;
    private final PhoneNumber from;
    private final WebhookPaths urls;

    public TwilioVoiceChannel(TwilioRestClient client, String fromNumber, WebhookPaths urls) {
        this.client = client;
        this.from = new PhoneNumber(fromNumber);
        this.urls = urls;
    }

    @Override
    public Channel channel() {
        return Channel.VOICE;
    }

    @Override
    public String name() {
        return "twilio-voice";
    }

    @Override
    public SendResult send(OutgoingPage page) {
        try {
            Call c = Call.creator(new PhoneNumber(page.to()), from, urls.voice(page.pageId(), 1))
                    .setMethod(HttpMethod.POST)
                    .setStatusCallback(urls.status(page.pageId()))
                    .setStatusCallbackMethod(HttpMethod.POST)
                    .setTimeout(RING_SECONDS)
                    .create(client);
            log.info("page {}: call placed through Twilio as {} ({})", page.pageId(), c.getSid(), c.getStatus());
            return SendResult.accepted(c.getSid());
        } catch (RuntimeException e) {
            SendResult r = TwilioErrors.sendFailure(e);
            log.warn("page {}: call not placed, {}: {}", page.pageId(), r.status(), r.detail());
            return r;
        }
    }

    /**
     * Twilio's call list for this number from our number: among the calls created since the
     * unconfirmed hand-over (less {@link TwilioSmsChannel#SKEW}) that are not, and may not be,
     * another page's, the one created closest to that hand-over. A call carries nothing of the page:
     * a call placed for another page to the same number (recorded as that page's, or made while
     * another hand-over to the number was in flight) must be passed over, not taken for this one.
     */
    @Override
    public java.util.Optional<SendResult> lookUp(OutgoingPage page, java.time.Instant since,
            java.util.function.BiPredicate<String, java.time.Instant> mayBeAnothers) {
        try {
            java.util.List<Call> records = Call.reader().setTo(new PhoneNumber(page.to())).setFrom(from).setPageSize(1000L)
                    .firstPage(client).getRecords();
            java.util.Optional<Call> found = TwilioSmsChannel.closest(records.stream().filter(c -> c.getDateCreated() != null),
                    since, mayBeAnothers, Call::getSid, c -> c.getDateCreated().toInstant());
            found.ifPresent(c -> log.info("page {}: Twilio has the call as {} ({}); not placed again", page.pageId(),
                    c.getSid(), c.getStatus()));
            return found.map(c -> SendResult.accepted(c.getSid()));
        } catch (RuntimeException e) {
            return java.util.Optional.of(SendResult.temporary(null, "Twilio call list not read: " + e.getMessage()));
        }
    }

    @Override
    public String toString() {
        return "TwilioVoiceChannel[from=" + from + "]";
    }
}

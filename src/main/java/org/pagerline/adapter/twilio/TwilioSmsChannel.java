package org.pagerline.adapter.twilio;

import com.twilio.http.TwilioRestClient;
import com.twilio.rest.api.v2010.account.Message;
import com.twilio.type.PhoneNumber;
import org.pagerline.core.page.Channel;
import org.pagerline.service.OutgoingPage;
import org.pagerline.service.PageChannel;
import org.pagerline.service.SendResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SMS pages through Twilio. One API request per page, never retried here (see
 * {@link SingleShotHttpClient}); the delivery result comes back on {@code /twilio/status?page=ID}.
 */
public final class TwilioSmsChannel implements PageChannel {
    private static final Logger log = LoggerFactory.getLogger(TwilioSmsChannel.class);
    private final TwilioRestClient client;
    private final PhoneNumber from;
    private final WebhookPaths urls;

    public TwilioSmsChannel(TwilioRestClient client, String fromNumber, WebhookPaths urls) {
        this.client = client;
        this.from = new PhoneNumber(fromNumber);
        this.urls = urls;
    }

    @Override
    public Channel channel() {
        return Channel.SMS;
    }

    @Override
    public String name() {
        return "twilio-sms";
    }

    @Override
    public SendResult send(OutgoingPage page) {
        try {
            Message m = Message.creator(new PhoneNumber(page.to()), from, page.text())
                    .setStatusCallback(urls.status(page.pageId()))
                    .create(client);
            log.info("page {}: SMS handed to Twilio as {} ({})", page.pageId(), m.getSid(), m.getStatus());
            return SendResult.accepted(m.getSid());
        } catch (RuntimeException e) {
            SendResult r = TwilioErrors.sendFailure(e);
            log.warn("page {}: SMS not sent, {}: {}", page.pageId(), r.status(), r.detail());
            return r;
        }
    }

    /**
     * Twilio's message list for this number from our number: among the messages with this page's
     * text created since the unconfirmed hand-over (less {@link #SKEW} for clock skew) that are not
     * another page's, the one created closest to that hand-over.
     */
    @Override
    public java.util.Optional<SendResult> lookUp(OutgoingPage page, java.time.Instant since,
            java.util.function.BiPredicate<String, java.time.Instant> mayBeAnothers) {
        try {
            java.util.List<Message> records = Message.reader().setTo(new PhoneNumber(page.to())).setFrom(from)
                    .setPageSize(1000L).firstPage(client).getRecords();
            java.util.Optional<Message> found = closest(records.stream()
                    .filter(m -> page.text().equals(m.getBody()) && m.getDateCreated() != null), since, mayBeAnothers,
                    Message::getSid, m -> m.getDateCreated().toInstant());
            found.ifPresent(m -> log.info("page {}: Twilio has it as {} ({}); not sent again", page.pageId(), m.getSid(),
                    m.getStatus()));
            return found.map(m -> SendResult.accepted(m.getSid()));
        } catch (RuntimeException e) {
            return java.util.Optional.of(SendResult.temporary(null, "Twilio message list not read: " + e.getMessage()));
        }
    }

    /**
     * Of Twilio's records, the one created closest to {@code since} (not before it less {@link #SKEW})
     * that is not, or may not be, another page's (the dispatcher decides, from the SID and when it
     * was made): the hand-over began then, a later create for another page to the same number is
     * not it.
     */
    static <T> java.util.Optional<T> closest(java.util.stream.Stream<T> records, java.time.Instant since,
            java.util.function.BiPredicate<String, java.time.Instant> mayBeAnothers, java.util.function.Function<T, String> sid,
            java.util.function.Function<T, java.time.Instant> created) {
        return records.filter(r -> !created.apply(r).isBefore(since.minus(SKEW)))
                .filter(r -> !mayBeAnothers.test(sid.apply(r), created.apply(r)))
                .min(java.util.Comparator.comparing(r -> java.time.Duration.between(since, created.apply(r)).abs()));
    }

    /** How far Twilio's clock and ours may disagree. */
    static final java.time.Duration SKEW = java.time.Duration.ofMinutes(1);

    @Override
    public String toString() {
        return "TwilioSmsChannel[from=" + from + "]";
    }
}

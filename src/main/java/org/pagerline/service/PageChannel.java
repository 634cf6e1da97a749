package org.pagerline.service;

import org.pagerline.core.page.Channel;

/**
 * Port: a way to send a page (Twilio SMS, Twilio voice, Asterisk voice, or the log). Called
 * outside any transaction. Must not throw for provider trouble: return a failure instead.
 */
public interface PageChannel {
    Channel channel();

    /** A short name for the ticket timeline: "twilio-sms", "asterisk-voice", "log". */
    String name();

    SendResult send(OutgoingPage page);

    /**
     * Asks the provider whether it already has {@code page} from a hand-over begun at {@code since}
     * whose outcome was unknown (no answer in time, or a crash mid-send). Returns ACCEPTED with the
     * provider's id when it has it (the page is not sent again), empty when it does not (send it), or
     * a TEMPORARY_FAILURE when the provider could not be asked (try later, still without sending).
     * Channels whose provider cannot be asked return empty: the page is sent again, as before.
     *
     * <p>A provider's record that {@code mayBeAnothers} (given its id and when the provider created
     * it) is or may be another page's is never taken for this one: the look-up passes over it to the
     * next candidate. A record already another page's is passed over so that a message or call made
     * since for another page to the same number does not hide this page's own; one that another
     * unaccounted hand-over to the same number could have made is passed over because taking it
     * could mark this page sent while it never went (the page is sent again instead: at most one
     * duplicate, never a lost page).
     */
    default java.util.Optional<SendResult> lookUp(OutgoingPage page, java.time.Instant since,
            java.util.function.BiPredicate<String, java.time.Instant> mayBeAnothers) {
        return java.util.Optional.empty();
    }
}

package org.pagerline.service;

import org.pagerline.core.page.PageKey;
import org.pagerline.core.page.SmsCommand;

/**
 * Port, implemented by the paging service and called by adapters: what people paged do about a
 * page. Adapters only translate (an SMS body, a DTMF digit, a status callback) and hand over.
 * A late, repeated or stale response is answered politely, never an error.
 */
public interface PageResponses {

    /**
     * An SMS from {@code fromE164}, as the adapter read its words ({@link SmsCommand#parse}). Returns
     * the reply to text back (never null; empty for a sender who is not a technician).
     */
    String onSmsReply(String fromE164, SmsCommand command);

    /**
     * What a voice page must say: who called, the recording, the ticket; or, for a notice, what it
     * tells. Empty if no such page.
     */
    java.util.Optional<PageBrief> brief(long pageId);

    /**
     * Whether the page's incident is no longer this page's to take: someone else took it, or it
     * ended with nobody taking it (resolved or cancelled by hand), so a paging call still playing can
     * say so and end; empty while it still waits for an answer (or was taken by this page's own
     * technician). For a notice: whether it is no longer needed (a late call-back's notice once the
     * caller was called back), {@code by} then null. One read by primary key: cheap enough to ask between two prompts of a paging call.
     */
    default java.util.Optional<Taken> takenBy(long pageId) {
        return java.util.Optional.empty();
    }

    /**
     * A page's incident gone from it ({@link #takenBy}): {@code by} who has it, null when nobody
     * took it; {@code state} what the incident is now ("acknowledged", "resolved"...).
     */
    record Taken(String by, String state) {
        /** For the log and the page's delivery line. */
        public String what() {
            return by != null ? by + " took the incident" : "the incident was " + state + " with nobody taking it";
        }
    }

    /** A key pressed on the paging call, as the adapter read it ({@link PageKey#of}). */
    KeyOutcome onPageKey(long pageId, PageKey key);

    /**
     * How the call-back dialled after key 1 ({@link KeyOutcome#connectTo}) ended: {@code connected}
     * only when the caller answered and was put through (Asterisk DIALSTATUS=ANSWER, Twilio
     * DialCallStatus=completed). Only a connected call-back counts as the call-back; otherwise the
     * incident stays acknowledged and the call-back timer runs on. {@code detail} is the provider's
     * status for the ticket (BUSY, no-answer...).
     */
    void onConnected(long pageId, boolean connected, String detail);

    /** A delivery result from a provider. */
    void onDelivery(DeliveryReport report);

    /**
     * What the paging call plays. {@code waiting}: how many urgent incidents this call carries (1
     * for a plain page; more for a bundle, whose call plays the first one's message and takes key 9
     * for all of them). {@code notice}: for a notice, what it tells (then {@code spokenIntro} is its
     * words, the call takes nothing and asks only for key 4, "I heard it"), null for a page asking
     * for an acknowledgement; a notice written before notices were named says only its words.
     */
    record PageBrief(long pageId, long incidentId, long ticketId, String spokenIntro, String recording,
            String callbackNumber, int waiting, boolean isNotice, org.pagerline.core.page.Notice notice) {
        public PageBrief(long pageId, long incidentId, long ticketId, String spokenIntro, String recording,
                String callbackNumber, int waiting) {
            this(pageId, incidentId, ticketId, spokenIntro, recording, callbackNumber, waiting, false, null);
        }

        public PageBrief(long pageId, long incidentId, long ticketId, String spokenIntro, String recording,
                String callbackNumber) {
            this(pageId, incidentId, ticketId, spokenIntro, recording, callbackNumber, 1);
        }

        /** A notice's brief: its words, the recording it plays (another message), what it tells. */
        public static PageBrief notice(long pageId, long incidentId, long ticketId, String words, String recording,
                String callbackNumber, org.pagerline.core.page.Notice notice) {
            return new PageBrief(pageId, incidentId, ticketId, words, recording, callbackNumber, 1, true, notice);
        }

        public boolean bundle() {
            return waiting > 1;
        }
    }

    /**
     * The answer to a key press.
     *
     * @param say what to tell the technician
     * @param connectTo E.164 number to connect the technician to now (key 1), else null; the adapter
     *                 reports how that ended to {@link PageResponses#onConnected}
     * @param hangUp true when the call is done
     */
    record KeyOutcome(String say, String connectTo, boolean hangUp) {}
}

package org.pagerline.adapter.agi;

import java.util.Optional;
import java.util.function.UnaryOperator;
import org.asteriskjava.fastagi.AgiChannel;
import org.asteriskjava.fastagi.AgiException;
import org.asteriskjava.fastagi.AgiHangupException;
import org.asteriskjava.fastagi.AgiRequest;
import org.asteriskjava.fastagi.AgiScript;
import org.pagerline.service.DeliveryReport;
import org.pagerline.service.PageResponses;
import org.pagerline.service.PageResponses.KeyOutcome;
import org.pagerline.service.PageResponses.PageBrief;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The paging call, after the technician answers an Originate into the {@code pagerline-page}
 * context ({@code AGI(agi://127.0.0.1:4573/page)}; the channel variable PAGERLINE_PAGE_ID names
 * the page). Plays the intro, the ticket number and the caller's own recording, then asks for a
 * key: 1 acknowledge and connect me to the caller (a call-back, dialled here), 4 acknowledge,
 * 5 pass it on, * repeat. Keys count while anything plays (escape digits "145*"). What a key means
 * is the paging engine's decision ({@link PageResponses#onPageKey}); this script only translates.
 *
 * <p>What settles the page is a key the engine takes (1, 4, 5): the script then reports it
 * DELIVERED. Being answered is not enough (the AMI OriginateResponse "answered" reports nothing):
 * no key after the message and two repeats, or a hang-up before any such key, is reported as
 * NO_ANSWER, a failed attempt the engine retries (an answering machine looks just like this).
 * After key 1 the caller is dialled here; DIALSTATUS (readable even once the technician has hung
 * up) tells {@link PageResponses#onConnected} whether the call-back really connected.
 *
 * <p>One instance serves every call; per-call state lives in {@link Call}. Never throws to
 * asterisk-java: a fault is logged, pagerline/page-unavailable is played, the page is reported as
 * a temporary failure (so it is tried again) and the call is ended.
 *
 * <p>Sound files (under the Asterisk sounds folder): pagerline/page-intro ("This is pagerline with
 * an urgent page. Ticket"), pagerline/page-menu ("Press 1 to take it and be connected to the
 * caller now, 4 to take it, 5 to pass it on, star to hear it again"), pagerline/page-gone ("This
 * page is no longer active"), pagerline/page-connecting, pagerline/page-acknowledged,
 * pagerline/page-passed-on, pagerline/page-unavailable ("The paging system cannot be reached right
 * now..."); and Asterisk's own vm-goodbye.
 */
public final class PagingCallScript implements AgiScript {
    private static final Logger log = LoggerFactory.getLogger(PagingCallScript.class);
    public static final String NAME = "page";
    public static final String PAGE_ID_VARIABLE = "PAGERLINE_PAGE_ID";
    static final String KEYS = "145*";
    /** The message once plus two repeats with no key, then goodbye. */
    static final int SILENT_ROUNDS = 3;
    /** Guards against a loop of repeats (a stuck key, a confused engine). */
    static final int MAX_ROUNDS = 10;
    static final long MENU_TIMEOUT_MS = 6000;

    private final PageResponses responses;
    private final UnaryOperator<String> dialString;
    private final int dialSeconds;

    /**
     * @param dialString turns an E.164 number into the dial string for the call-back (ami.page-dial-template)
     * @param dialSeconds how long the call-back rings the caller
     */
    public PagingCallScript(PageResponses responses, UnaryOperator<String> dialString, int dialSeconds) {
        this.responses = responses;
        this.dialString = dialString;
        this.dialSeconds = dialSeconds;
    }

    @Override
    public void service(AgiRequest request, AgiChannel channel) {
        Call call = new Call(channel);
        try {
            call.run();
        } catch (AgiHangupException | Gone e) {
            log.info("paging call {}: the technician hung up{}", call.pageId, call.settled ? "" : " without a key");
            call.report(DeliveryReport.Outcome.NO_ANSWER, "answered, hung up without a key");
        } catch (Exception | LinkageError e) {
            log.error("paging call {} failed: {}", call.pageId, e.getMessage(), e);
            call.unavailable();
            call.report(DeliveryReport.Outcome.TEMPORARY_FAILURE, "the paging call failed: " + e.getMessage());
        }
    }

    /** The far end is gone: {@code 200 result=-1}. */
    private static final class Gone extends RuntimeException {
        Gone() {
            super("hung up", null, false, false);
        }
    }

    private final class Call {
        private final AgiChannel channel;
        Long pageId;
        /** A key the engine took (1, 4, 5) was pressed: the page is delivered; nothing more to report. */
        boolean settled;

        Call(AgiChannel channel) {
            this.channel = channel;
        }

        void run() throws AgiException {
            pageId = parse(channel.getVariable(PAGE_ID_VARIABLE));
            Optional<PageBrief> brief = pageId == null ? Optional.empty() : responses.brief(pageId);
            if (brief.isEmpty()) {
                log.warn("paging call for unknown page '{}': ending it", pageId);
                play("pagerline/page-gone", "");
                channel.hangup();
                return;
            }
            int silent = 0;
            for (int round = 0; round < MAX_ROUNDS; round++) {
                String key = message(brief.get());
                if (key.isEmpty()) {
                    if (++silent >= SILENT_ROUNDS) {
                        log.info("paging call {}: no key after {} plays; ending it", pageId, SILENT_ROUNDS);
                        report(DeliveryReport.Outcome.NO_ANSWER, "answered, no key pressed after "
                                + SILENT_ROUNDS + " plays");
                        play("vm-goodbye", "");
                        channel.hangup();
                        return;
                    }
                    continue;
                }
                KeyOutcome outcome = responses.onPageKey(pageId, key);
                log.info("paging call {}: key {} -> {}", pageId, key, outcome.say());
                if (outcome.connectTo() != null || outcome.hangUp()) {
                    report(DeliveryReport.Outcome.DELIVERED, "answered, key " + key + " pressed");
                }
                if (outcome.connectTo() != null) {
                    play("pagerline/page-connecting", "");
                    callBack(outcome.connectTo());
                    channel.hangup();
                    return;
                }
                if (outcome.hangUp()) {
                    play(switch (key) {
                        case "1", "4" -> "pagerline/page-acknowledged";
                        case "5" -> "pagerline/page-passed-on";
                        default -> "vm-goodbye";
                    }, "");
                    channel.hangup();
                    return;
                }
                // "*" or a key the engine did not take: play it again
            }
            report(DeliveryReport.Outcome.NO_ANSWER, "answered, no key the engine took after " + MAX_ROUNDS + " plays");
            play("vm-goodbye", "");
            channel.hangup();
        }

        /**
         * Dials the caller from this channel, then tells the engine whether they were connected.
         * DIALSTATUS is read even when the technician hung up to end the call-back (Asterisk allows
         * GET VARIABLE on a dead channel); if it cannot be read, the call-back is not counted (the
         * technician can still reply "c", and the call-back timer stays on).
         */
        private void callBack(String number) throws AgiException {
            channel.exec("Dial", dialString.apply(number) + "," + dialSeconds);
            String status;
            try {
                status = channel.getVariable("DIALSTATUS");
            } catch (AgiHangupException e) {
                status = null;
            }
            String s = status == null || status.isBlank() ? "unknown" : status.trim();
            log.info("paging call {}: call-back to {} ended, DIALSTATUS {}", pageId, number, s);
            responses.onConnected(pageId, "ANSWER".equalsIgnoreCase(s), "DIALSTATUS " + s);
        }

        /** Hands the page's delivery result to the engine, once: a key settles it for good. */
        void report(DeliveryReport.Outcome outcome, String detail) {
            if (settled || pageId == null) {
                return;
            }
            settled = true;
            try {
                responses.onDelivery(new DeliveryReport(pageId, null, outcome, null, detail));
            } catch (RuntimeException e) {
                log.error("paging call {}: could not report {} ({}): {}", pageId, outcome, detail, e.getMessage(), e);
            }
        }

        /** Plays the page once; the key pressed during it or at the menu, or "" for none. */
        private String message(PageBrief b) throws AgiException {
            String k = play("pagerline/page-intro", KEYS);
            if (k.isEmpty()) {
                k = digit(channel.sayNumber(Long.toString(b.ticketId()), KEYS));
            }
            if (k.isEmpty() && b.recording() != null && !b.recording().isBlank()) {
                k = play(b.recording(), KEYS);
            }
            if (k.isEmpty()) {
                String d = channel.getData("pagerline/page-menu", MENU_TIMEOUT_MS, 1);
                if ("-1".equals(d)) {
                    throw new Gone();
                }
                k = d == null ? "" : d.trim();
                if (!k.isEmpty() && KEYS.indexOf(k.charAt(0)) < 0) {
                    return k; // a wrong key goes to the engine, which answers it
                }
            }
            return k;
        }

        private String play(String file, String keys) throws AgiException {
            return digit(channel.streamFile(file, keys));
        }

        /** STREAM FILE / SAY NUMBER: 0 none, -1 gone, else the digit. */
        private String digit(char c) {
            if (c == (char) -1) {
                throw new Gone();
            }
            return c == 0 ? "" : String.valueOf(c);
        }

        /** After a fault: "the paging system cannot be reached right now", then hang up. */
        void unavailable() {
            try {
                channel.streamFile("pagerline/page-unavailable", "");
            } catch (AgiException | RuntimeException e) {
                log.debug("paging call {}: could not play page-unavailable: {}", pageId, e.getMessage());
            }
            try {
                channel.hangup();
            } catch (AgiException | RuntimeException e) {
                log.debug("paging call {}: hang-up after a fault failed: {}", pageId, e.getMessage());
            }
        }
    }

    private static Long parse(String v) {
        if (v == null || v.isBlank()) {
            return null;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }
}

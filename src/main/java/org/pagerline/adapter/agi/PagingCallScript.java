package org.pagerline.adapter.agi;

import java.math.BigDecimal;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.asteriskjava.fastagi.AgiChannel;
import org.asteriskjava.fastagi.AgiException;
import org.asteriskjava.fastagi.AgiHangupException;
import org.asteriskjava.fastagi.AgiRequest;
import org.asteriskjava.fastagi.AgiScript;
import org.pagerline.core.page.Notice;
import org.pagerline.core.page.PageKey;
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
 * After key 1 the caller is dialled here; only a call-back the technician confirms ("If you spoke
 * with the caller, press 1"), or a long answered one they end by hanging up, counts as connected
 * ({@link PageResponses#onConnected}); see {@code callBack}.
 *
 * <p>Someone else may take the incident while this call plays (an SMS, another paging call, the
 * CLI): before each part of the message (and so after each menu wait) the script asks
 * {@link PageResponses#takenBy}; once taken, the technician hears pagerline/page-taken
 * ("Another technician has already taken this page") and the call ends, reported DELIVERED (it
 * was answered and heard: not retried). A part already playing is not cut short, so the longest
 * wait is one part: the caller's recording (line.max-message) at worst.
 *
 * <p>A notice (a late call-back, a service level near or missed, another message, who took it, a
 * test page: {@link PageBrief#isNotice}) takes nothing: the call says what it tells in recorded
 * sentences (Asterisk has no text to speech; {@link #NOTICE_PROMPTS}), with the ticket's number and
 * the caller's call-back number, and asks for key 4 ("I heard it"), which delivers it; no key after
 * three plays is no answer, tried again as a page is. Who took it asks for nothing: played once,
 * delivered. A notice no longer needed (the caller was called back meanwhile) says so and ends.
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
 * now..."), pagerline/page-spoke ("If you spoke with the caller, press 1"),
 * pagerline/page-not-reached ("We could not reach the caller. The incident is still yours"),
 * pagerline/page-taken; and Asterisk's own vm-goodbye.
 */
public final class PagingCallScript implements AgiScript {
    private static final Logger log = LoggerFactory.getLogger(PagingCallScript.class);
    public static final String NAME = "page";
    public static final String PAGE_ID_VARIABLE = "PAGERLINE_PAGE_ID";
    static final String KEYS = "145*";
    /** A notice's call takes 4 (heard it) and star (again); nothing it plays takes anything. */
    static final String NOTICE_KEYS = "4*";
    /** A paging call carrying several incidents (a bundle) also takes 9: take them all. */
    static final String BUNDLE_KEYS = "1459*";
    /** The message once plus two repeats with no key, then goodbye. */
    static final int SILENT_ROUNDS = 3;
    /** Guards against a loop of repeats (a stuck key, a confused engine). */
    static final int MAX_ROUNDS = 10;
    static final long MENU_TIMEOUT_MS = 6000;
    /** How long "If you spoke with the caller, press 1" waits for the key after a call-back. */
    static final long SPOKE_TIMEOUT_MS = 8000;
    /**
     * A call-back the technician ends by hanging up counts when it was bridged at least this long:
     * longer than a voicemail greeting someone hangs up on, shorter than any real conversation
     * about an urgent issue.
     */
    static final int SPOKE_SECONDS = org.pagerline.core.page.CallbackRule.SPOKE_SECONDS;
    /**
     * The subroutine (pagerline-page.conf) Dial's U() runs on the customer's leg as it answers:
     * it stamps SHARED({@value #ANSWERED_VARIABLE}) on the technician's channel (named in ARG1)
     * with Asterisk's clock. Not ANSWEREDTIME: after a Dial from an answered channel that is the
     * age of the technician's own paging leg (app_dial: the caller's up time), intro and message
     * included, so every call-back looked 20 s long.
     */
    static final String ANSWERED_CONTEXT = "pagerline-page-answered";
    static final String ANSWERED_VARIABLE = "PAGERLINE_CALLBACK_ANSWERED";
    /** Asterisk's clock, epoch seconds with milliseconds: the same clock the U() hook stamped. */
    static final String CLOCK = "${STRFTIME(,,%s.%3q)}";

    /**
     * What each notice says after its ticket's number (sound files, as {@code prompts.txt} words
     * them). Every notice has one: {@code PagingCallScriptTest} holds it so.
     */
    static final Map<Notice, String> NOTICE_PROMPTS = new EnumMap<>(Map.ofEntries(
            Map.entry(Notice.TAKEN, "pagerline/notice-taken"),
            Map.entry(Notice.CALLBACK_LATE, "pagerline/notice-callback-late"),
            Map.entry(Notice.RESPOND_NEAR, "pagerline/notice-respond-near"),
            Map.entry(Notice.RESPOND_MISSED, "pagerline/notice-respond-missed"),
            Map.entry(Notice.ANOTHER_MESSAGE, "pagerline/notice-another-message"),
            Map.entry(Notice.ANOTHER_CALL, "pagerline/notice-another-call"),
            Map.entry(Notice.CONTACT_TARGET_NEAR, "pagerline/notice-contact-target-near"),
            Map.entry(Notice.CONTACT_TARGET_MISSED, "pagerline/notice-contact-target-missed"),
            Map.entry(Notice.RESPOND_TARGET_NEAR, "pagerline/notice-respond-target-near"),
            Map.entry(Notice.RESPOND_TARGET_MISSED, "pagerline/notice-respond-target-missed"),
            Map.entry(Notice.RESOLVE_TARGET_NEAR, "pagerline/notice-resolve-target-near"),
            Map.entry(Notice.RESOLVE_TARGET_MISSED, "pagerline/notice-resolve-target-missed"),
            Map.entry(Notice.TEST, "pagerline/notice-test")));

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
        Call call = new Call(channel, request.getChannel());
        try {
            call.run();
        } catch (TakenElsewhere e) {
            log.info("paging call {}: {} meanwhile; telling the technician and ending the call", call.pageId,
                    e.taken.what());
            call.report(DeliveryReport.Outcome.DELIVERED, "answered; " + e.taken.what() + " meanwhile");
            call.taken(e.taken);
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

    /** Someone else took the page's incident while this call played (the message names them). */
    private static final class TakenElsewhere extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final transient PageResponses.Taken taken;

        TakenElsewhere(PageResponses.Taken taken) {
            super(taken.what(), null, false, false);
            this.taken = taken;
        }
    }

    private final class Call {
        private final AgiChannel channel;
        /** This channel's name (agi_channel): where the answer hook stamps the call-back's answer. */
        private final String channelName;
        Long pageId;
        /** A key the engine took (1, 4, 5) was pressed: the page is delivered; nothing more to report. */
        boolean settled;
        /** The page is a notice: it takes nothing, and says what it tells ({@link #notice(PageBrief)}). */
        boolean notice;

        Call(AgiChannel channel, String channelName) {
            this.channel = channel;
            this.channelName = channelName;
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
            notice = brief.get().isNotice();
            if (brief.get().notice() == Notice.TAKEN) {
                // "Pat took it": nothing to do, so nothing to confirm (a voicemail may take it too), and
                // a technician who hangs up on it has heard enough: not called again
                try {
                    message(brief.get());
                } catch (AgiHangupException | Gone e) {
                    report(DeliveryReport.Outcome.DELIVERED, "answered; hung up during the notice (it asks for nothing)");
                    return;
                }
                report(DeliveryReport.Outcome.DELIVERED, "answered; the notice was played");
                play("vm-goodbye", "");
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
                KeyOutcome outcome = responses.onPageKey(pageId, PageKey.of(key));
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
                if (outcome.hangUp() && notice) {
                    play("vm-goodbye", "");
                    channel.hangup();
                    return;
                }
                if (outcome.hangUp()) {
                    play(switch (key) {
                        case "1", "4", "9" -> "pagerline/page-acknowledged";
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
         * Dials the caller from this channel, then tells the engine whether the technician really
         * spoke with them. DIALSTATUS=ANSWER alone is not enough: the caller's voicemail answers
         * too. So when the Dial ends with ANSWER and the technician is still on the line (the
         * caller hung up first; Dial's {@code g} option keeps this channel in the script), the
         * technician is asked "If you spoke with the caller, press 1": key 1 counts the call-back,
         * anything else (another key, no key, a hang-up at the question) does not.
         *
         * <p>The technician usually ends a finished call-back by hanging up, and then cannot be
         * asked (Dial answers -1, the channel is dead; GET VARIABLE still works on it). Then the
         * bridged time decides: from the customer's answer (stamped by the U() hook, see
         * {@link #ANSWERED_CONTEXT}) to now, both on Asterisk's clock; at least
         * {@link #SPOKE_SECONDS} s counts as spoken with the caller, a shorter one (a technician
         * who hears a voicemail greeting hangs up within seconds) or an unknown one does not.
         * A technician who leaves a long voicemail message is counted too: the rule's known
         * blind spot.
         *
         * <p>Not counted means the incident stays acknowledged by this technician (the call-back
         * timer stays on; replying with the code and "c" still counts it). When the Dial did not
         * answer and the technician is still there, they hear that the caller could not be reached
         * and that the incident is still theirs before the call ends.
         */
        private void callBack(String number) throws AgiException {
            String hook = channelName == null || channelName.isBlank() ? ""
                    : "U(" + ANSWERED_CONTEXT + "^" + channelName + ")";
            int dial = channel.exec("Dial", dialString.apply(number) + "," + dialSeconds + ",g" + hook);
            boolean technicianGone = dial == -1;
            String s = readVariable("DIALSTATUS");
            s = s == null ? "unknown" : s;
            log.info("paging call {}: call-back to {} ended, DIALSTATUS {}{}", pageId, number, s,
                    technicianGone ? " (the technician hung up)" : "");
            if (!"ANSWER".equalsIgnoreCase(s)) {
                responses.onConnected(pageId, false, "DIALSTATUS " + s);
                if (!technicianGone) {
                    play("pagerline/page-not-reached", "");
                }
                return;
            }
            if (technicianGone) {
                Long connected = bridgedSeconds();
                boolean spoke = connected != null && connected >= SPOKE_SECONDS;
                responses.onConnected(pageId, spoke, "DIALSTATUS ANSWER, "
                        + (connected == null ? "connected time unknown" : "connected " + connected + " s")
                        + ", the technician hung up" + (spoke ? "" : " (under " + SPOKE_SECONDS + " s: not counted)"));
                return;
            }
            String key;
            try {
                String d = channel.getData("pagerline/page-spoke", SPOKE_TIMEOUT_MS, 1);
                key = d == null ? "" : d.trim();
            } catch (AgiHangupException e) {
                key = "-1";
            }
            boolean spoke = "1".equals(key);
            responses.onConnected(pageId, spoke, "DIALSTATUS ANSWER, " + switch (key) {
                case "1" -> "the technician pressed 1: spoke with the caller";
                case "" -> "no key at \"did you speak with the caller\"";
                case "-1" -> "the technician hung up at \"did you speak with the caller\"";
                default -> "key " + key + " at \"did you speak with the caller\"";
            });
            if ("-1".equals(key)) {
                throw new Gone();
            }
            play(spoke ? "vm-goodbye" : "pagerline/page-not-reached", "");
        }

        /**
         * Whole seconds from the customer's answer to now, on Asterisk's clock; null when the
         * answer was not stamped (an old pagerline-page.conf) or cannot be read.
         */
        private Long bridgedSeconds() throws AgiException {
            BigDecimal answeredAt = decimal(readVariable("SHARED(" + ANSWERED_VARIABLE + ")"));
            if (answeredAt == null) {
                return null;
            }
            String now;
            try {
                now = channel.getFullVariable(CLOCK);
            } catch (AgiHangupException e) {
                return null;
            }
            BigDecimal at = decimal(now);
            if (at == null || at.compareTo(answeredAt) < 0) {
                return null;
            }
            return at.subtract(answeredAt).longValue();
        }

        /** A channel variable, trimmed; null when unset, blank or unreadable (the channel is gone for good). */
        private String readVariable(String name) throws AgiException {
            String v;
            try {
                v = channel.getVariable(name);
            } catch (AgiHangupException e) {
                return null;
            }
            return v == null || v.isBlank() ? null : v.trim();
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

        /**
         * Plays the page once; the key pressed during it or at the menu, or "" for none. Before
         * each part (and so after each menu wait) it asks whether someone else took the incident
         * meanwhile: then {@link TakenElsewhere} ends the call, rather than the technician hearing
         * the page out and twice more.
         */
        private String message(PageBrief b) throws AgiException {
            if (b.isNotice()) {
                return notice(b);
            }
            String keys = b.bundle() ? BUNDLE_KEYS : KEYS;
            stillWanted();
            String k = "";
            if (b.bundle()) {
                // "3" "urgent incidents are waiting for you. Press 9 at any time to take them all. The first one:"
                k = digit(channel.sayNumber(Integer.toString(b.waiting()), keys));
                if (k.isEmpty()) {
                    k = play("pagerline/page-several", keys);
                }
            }
            if (k.isEmpty()) {
                k = play("pagerline/page-intro", keys);
            }
            if (k.isEmpty()) {
                stillWanted();
                k = digit(channel.sayNumber(Long.toString(b.ticketId()), keys));
            }
            if (k.isEmpty() && b.recording() != null && !b.recording().isBlank()) {
                stillWanted();
                k = play(b.recording(), keys);
            }
            if (k.isEmpty()) {
                stillWanted();
                String d = channel.getData("pagerline/page-menu", MENU_TIMEOUT_MS, 1);
                if ("-1".equals(d)) {
                    throw new Gone();
                }
                k = d == null ? "" : d.trim();
                if (!k.isEmpty() && keys.indexOf(k.charAt(0)) < 0) {
                    return k; // a wrong key goes to the engine, which answers it
                }
            }
            return k;
        }

        /**
         * Plays a notice once: "This is pagerline with a notice. There is nothing to take on this
         * call. Ticket" and its number, what it tells ({@link #NOTICE_PROMPTS}; a notice written
         * before they were named says no more), the caller's new message (another message), the
         * caller's call-back number when it has one; then, unless it asks for nothing (who took
         * it), "Press 4 if you heard this", a voicemail cannot press it. The key pressed, or "".
         * Before each part it asks whether the notice is still needed (the caller called back
         * meanwhile ends a late call-back's call).
         */
        private String notice(PageBrief b) throws AgiException {
            stillWanted();
            String k;
            if (b.notice() == Notice.TEST) {
                k = play("pagerline/notice-test", NOTICE_KEYS);
            } else {
                k = play("pagerline/notice-intro", NOTICE_KEYS);
                if (k.isEmpty()) {
                    k = digit(channel.sayNumber(Long.toString(b.ticketId()), NOTICE_KEYS));
                }
                String what = b.notice() == null ? null : NOTICE_PROMPTS.get(b.notice());
                if (k.isEmpty() && what != null) {
                    k = play(what, NOTICE_KEYS);
                }
                if (k.isEmpty() && b.recording() != null && !b.recording().isBlank()) {
                    stillWanted();
                    k = play(b.recording(), NOTICE_KEYS);
                }
                String number = b.callbackNumber() == null ? "" : b.callbackNumber().replaceAll("[^0-9]", "");
                if (k.isEmpty() && !number.isEmpty() && b.notice() != Notice.TAKEN) {
                    stillWanted();
                    k = play("pagerline/notice-callback-number", NOTICE_KEYS);
                    if (k.isEmpty()) {
                        k = digit(channel.sayDigits(number, NOTICE_KEYS));
                    }
                }
            }
            if (!k.isEmpty() || b.notice() == Notice.TAKEN) {
                return k;
            }
            stillWanted();
            String d = channel.getData("pagerline/notice-menu", MENU_TIMEOUT_MS, 1);
            if ("-1".equals(d)) {
                throw new Gone();
            }
            return d == null ? "" : d.trim();
        }

        /** Throws {@link TakenElsewhere} when someone else took the incident; a failed check is no answer. */
        private void stillWanted() {
            Optional<PageResponses.Taken> by;
            try {
                by = responses.takenBy(pageId);
            } catch (RuntimeException e) {
                log.warn("paging call {}: could not check whether the page was taken: {}", pageId, e.getMessage());
                return;
            }
            if (by.isPresent()) {
                throw new TakenElsewhere(by.get());
            }
        }

        /**
         * "Another technician has already taken this page", or, when nobody took it (the incident
         * resolved or cancelled by hand while the phone rang), "This page is no longer active"; then
         * hang up.
         */
        void taken(PageResponses.Taken taken) {
            try {
                channel.streamFile(notice ? "pagerline/notice-gone"
                        : taken.by() != null ? "pagerline/page-taken" : "pagerline/page-gone", "");
                channel.hangup();
            } catch (AgiException | RuntimeException e) {
                log.debug("paging call {}: could not say the page was taken: {}", pageId, e.getMessage());
            }
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

    private static BigDecimal decimal(String v) {
        if (v == null || v.isBlank()) {
            return null;
        }
        try {
            return new BigDecimal(v.trim());
        } catch (NumberFormatException e) {
            return null;
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

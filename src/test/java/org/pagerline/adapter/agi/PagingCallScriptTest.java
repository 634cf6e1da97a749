package org.pagerline.adapter.agi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.pagerline.config.AgiConfig;
import org.pagerline.config.AmiConfig;
import org.pagerline.core.page.Notice;
import org.pagerline.service.DeliveryReport;
import org.pagerline.service.PageResponses;
import org.pagerline.testkit.Ports;
import org.pagerline.testkit.PageCallPeer;

/** The paging call over real FastAGI: the technician's phone is a scripted peer. */
class PagingCallScriptTest {
    private static final String CALLER = "+12045559001";
    private static final String SPOKE = "pagerline/page-spoke";
    private static final String NOT_REACHED = "pagerline/page-not-reached";
    private static final List<String> keys = new CopyOnWriteArrayList<>();
    /** What the script reported: "page:OUTCOME" for deliveries, "page:connected|not connected:detail" for call-backs. */
    private static final List<String> reports = new CopyOnWriteArrayList<>();
    /** takenBy answers "Sam Singh" from this check on (1 = the first); 0: never. */
    private static volatile int takenFromCheck;
    /** Who takenBy says has the incident (null: nobody, it was resolved). */
    private static volatile String takenByName = "Sam Singh";
    private static final java.util.concurrent.atomic.AtomicInteger takenChecks = new java.util.concurrent.atomic.AtomicInteger();
    private static final PageResponses engine = new PageResponses() {
        @Override
        public Optional<PageResponses.Taken> takenBy(long pageId) {
            int n = takenChecks.incrementAndGet();
            return takenFromCheck > 0 && n >= takenFromCheck ? Optional.of(new PageResponses.Taken(takenByName, "acknowledged"))
                    : Optional.empty();
        }

        @Override
        public String onSmsReply(String fromE164, org.pagerline.core.page.SmsCommand command) {
        String body = command.words();
            return "";
        }

        @Override
        public Optional<PageBrief> brief(long pageId) {
            if (pageId == 66) {
                throw new IllegalStateException("database unreachable");
            }
            if (pageId == 50) {   // a notice: the caller left another message on an incident being worked
                return Optional.of(PageBrief.notice(50, 7, 1234, "Notice from pagerline", "pagerline/vm/ticket-1234-2", CALLER,
                        Notice.ANOTHER_MESSAGE));
            }
            if (pageId == 51) {   // a notice: who took it
                return Optional.of(PageBrief.notice(51, 7, 1234, "Notice from pagerline", null, CALLER, Notice.TAKEN));
            }
            if (pageId == 52) {   // a test page
                return Optional.of(PageBrief.notice(52, 0, 0, "test page", null, null, Notice.TEST));
            }
            if (pageId == 43) {   // a bundle: three incidents in one paging call
                return Optional.of(new PageBrief(43, 7, 1234, "Urgent page", "pagerline/vm/ticket-1234", CALLER, 3));
            }
            return pageId == 42 ? Optional.of(new PageBrief(42, 7, 1234, "Urgent page", "pagerline/vm/ticket-1234", CALLER))
                    : Optional.empty();
        }

        @Override
        public KeyOutcome onPageKey(long pageId, org.pagerline.core.page.PageKey pressed) {
        String key = pressed.digit();
            keys.add(pageId + ":" + key);
            return switch (key) {
                case "1" -> new KeyOutcome("acknowledged; connecting you to the caller", CALLER, true);
                case "4", "9" -> new KeyOutcome("acknowledged", null, true);
                case "5" -> new KeyOutcome("passed on", null, true);
                default -> new KeyOutcome("again", null, false);
            };
        }

        @Override
        public void onConnected(long pageId, boolean connected, String detail) {
            reports.add(pageId + ":" + (connected ? "connected" : "not connected") + ":" + detail);
        }

        @Override
        public void onDelivery(DeliveryReport report) {
            reports.add(report.pageId() + ":" + report.outcome());
        }
    };
    private static AgiListener listener;
    private static int port;

    @BeforeAll
    static void listen() throws IOException {
        port = Ports.free();
        PagingCallScript script = new PagingCallScript(engine, n -> AmiConfig.expand("PJSIP/{number}@trunk", n), 60);
        listener = new AgiListener(new AgiConfig("127.0.0.1", port, 20), Map.of(PagingCallScript.NAME, script));
        listener.start();
    }

    @AfterAll
    static void stop() {
        listener.close();
    }

    @BeforeEach
    void clear() {
        keys.clear();
        reports.clear();
        takenFromCheck = 0;
        takenByName = "Sam Singh";
        takenChecks.set(0);
    }

    private static PageCallPeer page42() {
        return new PageCallPeer(port).variable("PAGERLINE_PAGE_ID", "42");
    }

    private static List<String> played(List<String> commands) {
        return commands.stream().map(PageCallPeerArgs::of).filter(a -> a.size() > 2 && a.get(0).equals("STREAM"))
                .map(a -> a.get(2)).toList();
    }

    @Test
    void theTechnicianHearsTheTicketAndTheCallersRecordingWithKeysLiveThroughoutThenPresses4ToTakeIt() throws IOException {
        List<String> cmds = page42().atMenu("4").call();

        assertEquals(List.of("42:4"), keys);
        assertEquals(List.of("42:DELIVERED"), reports, "a key settles the page");
        assertEquals(List.of("pagerline/page-intro", "pagerline/vm/ticket-1234", "pagerline/page-acknowledged"), played(cmds));
        assertTrue(cmds.stream().anyMatch(c -> c.startsWith("SAY NUMBER") && c.contains("1234") && c.contains("145*")), cmds.toString());
        assertTrue(cmds.stream().anyMatch(c -> c.startsWith("STREAM FILE") && c.contains("ticket-1234") && c.contains("145*")),
                "keys must count while the recording plays: " + cmds);
        assertTrue(endsWithHangUp(cmds), cmds.toString());
    }

    @Test
    void everyNoticeHasASentenceToSay() {
        assertEquals(java.util.EnumSet.allOf(Notice.class), PagingCallScript.NOTICE_PROMPTS.keySet());
    }

    @Test
    void anotherMessagesNoticePlaysTheNewMessageThenTheCallBackNumberAndOnlyKey4AndStarCount() throws IOException {
        List<String> cmds = new PageCallPeer(port).variable("PAGERLINE_PAGE_ID", "50").atMenu("4").call();

        assertEquals(List.of("pagerline/notice-intro", "pagerline/notice-another-message", "pagerline/vm/ticket-1234-2",
                "pagerline/notice-callback-number", "vm-goodbye"), played(cmds));
        assertTrue(cmds.contains("SAY NUMBER \"1234\" \"4*\""), cmds.toString());
        assertTrue(cmds.contains("SAY DIGITS \"" + CALLER.substring(1) + "\" \"4*\""), cmds.toString());
        assertTrue(cmds.contains("GET DATA \"pagerline/notice-menu\" 6000 1"), cmds.toString());
        assertEquals(List.of("50:4"), keys);
        assertEquals(List.of("50:DELIVERED"), reports, "heard: key 4");
        assertTrue(endsWithHangUp(cmds), cmds.toString());
    }

    @Test
    void whoTookItIsPlayedOnceWithNoKeyAskedAndIsDelivered() throws IOException {
        List<String> cmds = new PageCallPeer(port).variable("PAGERLINE_PAGE_ID", "51").call();

        assertEquals(List.of("pagerline/notice-intro", "pagerline/notice-taken", "vm-goodbye"), played(cmds));
        assertTrue(cmds.stream().noneMatch(c -> c.startsWith("GET DATA") || c.startsWith("SAY DIGITS")), cmds.toString());
        assertEquals(List.of(), keys);
        assertEquals(List.of("51:DELIVERED"), reports);
        assertTrue(endsWithHangUp(cmds), cmds.toString());
    }

    @Test
    void aTechnicianWhoHangsUpOnWhoTookItHasHeardEnoughAndIsNotCalledAgain() throws IOException {
        new PageCallPeer(port).variable("PAGERLINE_PAGE_ID", "51").hangUpAfter(3, true).call();

        assertEquals(List.of("51:DELIVERED"), reports, "not NO_ANSWER: it asks for nothing");
    }

    @Test
    void aTestPageSaysItIsATestAndAsksForAKeyNotAnUrgentPagesMenu() throws IOException {
        List<String> cmds = new PageCallPeer(port).variable("PAGERLINE_PAGE_ID", "52").atMenu("", "4").call();

        assertEquals(List.of("pagerline/notice-test", "pagerline/notice-test", "vm-goodbye"), played(cmds));
        assertTrue(cmds.stream().noneMatch(c -> c.contains("page-intro") || c.contains("page-menu")), cmds.toString());
        assertEquals(List.of("52:4"), keys);
        assertEquals(List.of("52:DELIVERED"), reports);
    }

    @Test
    void thePagingCallIsMarkedWithThisNodesAddressBeforeAnythingIsPlayedSoTheDialplanNeverTriesASecondNode()
            throws IOException {
        List<String> cmds = page42().atMenu("4").call();

        assertEquals("SET VARIABLE \"PAGERLINE_NODE\" \"127.0.0.1:" + port + "\"", cmds.get(0), cmds.toString());
        assertEquals(List.of("42:DELIVERED"), reports);
    }

    @Test
    void aPagingCallCarryingSeveralIncidentsSaysHowManyAndKey9TakesThemAll() throws IOException {
        List<String> cmds = new PageCallPeer(port).variable("PAGERLINE_PAGE_ID", "43").atMenu("9").call();

        assertEquals(List.of("43:9"), keys);
        assertEquals(List.of("43:DELIVERED"), reports);
        assertTrue(cmds.stream().anyMatch(c -> c.startsWith("SAY NUMBER \"3\"") && c.contains("1459*")), cmds.toString());
        assertEquals(List.of("pagerline/page-several", "pagerline/page-intro", "pagerline/vm/ticket-1234",
                "pagerline/page-acknowledged"), played(cmds));
        assertTrue(cmds.stream().anyMatch(c -> c.startsWith("STREAM FILE") && c.contains("ticket-1234") && c.contains("1459*")),
                "9 counts while the recording plays: " + cmds);
        assertTrue(endsWithHangUp(cmds), cmds.toString());
    }

    @Test
    void key1TakesThePageDialsTheCallerAndCountsTheCallBackWhenTheTechnicianConfirmsTheySpoke() throws IOException {
        List<String> cmds = page42().atMenu("1").dialEnds("ANSWER", false, 240).atPrompt(SPOKE, "1").call();

        assertEquals(List.of("42:1"), keys);
        assertTrue(cmds.stream().anyMatch(c -> c.startsWith("EXEC") && c.contains("Dial")
                && c.contains("PJSIP/12045559001@trunk,60,g")), "g: the technician stays in the script when the caller hangs up: " + cmds);
        assertTrue(cmds.stream().anyMatch(c -> c.startsWith("GET DATA") && c.contains(SPOKE)), cmds.toString());
        assertEquals(List.of("42:DELIVERED", "42:connected:DIALSTATUS ANSWER, the technician pressed 1: spoke with the caller"),
                reports);
        assertTrue(endsWithHangUp(cmds), cmds.toString());
    }

    @Test
    void aCallBackAnsweredByTheCallersVoicemailIsNotCountedWithoutTheTechniciansKey1() throws IOException {
        // The caller's voicemail answers: DIALSTATUS=ANSWER, but nobody spoke with the caller.
        List<String> cmds = page42().atMenu("1").dialEnds("ANSWER", false, 35).atPrompt(SPOKE, "").call();

        assertEquals(List.of("42:DELIVERED", "42:not connected:DIALSTATUS ANSWER, no key at \"did you speak with the caller\""),
                reports, "acknowledged only: the incident waits for the call-back (or a texted c)");
        assertEquals(NOT_REACHED, played(cmds).get(played(cmds).size() - 1));
        assertTrue(endsWithHangUp(cmds), cmds.toString());

        reports.clear();
        page42().atMenu("1").dialEnds("ANSWER", false, 35).atPrompt(SPOKE, "2").call();
        assertEquals(List.of("42:DELIVERED", "42:not connected:DIALSTATUS ANSWER, key 2 at \"did you speak with the caller\""),
                reports);

        reports.clear();
        cmds = page42().atMenu("1").dialEnds("ANSWER", false, 35).atPrompt(SPOKE, "-1").call();
        assertEquals(List.of("42:DELIVERED",
                "42:not connected:DIALSTATUS ANSWER, the technician hung up at \"did you speak with the caller\""), reports);
        assertTrue(played(cmds).stream().noneMatch(NOT_REACHED::equals), "nothing is played to a channel that is gone: " + cmds);
    }

    @Test
    void aCallBackTheTechnicianEndsByHangingUpCountsOnlyWhenTheyWereConnectedAtLeast20Seconds() throws IOException {
        // Hanging up is how a technician ends a call-back; they cannot be asked any more, so the
        // bridged time decides: from the customer's answer (stamped by Dial's U() hook) to the
        // Dial's end, both read on the dead channel.
        List<String> cmds = page42().atMenu("1").dialEnds("ANSWER", true, 95).call();

        assertTrue(cmds.stream().anyMatch(c -> c.startsWith("EXEC") && c.contains("Dial")
                && c.contains(",gU(pagerline-page-answered^" + PageCallPeer.CHANNEL + ")")), cmds.toString());
        assertTrue(cmds.stream().noneMatch(c -> c.startsWith("GET DATA") && c.contains(SPOKE)), cmds.toString());
        assertEquals(List.of("42:DELIVERED", "42:connected:DIALSTATUS ANSWER, connected 95 s, the technician hung up"), reports);

        reports.clear();
        page42().atMenu("1").dialEnds("ANSWER", true, 8).call(); // heard a voicemail greeting, hung up
        assertEquals(List.of("42:DELIVERED",
                "42:not connected:DIALSTATUS ANSWER, connected 8 s, the technician hung up (under 20 s: not counted)"), reports);
    }

    @Test
    void aShortCallBackIsNotCountedAlthoughTheTechniciansOwnCallIsOlderThan20Seconds() throws IOException {
        // The page took 25 s to hear before key 1: ANSWEREDTIME after the Dial is 25 + 4 ringing
        // + 5 bridged = 34 s, the technician's own leg. The customer was on the line 5 s.
        page42().atMenu("1").legAgeAtDial(25).dialEnds("ANSWER", true, 5).call();

        assertEquals(List.of("42:DELIVERED",
                "42:not connected:DIALSTATUS ANSWER, connected 5 s, the technician hung up (under 20 s: not counted)"), reports);
    }

    @Test
    void aCallBackWhoseAnswerTimeCannotBeReadIsNotCounted() throws IOException {
        // An old pagerline-page.conf without the answer hook: nothing stamps the answer. ANSWEREDTIME
        // (the technician's own leg, 44 s here) must not be taken for the call-back's length.
        page42().atMenu("1").legAgeAtDial(35).dialEnds("ANSWER", true, 5).noAnswerHook().call();

        assertEquals(List.of("42:DELIVERED", "42:not connected:DIALSTATUS ANSWER, connected time unknown,"
                + " the technician hung up (under 20 s: not counted)"), reports);
    }

    @Test
    void aCallBackTheCallerDoesNotAnswerIsNotACallBackAndTheTechnicianHearsTheIncidentIsStillTheirs() throws IOException {
        List<String> cmds = page42().atMenu("1").dialEnds("BUSY", false).call();
        assertEquals(List.of("42:DELIVERED", "42:not connected:DIALSTATUS BUSY"), reports);
        assertEquals(NOT_REACHED, played(cmds).get(played(cmds).size() - 1), "told before the hang-up: " + cmds);
        assertTrue(endsWithHangUp(cmds), cmds.toString());
        assertTrue(cmds.stream().noneMatch(c -> c.startsWith("GET DATA") && c.contains(SPOKE)), cmds.toString());

        reports.clear();
        cmds = page42().atMenu("1").dialEnds("NOANSWER", true).call();
        assertEquals(List.of("42:DELIVERED", "42:not connected:DIALSTATUS NOANSWER"), reports);
        assertTrue(played(cmds).stream().noneMatch(NOT_REACHED::equals), "the technician is gone: " + cmds);
    }

    @Test
    void aTechnicianStillListeningIsToldAnotherTookThePageBeforeTheNextPromptAndTheCallEnds() throws IOException {
        takenFromCheck = 2; // someone else takes it while the intro plays
        List<String> cmds = page42().call();

        assertEquals(List.of("pagerline/page-intro", "pagerline/page-taken"), played(cmds),
                "told at once, not after the message, the menu and two repeats");
        assertTrue(cmds.stream().noneMatch(c -> c.startsWith("GET DATA")), cmds.toString());
        assertTrue(keys.isEmpty(), keys.toString());
        assertEquals(List.of("42:DELIVERED"), reports, "answered and heard: the page is settled, not retried");
        assertTrue(endsWithHangUp(cmds), cmds.toString());
    }

    @Test
    void aPageWhoseIncidentEndedWithNobodyTakingItIsNoLongerActiveNotTakenByAnother() throws IOException {
        takenFromCheck = 1; // resolved by hand while the phone rang
        takenByName = null;
        List<String> cmds = page42().call();

        assertEquals(List.of("pagerline/page-gone"), played(cmds), "nobody took it: " + cmds);
        assertEquals(List.of("42:DELIVERED"), reports);
        assertTrue(endsWithHangUp(cmds), cmds.toString());
    }

    @Test
    void aPageTakenElsewhereWhileTheMenuWaitsEndsTheCallInsteadOfRepeating() throws IOException {
        takenFromCheck = 5; // intro, ticket, recording, menu checked; taken during the menu's wait
        List<String> cmds = page42().atMenu("").call();

        assertEquals(1, cmds.stream().filter(c -> c.startsWith("GET DATA")).count(), cmds.toString());
        assertEquals("pagerline/page-taken", played(cmds).get(played(cmds).size() - 1));
        assertEquals(List.of("42:DELIVERED"), reports);
    }

    @Test
    void key5PressedDuringTheRecordingPassesItOnAtOnce() throws IOException {
        List<String> cmds = page42().pressWhile("pagerline/vm/ticket-1234", '5').call();

        assertEquals(List.of("42:5"), keys);
        assertTrue(cmds.stream().noneMatch(c -> c.startsWith("GET DATA")), "no menu after a key: " + cmds);
        assertEquals("pagerline/page-passed-on", played(cmds).get(played(cmds).size() - 1));
    }

    @Test
    void starRepeatsTheMessageThenTheTechnicianTakesIt() throws IOException {
        List<String> cmds = page42().atMenu("*", "4").call();

        assertEquals(List.of("42:*", "42:4"), keys);
        assertEquals(2, played(cmds).stream().filter("pagerline/vm/ticket-1234"::equals).count());
    }

    @Test
    void noKeyAfterTheMessageAndTwoRepeatsEndsTheCallWithoutAnAcknowledgement() throws IOException {
        List<String> cmds = page42().atMenu("", "", "").call();

        assertTrue(keys.isEmpty(), keys.toString());
        assertEquals(List.of("42:NO_ANSWER"), reports, "answered but never acknowledged: a failed attempt");
        assertEquals(3, cmds.stream().filter(c -> c.startsWith("GET DATA")).count());
        assertEquals("vm-goodbye", played(cmds).get(played(cmds).size() - 1));
        assertTrue(endsWithHangUp(cmds), cmds.toString());
    }

    @Test
    void aHangUpMidMessageEndsTheScriptQuietlyAndTheListenerServesTheNextCall() throws IOException {
        List<String> cmds = page42().hangUpAfter(3, false).call(); // HANGUP line then 511s

        assertTrue(keys.isEmpty());
        assertTrue(cmds.size() <= 5, "the script stops soon after the hang-up: " + cmds);
        assertEquals(List.of("42:NO_ANSWER"), reports, "hung up without a key: a failed attempt");

        page42().hangUpAfter(2, true).call(); // 200 result=-1
        assertTrue(keys.isEmpty());
        assertEquals(List.of("42:NO_ANSWER", "42:NO_ANSWER"), reports);

        page42().atMenu("4").call();
        assertEquals(List.of("42:4"), keys);
    }

    @Test
    void aRecordingAsteriskCannotPlayDoesNotEndThePage() throws IOException {
        List<String> cmds = page42().missing("pagerline/vm/ticket-1234").atMenu("4").call();

        // asterisk-java reads STREAM FILE's result=-1 (a file it cannot play) as "no key"; a real
        // hang-up arrives as HANGUP/511 on the next command. So a missing recording is skipped.
        assertEquals(List.of("42:4"), keys, "the technician still reaches the menu and takes the page");
        assertTrue(cmds.stream().anyMatch(c -> c.startsWith("GET DATA")), cmds.toString());
    }

    @Test
    void aHangUpAfterStarButWithoutTakingThePageIsAFailedAttempt() throws IOException {
        page42().atMenu("*").hangUpAfter(12, false).call();

        assertEquals(List.of("42:*"), keys);
        assertEquals(List.of("42:NO_ANSWER"), reports);
    }

    @Test
    void aFaultOnThePagingCallSaysThePagingSystemIsUnavailableBeforeHangingUp() throws IOException {
        List<String> cmds = new PageCallPeer(port).variable("PAGERLINE_PAGE_ID", "66").call();

        assertEquals(List.of("pagerline/page-unavailable"), played(cmds));
        assertTrue(endsWithHangUp(cmds), cmds.toString());
        assertEquals(List.of("66:TEMPORARY_FAILURE"), reports, "not acknowledged: tried again");
    }

    @Test
    void aPageThatIsGoneOrMissingIsEndedPolitely() throws IOException {
        List<String> cmds = new PageCallPeer(port).variable("PAGERLINE_PAGE_ID", "99").call();
        assertEquals(List.of("pagerline/page-gone"), played(cmds));

        cmds = new PageCallPeer(port).call(); // no variable at all
        assertEquals(List.of("pagerline/page-gone"), played(cmds));
        assertTrue(keys.isEmpty());
    }

    /** The script's last command is HANGUP (asterisk-java then sets AJ_AGISTATUS by itself). */
    private static boolean endsWithHangUp(List<String> cmds) {
        List<String> own = cmds.stream().filter(c -> !c.contains("AJ_AGISTATUS")).toList();
        return !own.isEmpty() && own.get(own.size() - 1).equals("HANGUP");
    }

    /** Reads an AGI command's words (quotes removed). */
    static final class PageCallPeerArgs {
        static List<String> of(String line) {
            List<String> out = new java.util.ArrayList<>();
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"([^\"]*)\"|(\\S+)").matcher(line);
            while (m.find()) {
                out.add(m.group(1) != null ? m.group(1) : m.group(2));
            }
            return out;
        }
    }
}

package org.pagerline.boot;

import static java.time.Duration.ofSeconds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.pagerline.core.incident.Incident;
import org.pagerline.core.incident.IncidentState;
import org.pagerline.core.page.Notice;
import org.pagerline.core.page.Page;
import org.pagerline.core.page.PageState;
import org.pagerline.testkit.Eventually;

/**
 * Paging calls through a real Asterisk 22: an urgent caller leaves a message (a real SIP call), the
 * engine pages Pat and Sam by AMI Originate into [pagerline-page], and the carrier rings their SIPp
 * phones, which press keys as a technician would (RFC 4733).
 *
 * <p>Every paging call presents the desk's number (ami.page-caller-id). Each test's phones ring only
 * for its own incident's pages ({@link AsteriskLab#pagePhone}), and what Asterisk ran is read on this
 * test's own channels only, so these tests run side by side with each other and with the rest of
 * the suite; each resolves its own incident at the end.
 */
@Tag("asterisk")
@Execution(ExecutionMode.CONCURRENT)
class PagingCallAsteriskIT {
    private AsteriskLab lab;
    /** This test's caller: the urgent message's, whose incident is paged. */
    private String me;
    /** AGI commands Asterisk ran in [pagerline-page] and every Dial; see {@link #mine()}. */
    private final List<Map<String, String>> agiSeen = new CopyOnWriteArrayList<>();
    private final Consumer<Map<String, String>> listener = e -> {
        if ("AGIExecStart".equals(e.get("Event")) && ("pagerline-page".equals(e.get("Context"))
                || e.getOrDefault("Command", "").contains("Dial"))) {
            agiSeen.add(e);
        }
    };
    private Long incident;

    @BeforeEach
    void watchThePbx() {
        lab = AsteriskLab.get();
        me = lab.newCaller();
        lab.onEvent(listener);
    }

    @AfterEach
    void stopPaging() {
        if (lab == null) {
            return; // no lab on this machine: the test was skipped before it began
        }
        lab.removeEventListener(listener);
        if (incident != null) {
            lab.services().incidents().resolve(incident);
        }
    }

    /**
     * Of what Asterisk ran, this test's: on the paging calls of its incident, and its caller's own
     * channel (the urgent Dial in [pagerline-inbound] shows the caller's number).
     */
    private List<Map<String, String>> mine() {
        Set<String> pages = lab.pagingChannelsOf(me);
        return agiSeen.stream().filter(e -> pages.contains(e.get("Channel"))
                || "pagerline-inbound".equals(e.get("Context")) && me.equals(e.get("CallerIDNum"))).toList();
    }

    /** A phone for the paging calls of this test's incident to {@code number}. */
    private Sipp.Run pagePhone(Sipp.Phone phone) throws IOException {
        return lab.pagePhone(phone, me);
    }

    /** An urgent caller nobody answers leaves a 7 s message: the incident that pages Pat and Sam. */
    private Incident urgentMessage(String me) throws IOException {
        return urgentMessage(me, ofSeconds(7));
    }

    /** As {@link #urgentMessage(String)}, a message {@code talk} long. */
    private Incident urgentMessage(String me, Duration talk) throws IOException {
        try (var ring = lab.phone(new Sipp.Phone(AsteriskLab.PAT).neverAnswer().thenWaitAtMost(ofSeconds(30)), me);
                var call = lab.call(Sipp.Caller.urgentMessage(me, "2", talk))) {
            call.awaitSuccess(ofSeconds(120));
        }
        long ticket = lab.ticketOf(me).id();
        Eventually.await(Duration.ofSeconds(10), "an incident on ticket " + ticket, () -> lab.services().incidents()
                .list(500, false).stream().anyMatch(i -> i.ticketId() == ticket));
        Incident i = lab.incidentsOf(ticket).stream()
                .findFirst().orElseThrow();
        incident = i.id();
        return i;
    }

    private Incident incident() {
        return lab.services().incidents().show(incident).incident();
    }

    /** The INVITE's From header as the phone received it. */
    private static String fromHeaderAt(Sipp.Run phone) throws IOException {
        Path log = phone.messagesLog();
        String all = Files.readString(log, StandardCharsets.ISO_8859_1);
        Matcher m = Pattern.compile("(?m)^INVITE sip:[^\\n]*\\n(?:[^\\n]+\\n)*?(From:[^\\n]*)").matcher(all);
        assertTrue(m.find(), "no INVITE in " + log);
        return m.group(1).trim();
    }

    /** The Dial commands pagerline's scripts ran in a context, as Asterisk logged them. */
    private List<String> dials(String context) {
        return mine().stream().filter(e -> context.equals(e.get("Context")) && e.getOrDefault("Command", "").contains("Dial"))
                .map(e -> e.get("Command")).toList();
    }

    private long played(String file) {
        return mine().stream().filter(e -> e.getOrDefault("Command", "").contains(file)).count();
    }

    @Test
    void aPagingCallShowsTheDesksNumberKey4TakesItAndTheOtherTechnicianIsToldAndHungUpOn() throws Exception {
        try (var pat = pagePhone(new Sipp.Phone(AsteriskLab.PAT).answerAfter(ofSeconds(1)).pause(ofSeconds(4)).press("4")
                        .thenWaitAtMost(ofSeconds(40)));
                var sam = pagePhone(new Sipp.Phone(AsteriskLab.SAM).answerAfter(ofSeconds(1)).thenWaitAtMost(ofSeconds(90)))) {
            Incident opened = urgentMessage(me);

            pat.awaitSuccess(ofSeconds(90));
            sam.awaitSuccess(ofSeconds(90));

            // carriers refuse anonymous calls: the technicians' phones see the desk's number
            for (Sipp.Run phone : List.of(pat, sam)) {
                String from = fromHeaderAt(phone);
                assertTrue(from.contains(AsteriskLab.DESK_NUMBER.substring(1)), from);
                assertFalse(from.toLowerCase().contains("anonymous"), from);
            }
            Incident i = incident();
            assertEquals(IncidentState.ACKNOWLEDGED, i.state(), lab.timelineText(me));
            assertEquals("Pat Lab", i.ownerName());
            assertTrue(lab.timelineText(me).contains("Pat Lab acknowledged incident " + opened.id()
                    + " by key 4 on the paging call"), lab.timelineText(me));

            // Sam, still listening, hears that it was taken and Asterisk hangs up: within one part of the message
            Instant key = pat.event("key-4").orElseThrow();
            Instant samEnded = sam.event("far-end-hung-up").orElseThrow(() -> new AssertionError("Sam's call: " + sam.events()));
            long seconds = Duration.between(key, samEnded).toSeconds();
            assertTrue(seconds >= 0 && seconds <= 15, "Sam's paging call ended " + seconds + " s after Pat's key 4");
            assertTrue(played("pagerline/page-taken") >= 1, "Sam heard pagerline/page-taken: " + mine());
        }
    }

    @Test
    void aPageWhoseIncidentIsResolvedWhileThePhoneRingsIsNoLongerActiveRatherThanTakenByAnother() throws Exception {
        // Pat's phone rings 8 s; meanwhile the incident is resolved by hand (the console, the command line)
        try (var pat = pagePhone(new Sipp.Phone(AsteriskLab.PAT).answerAfter(ofSeconds(8)).thenWaitAtMost(ofSeconds(40)))) {
            Incident opened = urgentMessage(me);
            org.pagerline.testkit.Eventually.await(ofSeconds(30), "Pat's paging phone ringing",
                    () -> pat.event("invite").isPresent());
            lab.services().incidents().resolve(opened.id());
            pat.awaitSuccess(ofSeconds(90));

            assertTrue(pat.event("far-end-hung-up").isPresent(), "pagerline ended the call: " + pat.events());
            assertTrue(played("pagerline/page-gone") >= 1, "told the page is no longer active: " + mine());
            assertEquals(0L, played("pagerline/page-taken"), "nobody took it: " + mine());
        }
    }

    @Test
    void starPlaysThePageAgainAndKey5PassesItOn() throws Exception {
        // Sam has no phone here: the carrier answers busy
        try (var pat = pagePhone(new Sipp.Phone(AsteriskLab.PAT).answerAfter(ofSeconds(1)).pause(ofSeconds(2)).press("*")
                .pause(ofSeconds(4)).press("5").thenWaitAtMost(ofSeconds(40)))) {
            Incident opened = urgentMessage(me);
            pat.awaitSuccess(ofSeconds(90));

            assertTrue(pat.event("far-end-hung-up").isPresent(), "pagerline ended the call after key 5: " + pat.events());
            assertTrue(played("pagerline/page-intro") >= 2, "star started the page again: " + mine());
            assertTrue(played("pagerline/page-passed-on") >= 1, "told it was passed on: " + mine());
            String story = lab.timelineText(me);
            assertTrue(story.contains("Pat Lab passed incident " + opened.id() + " on to the next step (key 5 on the paging call)"),
                    story);
            assertEquals(IncidentState.OPEN, incident().state(), "passed on, not taken");
        }
    }

    @Test
    void key1CallsTheCallerBackAndAShortCallBackIsNotCountedThoughThePagingCallWasLong() throws Exception {
        // Pat listens 22 s (the message and the menu) before key 1, talks ~4 s with the caller, hangs up.
        try (var pat = pagePhone(new Sipp.Phone(AsteriskLab.PAT).answerAfter(ofSeconds(1)).pause(ofSeconds(22)).press("1")
                        .pause(ofSeconds(8)).hangUp().thenWaitAtMost(ofSeconds(10)));
                var caller = lab.phone(new Sipp.Phone(me).answerAfter(ofSeconds(1)).thenWaitAtMost(ofSeconds(60)),
                        AsteriskLab.DESK_NUMBER)) {
            Incident opened = urgentMessage(me);
            pat.awaitSuccess(ofSeconds(90));
            caller.awaitSuccess(ofSeconds(90));

            Instant answered = caller.event("answered").orElseThrow(() -> new AssertionError("the caller's phone: "
                    + caller.events()));
            Instant hungUp = pat.event("hung-up").orElseThrow();
            long bridged = Duration.between(answered, hungUp).toSeconds();
            assertTrue(bridged < 10, "the call-back lasted " + bridged + " s");
            assertTrue(fromHeaderAt(caller).contains(AsteriskLab.DESK_NUMBER.substring(1)),
                    "the caller sees the desk's number: " + fromHeaderAt(caller));

            Eventually.await(Duration.ofSeconds(10), "the call-back's result on the ticket",
                    () -> lab.timelineText(me).contains("CALLBACK_NOT_CONNECTED") || incident().state() == IncidentState.CALLED_BACK);
            String story = lab.timelineText(me);
            assertEquals(IncidentState.ACKNOWLEDGED, incident().state(), "a " + bridged + " s call-back is not the call-back:\n"
                    + story);
            Matcher m = Pattern.compile("DIALSTATUS ANSWER, connected (\\d+) s, the technician hung up").matcher(story);
            assertTrue(m.find(), story);
            assertTrue(Math.abs(Long.parseLong(m.group(1)) - bridged) <= 2, "measured " + m.group(1) + " s, phones say "
                    + bridged + " s");
            assertEquals("Pat Lab", incident().ownerName());
            assertTrue(story.contains("Pat Lab acknowledged incident " + opened.id() + " by key 1"), story);

            // {number} is the digits without '+' in every template: the urgent Dial and the call-back alike
            assertTrue(dials("pagerline-inbound").stream().anyMatch(d -> d.contains("PJSIP/" + AsteriskLab.digits(AsteriskLab.PAT)
                    + "@trunk,")), dials("pagerline-inbound").toString());
            assertTrue(dials("pagerline-page").stream().anyMatch(d -> d.contains("PJSIP/" + AsteriskLab.digits(me) + "@trunk,")),
                    dials("pagerline-page").toString());
            assertTrue(mine().stream().noneMatch(e -> e.getOrDefault("Command", "").contains("PJSIP/+")), mine().toString());
        }
    }

    /** This test's page to {@code number} by voice (its incident's). */
    private org.pagerline.core.page.Page voicePageTo(String number) {
        return lab.services().incidents().show(incident).pages().stream()
                .filter(p -> p.channel() == org.pagerline.core.page.Channel.VOICE && number.equals(p.to())).findFirst()
                .orElseThrow(() -> new AssertionError("no voice page to " + number + ":\n" + lab.timelineText(me)));
    }

    /** The last sound a paging call's commands ({@link #pagingCallThatRan}) played ("" for none). */
    private static String lastPlayed(List<String> ran) {
        List<String> plays = ran.stream().filter(c -> c.contains("STREAM FILE") || c.contains("Playback")).toList();
        return plays.isEmpty() ? "" : plays.get(plays.size() - 1);
    }

    /** The AGI commands Asterisk ran on one paging call of this test's: the first to reach {@code command}. */
    private List<String> pagingCallThatRan(String command) {
        String channel = mine().stream().filter(e -> "pagerline-page".equals(e.get("Context"))
                && e.getOrDefault("Command", "").contains(command)).map(e -> e.get("Channel")).findFirst()
                .orElseThrow(() -> new AssertionError("no paging call ran " + command + ": " + mine()));
        return mine().stream().filter(e -> channel.equals(e.get("Channel"))).map(e -> e.getOrDefault("Command", "")).toList();
    }

    @Test
    void aPagingCallAnsweredWithoutAKeyIsNotTakenAndEndsAfterThreePlays() throws Exception {
        // what PagingCallScriptTest.noKeyAfterTheMessageAndTwoRepeatsEndsTheCallWithoutAnAcknowledgement holds
        // with the fake: an answering machine, or a technician who answers asleep. Here each silence is
        // Asterisk's own GET DATA timing out. Sam has no phone: the carrier answers busy.
        try (var pat = pagePhone(new Sipp.Phone(AsteriskLab.PAT).answerAfter(ofSeconds(1)).thenWaitAtMost(ofSeconds(150)))) {
            Incident opened = urgentMessage(me);
            pat.awaitSuccess(ofSeconds(180));

            assertTrue(pat.event("far-end-hung-up").isPresent(), "pagerline ended the silent call: " + pat.events());
            List<String> ran = pagingCallThatRan("pagerline/page-menu");
            assertEquals(3, ran.stream().filter(c -> c.startsWith("GET DATA") && c.contains("pagerline/page-menu")).count(),
                    "the menu asked three times: " + ran);
            assertTrue(lastPlayed(ran).contains("vm-goodbye"), "goodbye last: " + ran);
            Eventually.await(Duration.ofSeconds(20), "Pat's attempt reported as answered without a key",
                    () -> String.valueOf(voicePageTo(AsteriskLab.PAT).lastError()).contains("answered, no key pressed after 3 plays"));
            Incident i = incident();
            assertEquals(IncidentState.OPEN, i.state(), "a call nobody keyed is not an acknowledgement:\n" + lab.timelineText(me));
            assertEquals(null, i.ownerName());
            assertFalse(lab.timelineText(me).contains("acknowledged incident " + opened.id()), lab.timelineText(me));
        }
    }

    @Test
    void aPageTakenElsewhereWhileTheMenuWaitsEndsTheCallInsteadOfAskingAgain() throws Exception {
        // what PagingCallScriptTest.aPageTakenElsewhereWhileTheMenuWaitsEndsTheCallInsteadOfRepeating holds with
        // the fake: Sam takes the incident (from the command line) the moment Asterisk starts the menu's
        // GET DATA on Pat's silent paging call; when that wait ends, Pat is told and the call ends.
        java.util.concurrent.atomic.AtomicBoolean taken = new java.util.concurrent.atomic.AtomicBoolean();
        Consumer<Map<String, String>> takeAtTheMenu = e -> {
            if ("AGIExecStart".equals(e.get("Event")) && e.getOrDefault("Command", "").contains("pagerline/page-menu")
                    && lab.pagingChannelsOf(me).contains(e.get("Channel")) && taken.compareAndSet(false, true)) {
                new Thread(() -> {   // off the AMI reader
                    long ticket = lab.ticketOf(me).id();
                    lab.incidentsOf(ticket).stream().findFirst()
                            .ifPresent(i -> lab.services().incidents().acknowledge(i.id(), "Sam Lab", "the command line"));
                }, "take-at-the-menu").start();
            }
        };
        lab.onEvent(takeAtTheMenu);
        try (var pat = pagePhone(new Sipp.Phone(AsteriskLab.PAT).answerAfter(ofSeconds(1)).thenWaitAtMost(ofSeconds(90)))) {
            Incident opened = urgentMessage(me);
            pat.awaitSuccess(ofSeconds(120));

            assertTrue(taken.get(), "Pat's call reached the menu: " + mine());
            assertTrue(pat.event("far-end-hung-up").isPresent(), "pagerline ended Pat's call: " + pat.events());
            List<String> ran = pagingCallThatRan("pagerline/page-menu");
            assertEquals(1, ran.stream().filter(c -> c.startsWith("GET DATA") && c.contains("pagerline/page-menu")).count(),
                    "not asked again once taken: " + ran);
            assertTrue(lastPlayed(ran).contains("pagerline/page-taken"), "told it was taken: " + ran);
            Incident i = incident();
            assertEquals(IncidentState.ACKNOWLEDGED, i.state(), lab.timelineText(me));
            assertEquals("Sam Lab", i.ownerName(), lab.timelineText(me));
            assertFalse(lab.timelineText(me).contains("Pat Lab acknowledged incident " + opened.id()), lab.timelineText(me));
        } finally {
            lab.removeEventListener(takeAtTheMenu);
        }
    }

    @Test
    void aTechnicianWhoHangsUpAfterStarHasNotTakenThePageAndTheOtherStillCan() throws Exception {
        // what PagingCallScriptTest.aHangUpAfterStarButWithoutTakingThePageIsAFailedAttempt and
        // aHangUpMidMessageEndsTheScriptQuietlyAndTheListenerServesTheNextCall hold with the fake: Pat starts
        // the page again and hangs up in the middle of it (Asterisk answers the playing STREAM FILE with
        // result=-1, then HANGUP); Sam, still listening, takes it by key 4 some seconds later (18 s after
        // answering: the two paging calls are answered seconds apart on a busy machine).
        try (var pat = pagePhone(new Sipp.Phone(AsteriskLab.PAT).answerAfter(ofSeconds(1)).pause(ofSeconds(2)).press("*")
                        .pause(ofSeconds(4)).hangUp().thenWaitAtMost(ofSeconds(10)));
                var sam = pagePhone(new Sipp.Phone(AsteriskLab.SAM).answerAfter(ofSeconds(1)).pause(ofSeconds(18)).press("4")
                        .thenWaitAtMost(ofSeconds(40)))) {
            Incident opened = urgentMessage(me);
            pat.awaitSuccess(ofSeconds(90));
            sam.awaitSuccess(ofSeconds(90));

            assertTrue(pat.event("hung-up").orElseThrow().isBefore(sam.event("key-4").orElseThrow()),
                    "Pat hung up before Sam's key: " + pat.events() + " " + sam.events());
            // only Pat pressed star: one paging call played the intro twice
            assertTrue(mine().stream().filter(e -> e.getOrDefault("Command", "").contains("pagerline/page-intro"))
                    .collect(java.util.stream.Collectors.groupingBy(e -> e.get("Channel"), java.util.stream.Collectors.counting()))
                    .values().stream().anyMatch(n -> n >= 2), "star started the page again: " + mine());
            Eventually.await(Duration.ofSeconds(20), "Pat's attempt reported as hung up without a key",
                    () -> String.valueOf(voicePageTo(AsteriskLab.PAT).lastError()).contains("answered, hung up without a key"));
            String story = lab.timelineText(me);
            assertEquals(IncidentState.ACKNOWLEDGED, incident().state(), story);
            assertEquals("Sam Lab", incident().ownerName(), story);
            assertTrue(story.contains("Sam Lab acknowledged incident " + opened.id() + " by key 4"), story);
            assertFalse(story.contains("Pat Lab acknowledged"), story);
        }
    }

    @Test
    void aTeamLeadWithTextsOffWhoTookTheIncidentHearsTheCallersNewMessageAsANoticeAndKey4OnlySaysHeard() throws Exception {
        // Lee (team lead) has texted STOP and takes the incident from the command line; the caller calls
        // again and leaves another message. The notice reaches Lee by a call, which says what it is (no
        // urgent page's menu, no "another technician has already taken this page": before notices were
        // named that is what it played, Lee being the owner of an acknowledged incident), plays the new
        // message and the call-back number, and takes Lee's 4 as "heard", changing nothing. No other lab
        // test pages Lee; Lee's texts are back on at the end.
        lab.services().paging().onSmsReply(AsteriskLab.LEE, org.pagerline.core.page.SmsCommand.parse("STOP"));
        // Lee's key comes once the new message (3 s) has played: about 12 s after the answer
        try (var lee = pagePhone(new Sipp.Phone(AsteriskLab.LEE).answerAfter(ofSeconds(1)).pause(ofSeconds(16)).press("4")
                .pause(ofSeconds(1)).thenWaitAtMost(ofSeconds(60)))) {
            Incident opened = urgentMessage(me, ofSeconds(3));
            assertTrue(lab.services().incidents().acknowledge(opened.id(), "Lee Lab").changed(), lab.timelineText(me));
            try (var ring = lab.phone(new Sipp.Phone(AsteriskLab.PAT).neverAnswer().thenWaitAtMost(ofSeconds(30)), me);
                    var again = lab.call(Sipp.Caller.urgentMessage(me, "2", ofSeconds(3)))) {
                again.awaitSuccess(ofSeconds(120));
            }
            lee.awaitSuccess(ofSeconds(120));

            assertTrue(lee.event("key-4").isPresent(), "Lee's phone rang and pressed 4: " + lee.events());
            Incident i = incident();
            assertFalse(i.recording().equals(opened.recording()), "the incident has the new message: " + i);
            for (String heard : List.of("pagerline/notice-intro", "pagerline/notice-another-message", i.recording())) {
                assertTrue(played(heard) >= 1, "Lee heard " + heard + ": " + mine());
            }
            for (String page : List.of("pagerline/page-intro", "pagerline/page-taken", "pagerline/page-acknowledged")) {
                assertEquals(0L, played(page), "a notice is not a page: " + mine());
            }
            Page told = lab.services().incidents().show(i.id()).pages().stream()
                    .filter(p -> p.to().equals(AsteriskLab.LEE) && p.notice() == Notice.ANOTHER_MESSAGE).findFirst()
                    .orElseThrow(() -> new AssertionError(lab.timelineText(me)));
            assertEquals(org.pagerline.core.page.Channel.VOICE, told.channel());
            Eventually.await(ofSeconds(20), "Lee's notice delivered by key 4", () -> lab.services().incidents().show(i.id())
                    .pages().stream().anyMatch(p -> p.id() == told.id() && p.state() == PageState.DELIVERED));
            assertEquals(IncidentState.ACKNOWLEDGED, incident().state(), lab.timelineText(me));
            assertEquals("Lee Lab", incident().ownerName(), "key 4 on a notice takes nothing");
        } finally {
            lab.services().paging().onSmsReply(AsteriskLab.LEE, org.pagerline.core.page.SmsCommand.parse("START"));
        }
    }

    @Test
    void aCallBackTheTechnicianEndsByHangingUpAfterTwentySecondsIsTheCallBack() throws Exception {
        // what PagingCallScriptTest.aCallBackTheTechnicianEndsByHangingUpCountsOnlyWhenTheyWereConnectedAtLeast20Seconds
        // holds with the fake: the length is timed from the caller's answer (Dial's U() hook), read on the
        // technician's channel after they hung up. Pat keys 1 at the menu and talks about 25 s.
        try (var pat = pagePhone(new Sipp.Phone(AsteriskLab.PAT).answerAfter(ofSeconds(1)).pause(ofSeconds(22)).press("1")
                        .pause(ofSeconds(30)).hangUp().thenWaitAtMost(ofSeconds(10)));
                var caller = lab.phone(new Sipp.Phone(me).answerAfter(ofSeconds(1)).thenWaitAtMost(ofSeconds(90)),
                        AsteriskLab.DESK_NUMBER)) {
            Incident opened = urgentMessage(me);
            pat.awaitSuccess(ofSeconds(120));
            caller.awaitSuccess(ofSeconds(120));

            long bridged = Duration.between(caller.event("answered").orElseThrow(() -> new AssertionError("the caller's phone: "
                    + caller.events())), pat.event("hung-up").orElseThrow()).toSeconds();
            assertTrue(bridged >= 20, "the call-back lasted " + bridged + " s: the test's own timing");
            Eventually.await(Duration.ofSeconds(10), "the call-back on the incident", () -> incident().state() == IncidentState.CALLED_BACK);
            String story = lab.timelineText(me);
            Matcher m = Pattern.compile("CALLED_BACK Pat Lab called the caller back \\(connected to the caller from the paging call:"
                    + " DIALSTATUS ANSWER, connected (\\d+) s, the technician hung up\\)").matcher(story);
            assertTrue(m.find(), story);
            assertTrue(Math.abs(Long.parseLong(m.group(1)) - bridged) <= 2, "measured " + m.group(1) + " s, phones say "
                    + bridged + " s:\n" + story);
            assertFalse(story.contains("CALLBACK_NOT_CONNECTED"), story);
            assertTrue(story.contains("Pat Lab acknowledged incident " + opened.id() + " by key 1"), story);
        }
    }

    @Test
    void aCallBackTheCallerEndsIsTheCallBackOnceTheTechnicianPressesOneForSpokeWithThem() throws Exception {
        // the usual end of a call-back: the caller hangs up first, Dial (g) gives the technician's channel
        // back to the script, which asks "If you spoke with the caller, press 1" (GET DATA, 8 s). Pat's
        // phone keys on a timer: 1 at the menu, then 1 twice about 15 and 19 s later, inside that
        // question's window whichever way the call-back's set-up falls (the caller hangs up 10 s after
        // answering). What PagingCallScriptTest.key1TakesThePage... holds with the fake.
        try (var pat = pagePhone(new Sipp.Phone(AsteriskLab.PAT).answerAfter(ofSeconds(1)).pause(ofSeconds(22)).press("1")
                        .pause(ofSeconds(15)).press("1").pause(ofSeconds(4)).press("1").thenWaitAtMost(ofSeconds(30)));
                var caller = lab.phone(new Sipp.Phone(me).answerAfter(ofSeconds(1)).pause(ofSeconds(10)).hangUp()
                        .thenWaitAtMost(ofSeconds(10)), AsteriskLab.DESK_NUMBER)) {
            Incident opened = urgentMessage(me);
            pat.awaitSuccess(ofSeconds(120));
            caller.awaitSuccess(ofSeconds(120));

            List<String> ran = pagingCallThatRan("pagerline/page-spoke");
            assertTrue(ran.stream().anyMatch(c -> c.startsWith("GET DATA") && c.contains("pagerline/page-spoke")), ran.toString());
            Eventually.await(Duration.ofSeconds(10), "the call-back on the incident", () -> incident().state() == IncidentState.CALLED_BACK);
            String story = lab.timelineText(me);
            assertTrue(story.contains("Pat Lab acknowledged incident " + opened.id() + " by key 1"), story);
            assertTrue(story.contains("CALLED_BACK Pat Lab called the caller back (connected to the caller from the paging call:"
                    + " DIALSTATUS ANSWER, the technician pressed 1: spoke with the caller)"), story);
            assertFalse(story.contains("CALLBACK_NOT_CONNECTED"), story);
        }
    }

    @Test
    void aCallBackTheCallerDoesNotAnswerIsNotTheCallBackAndTheTechnicianIsToldTheIncidentIsStillTheirs() throws Exception {
        // what PagingCallScriptTest.aCallBackTheCallerDoesNotAnswerIsNotACallBack... holds with the fake: the
        // caller has no phone here, so the carrier answers busy
        try (var pat = pagePhone(new Sipp.Phone(AsteriskLab.PAT).answerAfter(ofSeconds(1)).pause(ofSeconds(22)).press("1")
                .thenWaitAtMost(ofSeconds(60)))) {
            Incident opened = urgentMessage(me);
            pat.awaitSuccess(ofSeconds(120));

            assertTrue(pat.event("far-end-hung-up").isPresent(), "pagerline ended Pat's call: " + pat.events());
            List<String> ran = pagingCallThatRan("Dial");
            assertTrue(lastPlayed(ran).contains("pagerline/page-not-reached"),
                    "told the caller was not reached, last: " + ran);
            Eventually.await(Duration.ofSeconds(10), "the failed call-back on the ticket",
                    () -> lab.timelineText(me).contains("DIALSTATUS BUSY"));
            Incident i = incident();
            assertEquals(IncidentState.ACKNOWLEDGED, i.state(), "still Pat's, not called back:\n" + lab.timelineText(me));
            assertEquals("Pat Lab", i.ownerName());
            assertTrue(lab.timelineText(me).contains("Pat Lab acknowledged incident " + opened.id() + " by key 1"),
                    lab.timelineText(me));
        }
    }

    @Test
    void anUrgentCallerWhoHangsUpBeforeTheMessageIsPagedWithWordsThatSaySo() throws Exception {
        // the caller hangs up when asked to confirm the call-back number (before the tone)
        lab.onEvent(e -> {
            if ("AGIExecStart".equals(e.get("Event")) && me.equals(e.get("CallerIDNum"))
                    && e.getOrDefault("Command", "").contains("pagerline/callback-confirm")) {
                try {
                    lab.ami.send(Map.of("Action", "Hangup", "Channel", e.get("Channel")));
                } catch (IOException ex) {
                    throw new java.io.UncheckedIOException(ex);
                }
            }
        });
        try (var ring = lab.phone(new Sipp.Phone(AsteriskLab.PAT).neverAnswer().thenWaitAtMost(ofSeconds(30)), me);
                var call = lab.call(new Sipp.Caller(me).when("urgent-or-not").press("1").when("priority").press("2")
                        .thenWaitAtMost(ofSeconds(60)))) {
            call.awaitSuccess(ofSeconds(90));
        }
        long ticket = lab.ticketOf(me).id();
        Eventually.await(Duration.ofSeconds(20), "the SMS pages of the incident", () -> lab.services().incidents()
                .list(500, false).stream().filter(i -> i.ticketId() == ticket).findFirst()
                .map(i -> lab.services().incidents().show(i.id()).pages().stream()
                        .anyMatch(p -> p.channel() == org.pagerline.core.page.Channel.SMS)).orElse(false));
        Incident i = lab.incidentsOf(ticket).stream().findFirst()
                .orElseThrow();
        incident = i.id();
        assertEquals(null, i.recording(), lab.timelineText(me));
        for (var p : lab.services().incidents().show(i.id()).pages()) {
            if (p.channel() == org.pagerline.core.page.Channel.SMS) {
                assertFalse(p.text().contains("left an urgent message"), p.text());
                assertTrue(p.text().contains("hung up before leaving a message"), p.text());
            }
        }
    }

    @Test
    void aPageWhoseRecordingIsGoneFromThePbxStillReachesTheMenuAndKey4() throws Exception {
        // what PagingCallScriptTest.aRecordingAsteriskCannotPlayDoesNotEndThePage holds with the fake
        // Pat answers late enough for the recording to be deleted first (a clean-up job, a full disk...)
        try (var pat = pagePhone(new Sipp.Phone(AsteriskLab.PAT).answerAfter(ofSeconds(25)).pause(ofSeconds(10)).press("4")
                .thenWaitAtMost(ofSeconds(40)))) {
            Incident opened = urgentMessage(me);
            Files.delete(Path.of(opened.recording() + ".wav"));
            pat.awaitSuccess(ofSeconds(120));

            assertEquals(IncidentState.ACKNOWLEDGED, incident().state(), lab.timelineText(me));
            assertEquals("Pat Lab", incident().ownerName());
            // Asterisk answers STREAM FILE of the missing file with result=-1 and carries on (res_agi only
            // marks AGISTATUS FAILURE for the end): the page goes on to the menu, as PageCallPeer plays it
            assertEquals(0, played("pagerline/page-unavailable"), "the paging call did not fail: " + mine());
        }
    }
}

package org.pagerline.boot;

import static java.time.Duration.ofSeconds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.pagerline.core.call.CallOutcome;
import org.pagerline.core.incident.Incident;
import org.pagerline.core.ticket.Ticket;

/** Messages left on the support line through a real Asterisk 22. */
@Tag("asterisk")
@Execution(ExecutionMode.CONCURRENT)
class MessagesAsteriskIT {

    @Test
    @ResourceLock(value = AsteriskLab.DESK, mode = ResourceAccessMode.READ)
    void afterHoursTheCallerHearsTheHoursAndLeavesAMessageForTheNextBusinessDay() throws Exception {
        AsteriskLab lab = AsteriskLab.get();
        String me = lab.newCaller();
        try (var call = lab.call(new Sipp.Caller(me).when("urgent-or-not").press("2")
                .when("after-hours-menu").press("1")
                .when("callback-confirm").press("1")
                .when("record").talk(ofSeconds(4)).press("#"))) {
            call.awaitSuccess(ofSeconds(120));
            assertEquals("MESSAGE", lab.resultAtHangup(me));
            assertFalse(lab.reachedFallback(me));
            String timeline = lab.timelineText(me);
            assertTrue(timeline.contains("HOURS_READ desk closed; hours read out"), timeline);
            assertTrue(timeline.contains("MESSAGE_CHOSEN leaves a message for the next business day"), timeline);
            Ticket t = lab.ticketOf(me);
            var record = lab.services().calls().callsOf(t.id()).get(0);
            assertEquals(CallOutcome.MESSAGE, record.outcome(), timeline);
            assertTrue(Files.size(Path.of(record.recording() + ".wav")) > 8000 * 2 * 2, "the message was recorded");
            // RECORD FILE's reply as Asterisk gave it: the length of what the caller said (4 s, then #)
            long seconds = recordedSeconds(timeline);
            assertTrue(seconds >= 3 && seconds <= 5, "recorded " + seconds + " s:\n" + timeline);
            // the node mark, the script's first command: the dialplan saw which node served the call
            assertEquals("127.0.0.1:" + lab.env.get("AGI_PORT"), lab.nodeAtHangup(me));
        }
    }

    @Test
    @ResourceLock(value = AsteriskLab.DESK, mode = ResourceAccessMode.READ)
    void aMessageLongerThanTheLinesReplyLimitIsRecordedWhole() throws Exception {
        AsteriskLab lab = AsteriskLab.get();
        String me = lab.newCaller();
        // RECORD FILE waits for the caller as long as they talk: the watchdog gives it the recording's
        // own limit on top of agi.reply-timeout, or it would close the connection mid-message. The
        // lab's speech is 7 s a time (then silence, and 8 s of silence ends a recording): twice, 14 s
        java.time.Duration speech = ofSeconds(7);
        try (var call = lab.call(new Sipp.Caller(me).when("urgent-or-not").press("2")
                .when("after-hours-menu").press("1")
                .when("callback-confirm").press("1")
                .when("record").talk(speech).talk(speech).press("#"))) {
            call.awaitSuccess(ofSeconds(120));
            String timeline = lab.timelineText(me);
            assertEquals("MESSAGE", lab.resultAtHangup(me), timeline);
            assertFalse(lab.reachedFallback(me), timeline);
            // the length Asterisk gave in RECORD FILE's reply: one command that outlasted the reply limit
            long seconds = recordedSeconds(timeline);
            assertTrue(seconds > AsteriskLab.REPLY_TIMEOUT.toSeconds() && seconds <= 2 * speech.toSeconds() + 1,
                    "recorded " + seconds + " s of " + 2 * speech.toSeconds() + ":\n" + timeline);
        }
    }

    @Test
    @ResourceLock(value = AsteriskLab.DESK, mode = ResourceAccessMode.READ)
    void aCallersNameOutsideAsciiReachesTheirTicketAsTheirPhoneSentIt() throws Exception {
        AsteriskLab lab = AsteriskLab.get();
        String me = lab.newStranger(); // not in the directory: the ticket takes the caller ID's name
        // the AGI environment's bytes are UTF-8: pagerline's FastAGI connection decodes them itself
        String name = "Zoë Ødegård-Łukasz";
        try (var call = lab.call(new Sipp.Caller(me).name(name).when("urgent-or-not").press("2")
                .when("after-hours-menu").press("1")
                .when("callback-confirm").press("1")
                .when("record").talk(ofSeconds(2)).press("#"))) {
            call.awaitSuccess(ofSeconds(120));
            String timeline = lab.timelineText(me);
            assertEquals("MESSAGE", lab.resultAtHangup(me), timeline);
            assertEquals(name, lab.ticketOf(me).callerName(), timeline);
            assertTrue(timeline.contains("caller ID name " + name), timeline);
        }
    }

    /** The message's length on the timeline: what RECORD FILE's reply said (endpos / 8000). */
    private static long recordedSeconds(String timeline) {
        java.util.regex.Matcher length = java.util.regex.Pattern.compile("VOICEMAIL .* \\((\\d+) s").matcher(timeline);
        assertTrue(length.find(), timeline);
        return Long.parseLong(length.group(1));
    }

    @Test
    void anUrgentCallerCanKeyInAnotherCallBackNumber() throws Exception {
        AsteriskLab lab = AsteriskLab.get();
        String me = lab.newCaller();
        try (var pat = lab.phone(new Sipp.Phone(AsteriskLab.PAT).neverAnswer(), me);
                var call = lab.call(new Sipp.Caller(me).when("urgent-or-not").press("1")
                        .when("priority").press("3")
                        .when("callback-confirm").press("2")
                        .when("callback-enter").press("2045550177#")
                        .when("callback-confirm").press("1")
                        .when("record").talk(ofSeconds(3)).press("#"))) {
            call.awaitSuccess(ofSeconds(150));
            assertEquals("VOICEMAIL", lab.resultAtHangup(me));
            Ticket t = lab.ticketOf(me);
            Incident i = lab.incidentsOf(t.id()).stream().findFirst()
                    .orElseThrow(() -> new AssertionError("no incident:\n" + lab.timelineText(me)));
            assertEquals("+12045550177", i.callbackNumber(), lab.timelineText(me));
        }
    }

    @Test
    void anUrgentCallerWhoHangsUpInsteadOfPressingHashHasTheirMessageKeptAndPaged() throws Exception {
        // Most callers end a message by hanging up, not with #: Asterisk then answers RECORD FILE with
        // result=-1 (hangup) and keeps the file. What SupportLineHangupAndGarbageTest holds with the fake
        // ("recording" row). Nobody has a phone for Pat here: the carrier answers busy.
        AsteriskLab lab = AsteriskLab.get();
        String me = lab.newCaller();
        try (var call = lab.call(new Sipp.Caller(me).when("urgent-or-not").press("1")
                .when("priority").press("1")
                .when("callback-confirm").press("1")
                .when("record").talk(ofSeconds(5)).hangUp())) {
            call.awaitSuccess(ofSeconds(150));
        }
        Ticket t = lab.ticketOf(me);
        var record = lab.endedCallsOf(t.id()).get(0);
        String timeline = lab.timelineText(me);
        assertEquals(CallOutcome.URGENT_VOICEMAIL, record.outcome(), timeline);
        Incident i = lab.incidentsOf(t.id()).stream().findFirst()
                .orElseThrow(() -> new AssertionError("no incident:\n" + timeline));
        try {
            assertEquals(record.recording(), i.recording(), "the incident pages with the caller's words:\n" + timeline);
            assertTrue(Files.size(Path.of(i.recording() + ".wav")) > 8000 * 2 * 2, "the message was recorded:\n" + timeline);
            long seconds = recordedSeconds(timeline);
            assertTrue(seconds >= 4 && seconds <= 6, "recorded " + seconds + " s:\n" + timeline);
            org.pagerline.testkit.Eventually.await(java.time.Duration.ofSeconds(20), "the incident's pages",
                    () -> !lab.services().incidents().show(i.id()).pages().isEmpty());
        } finally {
            lab.resolveIncidentsOf(me);
        }
    }

    @Test
    void anUrgentCallerWhoHangsUpDuringTheToneIsPagedWithoutAMessageAndTheirPageIsTaken() throws Exception {
        // Asterisk 22 opens the file only once RECORD FILE's beep has played: a hang-up during the beep
        // is answered "200 result=-1 (randomerror) endpos=0" and no file exists. The caller left no
        // message; they are paged all the same (urgent, a priority chosen), with none. Pat listens past
        // where a message would play, then takes the page. What NothingRecordedAtTheToneTest holds
        // with the fake.
        AsteriskLab lab = AsteriskLab.get();
        String me = lab.newCaller();
        try (var pat = lab.pagePhone(new Sipp.Phone(AsteriskLab.PAT).answerAfter(ofSeconds(1)).pause(ofSeconds(15))
                        .press("4").thenWaitAtMost(ofSeconds(40)), me)) {
            try (var call = lab.call(new Sipp.Caller(me).when("urgent-or-not").press("1")
                    .when("priority").press("1")
                    .when("callback-confirm").press("1")
                    .when("record").hangUp())) {
                call.awaitSuccess(ofSeconds(150));
            }
            Ticket t = lab.ticketOf(me);
            var record = lab.endedCallsOf(t.id()).get(0);
            String timeline = lab.timelineText(me);
            Incident i = lab.incidentsOf(t.id()).stream().findFirst()
                    .orElseThrow(() -> new AssertionError("no incident:\n" + timeline));
            try {
                assertEquals(CallOutcome.HUNG_UP, record.outcome(), timeline);
                assertEquals(null, record.recording(), timeline);
                assertFalse(timeline.contains("VOICEMAIL "), "no message is claimed:\n" + timeline);
                assertTrue(timeline.contains("NOTHING_RECORDED the caller hung up during the tone, before the recording"
                        + " began"), timeline);
                assertTrue(timeline.contains("NO_MESSAGE urgent caller hung up before leaving a message; paging anyway"
                        + " with no recording"), timeline);
                assertEquals(null, i.recording(), "paged with no recording:\n" + timeline);
                assertFalse(lab.reachedFallback(me));
                pat.awaitSuccess(ofSeconds(90));
                var shown = lab.services().incidents().show(i.id());
                assertEquals("Pat Lab", shown.incident().ownerName(), lab.timelineText(me));
                var voice = shown.pages().stream().filter(p -> p.channel() == org.pagerline.core.page.Channel.VOICE).toList();
                assertFalse(voice.isEmpty(), shown.pages().toString());
                assertTrue(voice.stream().allMatch(p -> p.text().endsWith("No message was left.")), voice.toString());
            } finally {
                lab.resolveIncidentsOf(me);
            }
        }
    }

    @Test
    void aCallerWhosePoundCutsTheToneShortIsAskedAgainAndTheirMessageIsKept() throws Exception {
        // # during RECORD FILE's beep: Asterisk answers "200 result=35 (randomerror) endpos=0" and
        // writes no file, the caller still on the line. They are asked again and leave their message.
        AsteriskLab lab = AsteriskLab.get();
        String me = lab.newCaller();
        try (var call = lab.call(new Sipp.Caller(me).when("urgent-or-not").press("1")
                .when("priority").press("2")
                .when("callback-confirm").press("1")
                .when("record").press("#")
                .when("record").talk(ofSeconds(4)).press("#"))) {
            call.awaitSuccess(ofSeconds(150));
        }
        Ticket t = lab.ticketOf(me);
        var record = lab.endedCallsOf(t.id()).get(0);
        String timeline = lab.timelineText(me);
        try {
            assertEquals(CallOutcome.URGENT_VOICEMAIL, record.outcome(), timeline);
            assertTrue(timeline.contains("NOTHING_RECORDED the caller pressed # during the tone, before the recording"
                    + " began"), timeline);
            assertEquals(2, lab.steps(me).stream().filter(s -> s.what().startsWith("agi RECORD FILE")).count(),
                    AsteriskLab.shown(lab.steps(me)));
            assertTrue(Files.size(Path.of(record.recording() + ".wav")) > 8000 * 2 * 2, "the second try was recorded");
            Incident i = lab.incidentsOf(t.id()).stream().findFirst()
                    .orElseThrow(() -> new AssertionError("no incident:\n" + timeline));
            assertEquals(record.recording(), i.recording(), timeline);
            assertEquals("VOICEMAIL", lab.resultAtHangup(me));
        } finally {
            lab.resolveIncidentsOf(me);
        }
    }
}

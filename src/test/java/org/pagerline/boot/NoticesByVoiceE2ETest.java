package org.pagerline.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pagerline.boot.E2eServer.CALLER;
import static org.pagerline.boot.E2eServer.LEE;
import static org.pagerline.boot.E2eServer.PAT;
import static org.pagerline.boot.E2eServer.SAM;
import static org.pagerline.boot.E2eServer.VAL;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.pagerline.core.incident.Incident;
import org.pagerline.core.incident.IncidentState;
import org.pagerline.core.page.Channel;
import org.pagerline.core.page.Notice;
import org.pagerline.core.page.Page;
import org.pagerline.core.page.PageKind;
import org.pagerline.core.page.PageState;
import org.pagerline.testkit.Eventually;
import org.pagerline.testkit.FakePhone;
import org.pagerline.testkit.PageCallPeer;

/**
 * A notice that goes by voice (the phone texted STOP) says what it is: a late call-back to the team
 * lead is told as a late call-back, not played as an urgent page to take, nor cut short as "another
 * technician has already taken this page" because Pat took the incident. Through the whole server:
 * the engine's notice, the AMI Originate (fake AMI) or Twilio's call (fake Twilio), and the paging
 * call's script or TwiML.
 */
@Timeout(30)
class NoticesByVoiceE2ETest {
    @TempDir
    Path dir;

    /** An urgent voicemail that Pat takes by SMS; Lee (team lead) has texted STOP. Returns the incident. */
    private static Incident takenByPatWithLeesTextsOff(E2eServer e) {
        assertTrue(e.phone(LEE).reply("STOP").contains("no more texts"));
        long ticket = E2eServer.ticketOf(e.urgentVoicemail());
        long n = e.incidentOn(ticket).id();
        e.phone(PAT).expectSms("Reply " + n + "a");
        e.phone(SAM).expectSms("Reply " + n + "a");
        assertTrue(e.phone(PAT).reply(n + "a").contains("is yours"));
        e.phone(SAM).expectSms("Pat took incident " + n);
        return e.incident(n);
    }

    /**
     * On Asterisk: 30 minutes after Pat took the incident the call-back is late; the others are
     * texted, and Lee's notice goes by voice. Returns that notice.
     */
    private static Page lateNoticeToLee(E2eServer e, Incident taken) {
        e.after(Duration.ofMinutes(30));
        for (String to : List.of(PAT, SAM, VAL)) {
            e.phone(to).expectSms("LATE ticket " + taken.ticketId());
        }
        return leesLateNotice(e, taken.id());
    }

    /** The voice notice the engine wrote to Lee when the call-back promise ran out. */
    private static Page leesLateNotice(E2eServer e, long incident) {
        List<Page> lee = e.pages(incident).stream().filter(p -> p.to().equals(LEE)).toList();
        assertEquals(1, lee.size(), lee.toString());
        Page p = lee.get(0);
        assertEquals(Channel.VOICE, p.channel(), "Lee's phone opted out of texts");
        assertEquals(PageKind.NOTICE, p.kind());
        assertEquals(Notice.CALLBACK_LATE, p.notice());
        return p;
    }

    @Test
    void aTeamLeadWithTextsOffHearsTheLateCallBackAsALateCallBackAndKey4OnlySaysHeard() throws Exception {
        try (E2eServer e = E2eServer.start(dir, E2eServer.Voice.ASTERISK)) {
            Incident taken = takenByPatWithLeesTextsOff(e);
            long n = taken.id();
            Page notice = lateNoticeToLee(e, taken);
            Eventually.await(Duration.ofSeconds(5), "the call to Lee handed to Asterisk",
                    () -> e.ami.actions("Originate").stream().anyMatch(a -> a.get("Channel").equals("PJSIP/12045550103@trunk")));

            List<String> said = new PageCallPeer(e.agiPort).variable("PAGERLINE_PAGE_ID", Long.toString(notice.id()))
                    .atPrompt("pagerline/notice-menu", "4").call();

            // what it is, which ticket, what is late, and whom to call, in that order; then "press 4 if you heard it"
            List<String> expected = List.of("STREAM FILE \"pagerline/notice-intro\" \"4*\"",
                    "SAY NUMBER \"" + taken.ticketId() + "\" \"4*\"",
                    "STREAM FILE \"pagerline/notice-callback-late\" \"4*\"",
                    "STREAM FILE \"pagerline/notice-callback-number\" \"4*\"",
                    "SAY DIGITS \"" + CALLER.substring(1) + "\" \"4*\"",
                    "GET DATA \"pagerline/notice-menu\" 6000 1");
            assertEquals(expected, said.stream().filter(c -> expected.contains(c)).distinct().toList(), said.toString());
            assertTrue(said.indexOf(expected.get(0)) < said.indexOf(expected.get(5)), said.toString());
            for (String page : List.of("pagerline/page-intro", "pagerline/page-menu", "pagerline/page-taken",
                    "pagerline/page-acknowledged")) {
                assertFalse(said.stream().anyMatch(c -> c.contains(page)), "a notice is not a page: " + said);
            }
            assertTrue(said.contains("STREAM FILE \"vm-goodbye\" \"\""), said.toString());

            // heard: delivered, and the incident is still Pat's (key 4 took nothing)
            assertEquals(PageState.DELIVERED, e.pages(n).stream().filter(p -> p.id() == notice.id()).findFirst()
                    .orElseThrow().state());
            Incident after = e.incident(n);
            assertEquals(IncidentState.ACKNOWLEDGED, after.state());
            assertEquals("Pat", after.ownerName());
            String story = E2eServer.timeline(e.ticket(taken.ticketId()));
            assertTrue(story.contains("call to Lee (" + LEE + ") answered"), story);
            assertFalse(story.contains("Lee acknowledged"), story);
        }
    }

    @Test
    void aLateCallBackNoticeAnsweredAfterTheCallerWasCalledBackSaysItIsNoLongerNeeded() throws Exception {
        try (E2eServer e = E2eServer.start(dir, E2eServer.Voice.ASTERISK)) {
            Incident taken = takenByPatWithLeesTextsOff(e);
            long n = taken.id();
            Page notice = lateNoticeToLee(e, taken);

            // Lee's phone rings while Pat calls the caller back and says so
            assertTrue(e.phone(PAT).reply(n + "c").contains("recorded"));
            List<String> said = new PageCallPeer(e.agiPort).variable("PAGERLINE_PAGE_ID", Long.toString(notice.id()))
                    .atPrompt("pagerline/notice-menu", "4").call();

            assertTrue(said.contains("STREAM FILE \"pagerline/notice-gone\" \"\""), said.toString());
            assertFalse(said.stream().anyMatch(c -> c.contains("notice-callback-late") || c.startsWith("GET DATA")),
                    "nothing of the lateness, no key asked: " + said);
            assertEquals(IncidentState.CALLED_BACK, e.incident(n).state());
        }
    }

    /**
     * On Twilio: Lee texts STOP, Pat takes Jane's incident, and 30 minutes on the call-back is late:
     * the others are texted, Lee's phone is called (taken off the fake Twilio). Returns the incident.
     */
    private static long lateCallBackCallingLeeOnTwilio(E2eServer e) {
        assertTrue(e.phone(LEE).reply("STOP").contains("no more texts"));
        long n = e.urgentVoicemailPagingPatAndSam();
        long ticket = e.incident(n).ticketId();
        assertTrue(e.phone(PAT).reply(n + "a").contains("is yours"));
        e.phone(SAM).expectSms("Pat took incident " + n);
        e.after(Duration.ofMinutes(30));
        for (String to : List.of(PAT, SAM, VAL)) {
            e.phone(to).expectSms("LATE ticket " + ticket);
        }
        e.phone(LEE).expectCall();
        return n;
    }

    @Test
    void onTwilioTheLateCallBackNoticeSaysItsOwnWordsAndKey4TakesNothing() throws Exception {
        try (E2eServer e = E2eServer.start(dir, E2eServer.Voice.TWILIO)) {
            long n = lateCallBackCallingLeeOnTwilio(e);
            long ticket = e.incident(n).ticketId();

            FakePhone.Voice heard = e.phone(LEE).answer();
            String words = String.join(" ", heard.says());
            assertTrue(words.startsWith("Notice from pagerline. LATE ticket " + ticket + ": Jane Doe (Acme Ltd) was not called"
                    + " back within 30 min"), words);
            assertTrue(words.contains("taken by Pat"), words);
            assertTrue(words.contains("Press 4 if you heard this notice"), words);
            assertFalse(words.contains("Urgent page") || words.contains("Reply "), words);

            FakePhone.Voice after = e.phone(LEE).press("4");
            assertEquals(List.of("Thank you. Goodbye."), after.says(), after.xml());
            assertTrue(after.hangup(), after.xml());
            Incident i = e.incident(n);
            assertEquals(IncidentState.ACKNOWLEDGED, i.state());
            assertEquals("Pat", i.ownerName());
            e.expectNothingElse();
        }
    }

    @Test
    void onTwilioALateCallBackNoticeAnsweredAfterTheCallBackSaysItIsNoLongerNeeded() throws Exception {
        try (E2eServer e = E2eServer.start(dir, E2eServer.Voice.TWILIO)) {
            long n = lateCallBackCallingLeeOnTwilio(e);
            long ticket = e.incident(n).ticketId();

            // Lee's phone rings while Pat calls the caller back and says so
            assertTrue(e.phone(PAT).reply(n + "c").contains("recorded"));
            FakePhone.Voice heard = e.phone(LEE).answer();
            assertEquals(List.of("This notice is no longer needed. Goodbye."), heard.says(), heard.xml());
            assertNull(heard.gatherAction(), heard.xml());
            assertTrue(heard.hangup(), heard.xml());
            e.phone(LEE).callEnds("completed");
            Page late = e.pages(n).stream().filter(p -> p.to().equals(LEE)).findFirst().orElseThrow();
            assertEquals(PageState.DELIVERED, late.state(), "answered and told: not called again");
            e.after(Duration.ofMinutes(5));
            e.expectNothingElse();
        }
    }

    @Test
    void onTwilioWhoTookItIsSaidOnceAndAsksForNothing() throws Exception {
        try (E2eServer e = E2eServer.start(dir, E2eServer.Voice.TWILIO)) {
            assertTrue(e.phone(SAM).reply("STOP").contains("no more texts"));
            long ticket = E2eServer.ticketOf(e.urgentVoicemail());
            long n = e.incidentOn(ticket).id();
            e.phone(PAT).expectSms("Reply " + n + "a");
            e.phone(PAT).expectCall();
            e.phone(SAM).expectCall();
            assertTrue(e.phone(PAT).reply(n + "a").contains("is yours"));
            e.pass();
            e.phone(SAM).expectCall();

            FakePhone.Voice heard = e.phone(SAM).answer();
            assertEquals(List.of("Notice from pagerline. ticket " + ticket + ": Pat took incident " + n
                    + " (Jane Doe (Acme Ltd)). No action needed.", "Goodbye."), heard.says(), heard.xml());
            assertNull(heard.gatherAction(), "no key asked: " + heard.xml());
            assertTrue(heard.hangup(), heard.xml());
            e.phone(SAM).callEnds("completed");
            Page told = e.pages(n).stream().filter(p -> p.to().equals(SAM) && p.notice() == Notice.TAKEN).findFirst()
                    .orElseThrow();
            assertEquals(PageState.DELIVERED, told.state(), "heard, so not called again");
            e.after(Duration.ofMinutes(5));
            e.expectNothingElse();
        }
    }
}

package org.pagerline.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pagerline.boot.E2eServer.CALLER;
import static org.pagerline.boot.E2eServer.PAT;
import static org.pagerline.boot.E2eServer.SAM;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.pagerline.core.incident.Incident;
import org.pagerline.core.incident.IncidentState;
import org.pagerline.core.page.Channel;
import org.pagerline.core.page.Page;
import org.pagerline.core.page.PageState;
import org.pagerline.testkit.Eventually;
import org.pagerline.testkit.FakeAmi;
import org.pagerline.testkit.PageCallPeer;

/**
 * Voice pages through Asterisk, end to end: the engine's page becomes an AMI Originate (fake AMI
 * over TCP) carrying PAGERLINE_PAGE_ID; the answered call runs the "page" FastAGI script on the
 * server's real socket (PageCallPeer plays Asterisk) and the technician's key acknowledges.
 */
@Timeout(30)
class PagingCallKeysE2ETest {
    @TempDir
    Path dir;

    /** The Originates so far, by the number they ring (from the dial string), with their page ids. */
    private static Map<String, Long> originatedPages(E2eServer e) {
        return e.ami.actions("Originate").stream().collect(Collectors.toMap(a -> a.get("Channel"),
                a -> Long.parseLong(variable(a, "PAGERLINE_PAGE_ID")), (x, y) -> y));
    }

    private static String variable(FakeAmi.Action a, String name) {
        for (String v : a.get("Variable").split("\n")) {
            if (v.startsWith(name + "=")) {
                return v.substring(name.length() + 1);
            }
        }
        throw new AssertionError("no " + name + " in " + a);
    }

    /** Voicemail, then the first step: SMS (Twilio) and an Originate (AMI) each to Pat and Sam. */
    private static long pagedFirstStep(E2eServer e) {
        long ticket = E2eServer.ticketOf(e.urgentVoicemail());
        long n = e.incidentOn(ticket).id();
        e.phone(PAT).expectSms("Reply " + n + "a");
        e.phone(SAM).expectSms("Reply " + n + "a");
        Eventually.await(Duration.ofSeconds(5), "two Originates", () -> e.ami.actions("Originate").size() == 2);
        e.expectNothingElse();
        Map<String, Long> calls = originatedPages(e);
        assertEquals(List.of("PJSIP/12045550101@trunk", "PJSIP/12045550102@trunk"), calls.keySet().stream().sorted().toList());
        for (var c : e.ami.actions("Originate")) {
            assertEquals("pagerline-page", c.get("Context"), c.toString());
            assertEquals("s", c.get("Exten"), c.toString());
            // never anonymous: the paging call (and the call-back dialled from it) shows the desk's number
            assertEquals("\"Help desk\" <+12045550100>", c.get("CallerID"), c.toString());
        }
        List<Page> voice = e.pages(n).stream().filter(p -> p.channel() == Channel.VOICE).toList();
        assertEquals(voice.stream().map(Page::id).sorted().toList(), calls.values().stream().sorted().toList(),
                "the Originates carry the engine's own page ids");
        // The fake Asterisk answers each call (OriginateResponse reason 4). Answered is not delivered: a
        // voicemail can answer too. Only a key on the paging call settles the page.
        Eventually.await(Duration.ofSeconds(5), "calls handed to Asterisk",
                () -> e.pages(n).stream().filter(p -> p.channel() == Channel.VOICE).allMatch(p -> p.state() == PageState.SENT));
        assertEquals(IncidentState.OPEN, e.incident(n).state());
        return n;
    }

    @Test
    void fourOnThePagingCallAcknowledgesAndTellsTheOthers() throws Exception {
        try (E2eServer e = E2eServer.start(dir, E2eServer.Voice.ASTERISK)) {
            long n = pagedFirstStep(e);
            long patsCall = originatedPages(e).get("PJSIP/12045550101@trunk");

            List<String> commands = new PageCallPeer(e.agiPort).variable("PAGERLINE_PAGE_ID", Long.toString(patsCall))
                    .atMenu("4").call();

            assertTrue(commands.contains("GET VARIABLE \"PAGERLINE_PAGE_ID\""), commands.toString());
            assertTrue(commands.stream().anyMatch(c -> c.startsWith("STREAM FILE \"/var/spool/asterisk/pagerline/ticket-")),
                    "the caller's own message is played: " + commands);
            assertTrue(commands.contains("STREAM FILE \"pagerline/page-acknowledged\" \"\""), commands.toString());
            Incident i = e.incident(n);
            assertEquals(IncidentState.ACKNOWLEDGED, i.state());
            assertEquals("Pat", i.ownerName());
            e.phone(SAM).expectSms("Pat took incident " + n);
            e.expectNothingElse();
            assertTrue(E2eServer.timeline(e.ticket(i.ticketId())).contains("Pat acknowledged incident " + n
                    + " by key 4 on the paging call"));

            // The team lead's step never comes; the call-back timer still does (30 min): late notices by SMS.
            e.after(Duration.ofMinutes(10));
            assertEquals(2, e.ami.actions("Originate").size(), "no more calls once acknowledged");
            e.after(Duration.ofMinutes(20));
            for (String to : List.of(PAT, SAM, E2eServer.LEE, E2eServer.VAL)) {
                e.phone(to).expectSms("LATE ticket " + i.ticketId());
            }
            e.expectNothingElse();
        }
    }

    @Test
    void oneOnThePagingCallAcknowledgesDialsTheCallerAndCountsAsTheCallBack() throws Exception {
        try (E2eServer e = E2eServer.start(dir, E2eServer.Voice.ASTERISK)) {
            long n = pagedFirstStep(e);
            long samsCall = originatedPages(e).get("PJSIP/12045550102@trunk");

            List<String> commands = new PageCallPeer(e.agiPort).variable("PAGERLINE_PAGE_ID", Long.toString(samsCall))
                    .atMenu("1").atPrompt("pagerline/page-spoke", "1").call(); // "If you spoke with the caller, press 1"

            assertTrue(commands.contains("STREAM FILE \"pagerline/page-connecting\" \"\""), commands.toString());
            assertTrue(commands.contains("EXEC \"Dial\" \"PJSIP/" + CALLER.substring(1) + "@trunk,60,gU(pagerline-page-answered^"
                    + PageCallPeer.CHANNEL + ")\""), commands.toString());
            Incident i = e.incident(n);
            assertEquals(IncidentState.CALLED_BACK, i.state());
            assertEquals("Sam", i.ownerName());
            e.phone(PAT).expectSms("Sam took incident " + n);
            String story = E2eServer.timeline(e.ticket(i.ticketId()));
            assertTrue(story.contains("Sam acknowledged incident " + n + " by key 1 on the paging call"), story);
            assertTrue(story.contains("Sam called the caller back (connected to the caller from the paging call: DIALSTATUS ANSWER,"
                    + " the technician pressed 1: spoke with the caller)"), story);

            // Every timer has stopped: no step, no late call-back, no service-level notice.
            e.after(Duration.ofMinutes(30));
            e.after(Duration.ofHours(2));
            e.expectNothingElse();
            assertEquals(2, e.ami.actions("Originate").size());
        }
    }

    @Test
    void aTechnicianStillOnThePagingCallIsToldSomeoneElseTookItAndTheCallEnds() throws Exception {
        try (E2eServer e = E2eServer.start(dir, E2eServer.Voice.ASTERISK)) {
            long n = pagedFirstStep(e);
            long patsCall = originatedPages(e).get("PJSIP/12045550101@trunk");

            // Pat listens to the page; while the intro plays (the 3rd command, after the node mark and
            // the page id), Sam takes the incident by SMS
            List<String> commands = new PageCallPeer(e.agiPort).variable("PAGERLINE_PAGE_ID", Long.toString(patsCall))
                    .meanwhile(3, () -> e.phone(SAM).reply(n + "a")).atMenu("", "", "").call();

            assertEquals(1, commands.stream().filter(c -> c.startsWith("STREAM FILE \"pagerline/page-intro\"")).count(),
                    commands.toString());
            assertTrue(commands.stream().noneMatch(c -> c.startsWith("GET DATA")), "no menu, no repeats: " + commands);
            assertTrue(commands.contains("STREAM FILE \"pagerline/page-taken\" \"\""), commands.toString());
            assertEquals("HANGUP", commands.stream().filter(c -> !c.contains("AJ_AGISTATUS")).reduce((a, b) -> b).orElseThrow());
            Incident i = e.incident(n);
            assertEquals(IncidentState.ACKNOWLEDGED, i.state());
            assertEquals("Sam", i.ownerName());
            e.phone(PAT).expectSms("Sam took incident " + n);
            e.expectNothingElse();
            e.after(Duration.ofMinutes(10));
            assertEquals(2, e.ami.actions("Originate").size(), "Pat's answered call is not retried");
        }
    }

    @Test
    void fourOnATwilioPagingCallAcknowledgesToo() throws Exception {
        try (E2eServer e = E2eServer.start(dir, E2eServer.Voice.TWILIO)) {
            long n = e.incidentOn(E2eServer.ticketOf(e.urgentVoicemail())).id();
            for (String to : List.of(PAT, SAM)) {
                e.phone(to).expectSms("Reply " + n + "a");
                e.phone(to).expectCall();
            }
            e.phone(SAM).answer();
            var said = e.phone(SAM).press("4");
            assertTrue(String.join(" ", said.says()).contains("Acknowledged"), said.xml());
            assertEquals(IncidentState.ACKNOWLEDGED, e.incident(n).state());
            assertEquals("Sam", e.incident(n).ownerName());
            e.phone(PAT).expectSms("Sam took incident " + n);
            e.expectNothingElse();
        }
    }
}

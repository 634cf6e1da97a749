package org.pagerline.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pagerline.boot.E2eServer.PAT;
import static org.pagerline.boot.E2eServer.SAM;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.pagerline.service.PageLog;
import org.pagerline.testkit.Eventually;
import org.pagerline.testkit.FakeAmi;
import org.pagerline.testkit.FakePhone;
import org.pagerline.testkit.FakeTwilio;
import org.pagerline.testkit.MutableClock;
import org.pagerline.testkit.PageCallPeer;

/**
 * {@code page test TECH --channel sms|voice} sends a real page through the configured provider (the
 * fake Twilio's REST API, or an AMI Originate to the fake Asterisk), part of no incident, and
 * {@code page list} shows it with its delivery, beside the incidents' pages.
 */
@Timeout(60)
class PageTestAndPageListE2ETest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    Path dir;

    private static JsonNode list(E2eServer e, String... more) {
        String[] args = new String[3 + more.length];
        args[0] = "page";
        args[1] = "list";
        args[2] = "--json";
        System.arraycopy(more, 0, args, 3, more.length);
        E2eServer.CliResult r = e.cli(args);
        assertEquals(0, r.exit(), r.out() + r.err());
        try {
            return JSON.readTree(r.out());
        } catch (java.io.IOException ex) {
            throw new AssertionError(r.out(), ex);
        }
    }

    @Test
    void aTestSmsGoesThroughTwilioAndItsDeliveryShowsInPageList() throws Exception {
        try (E2eServer e = E2eServer.start(dir, E2eServer.Voice.TWILIO)) {
            E2eServer.CliResult r = e.cli("page", "test", "Pat", "--channel", "sms");
            assertEquals(0, r.exit(), r.out() + r.err());
            assertTrue(r.out().startsWith("test SMS 1 to Pat (+12045550101) through twilio-sms: accepted as SM"), r.out());
            FakePhone.Sms sms = e.phone(PAT).expectSms("pagerline test page for Pat");
            assertTrue(sms.text().contains("No reply needed"), sms.text());
            e.expectNothingElse();

            JsonNode sent = list(e).get(0);
            assertTrue(sent.get("test").asBoolean());
            assertTrue(sent.get("incident").isNull(), "part of no incident");
            assertEquals("SENT", sent.get("state").asText());
            sms.delivered();
            JsonNode after = list(e).get(0);
            assertEquals("DELIVERED", after.get("state").asText(), after.toString());
            assertEquals("Pat", after.get("to").asText());
            assertEquals("SMS", after.get("channel").asText());
            assertTrue(e.services().incidents().list(10, false).isEmpty(), "no incident was opened");
        }
    }

    @Test
    void aTestCallThroughTwilioSaysItIsATestAndAKeyConfirmsIt() throws Exception {
        try (E2eServer e = E2eServer.start(dir, E2eServer.Voice.TWILIO)) {
            E2eServer.CliResult r = e.cli("page", "test", "Sam", "--channel", "voice");
            assertEquals(0, r.exit(), r.out() + r.err());
            assertTrue(r.out().contains("test call 1 to Sam (+12045550102) through twilio-voice: accepted as CA"), r.out());
            FakePhone sam = e.phone(SAM);
            sam.expectCall();
            FakePhone.Voice v = sam.answer();
            assertTrue(String.join(" ", v.says()).contains("This is a test page from pagerline for Sam"), v.xml());
            FakePhone.Voice bye = sam.press("1");
            assertTrue(bye.xml().contains("Test page received"), bye.xml());
            e.expectNothingElse();
            JsonNode p = list(e).get(0);
            assertEquals("DELIVERED", p.get("state").asText(), p.toString());
            assertEquals("VOICE", p.get("channel").asText());
        }
    }

    @Test
    void aTestCallThroughAsteriskIsAnOriginateAndAKeyOnThePagingCallConfirmsIt() throws Exception {
        try (E2eServer e = E2eServer.start(dir, E2eServer.Voice.ASTERISK)) {
            E2eServer.CliResult r = e.cli("page", "test", "Sam", "--channel", "voice");
            assertEquals(0, r.exit(), r.out() + r.err());
            assertTrue(r.out().contains("through asterisk-voice: accepted as pagerline-page-" + (PageLog.ID_BASE + 1)), r.out());
            Eventually.await(Duration.ofSeconds(5), "an Originate", () -> e.ami.actions("Originate").size() == 1);
            FakeAmi.Action call = e.ami.actions("Originate").get(0);
            assertEquals("PJSIP/12045550102@trunk", call.get("Channel"));
            assertTrue(call.get("Variable").contains("PAGERLINE_PAGE_ID=" + (PageLog.ID_BASE + 1)), call.toString());

            List<String> commands = new PageCallPeer(e.agiPort)
                    .variable("PAGERLINE_PAGE_ID", Long.toString(PageLog.ID_BASE + 1)).atMenu("1").call();
            assertTrue(commands.stream().noneMatch(c -> c.startsWith("EXEC \"Dial\"")), "a test page dials nobody: " + commands);
            Eventually.await(Duration.ofSeconds(5), "the test call delivered",
                    () -> "DELIVERED".equals(list(e).get(0).get("state").asText()));
            e.expectNothingElse();
            assertTrue(e.services().incidents().list(10, false).isEmpty());
        }
    }

    @Test
    void aProviderRefusalIsOneLineExitOneAndRecordedAsFailed() throws Exception {
        try (E2eServer e = E2eServer.start(dir, E2eServer.Voice.TWILIO)) {
            e.twilio.failNextTo("Messages", PAT, FakeTwilio.twilioError(400, 21211, "The 'To' number is not valid"));
            E2eServer.CliResult r = e.cli("page", "test", "Pat", "--channel", "sms");
            assertEquals(1, r.exit(), r.out() + r.err());
            assertTrue(r.err().startsWith("error: test SMS 1 to Pat (+12045550101) through twilio-sms: not sent: "), r.err());
            assertEquals(1, r.err().strip().lines().count(), r.err());
            assertEquals(1, e.requests("Messages", PAT).size(), "tried once, not retried");
            e.expectNothingElse();
            assertEquals("FAILED", list(e).get(0).get("state").asText());
        }
    }

    @Test
    void pageListShowsTheIncidentsPagesWithWhenWhoChannelStateAndIncident() throws Exception {
        try (E2eServer e = E2eServer.start(dir, E2eServer.Voice.TWILIO)) {
            long n = e.incidentOn(E2eServer.ticketOf(e.urgentVoicemail())).id();
            e.phone(PAT).expectSms("Reply " + n + "a").delivered();
            e.phone(SAM).expectSms("Reply " + n + "a");
            e.phone(PAT).expectCall();
            e.phone(SAM).expectCall();
            e.expectNothingElse();

            JsonNode all = list(e, "--incident", Long.toString(n));
            assertEquals(4, all.size(), all.toString());
            for (JsonNode p : all) {
                assertEquals(n, p.get("incident").asLong());
                assertTrue(List.of("Pat", "Sam").contains(p.get("to").asText()), p.toString());
            }
            E2eServer.CliResult text = e.cli("page", "list", "--incident", Long.toString(n));
            // when, in the desk's zone (Monday 21:00 in Winnipeg)
            assertTrue(text.out().contains("Mon 2026-11-23 21:00 CST  incident " + n), text.out());
            assertTrue(text.out().lines().anyMatch(l -> l.contains("SMS") && l.contains("Pat") && l.contains("DELIVERED")),
                    text.out());

            e.clock.advance(Duration.ofMinutes(3));
            assertEquals(0, e.cli("page", "test", "Lee", "--channel", "sms").exit());
            e.phone(E2eServer.LEE).expectSms("pagerline test page for Lee");
            JsonNode recent = list(e, "--since", "2m");
            assertEquals(1, recent.size(), recent.toString());
            assertTrue(recent.get(0).get("test").asBoolean());
            assertEquals(5, list(e, "--since", "2026-11-23T21:00").size());
            assertEquals(0, list(e, "--since", "2026-11-23T22:00:00-06:00").size());

            E2eServer.CliResult bad = e.cli("page", "list", "--incident", "99");
            assertEquals(2, bad.exit());
            assertEquals("error: no incident with id 99", bad.err().strip());
            bad = e.cli("page", "list", "--since", "yesterday");
            assertEquals(2, bad.exit());
            assertTrue(bad.err().startsWith("error: --since 'yesterday' is not"), bad.err());
            bad = e.cli("page", "test", "Pat", "--channel", "fax");
            assertEquals(2, bad.exit());
            assertEquals("error: --channel 'fax' is not sms or voice", bad.err().strip());
            bad = e.cli("page", "test", "Nobody", "--channel", "sms");
            assertEquals(2, bad.exit());
            assertTrue(bad.err().contains("unknown technician 'Nobody'"), bad.err());
            assertEquals(5, list(e).size(), "nothing sent or recorded by bad input");
            e.expectNothingElse();
        }
    }

    @Test
    void pageTestWithoutTheServerSaysToStartItAndSendsNothing(@TempDir Path data) {
        CliRunner cli = new CliRunner(data, MutableClock.at("2026-11-23T16:00:00Z"));
        assertEquals(0, cli.run("tech", "add", "--name", "Pat", "--phone", PAT).exit());
        CliRunner.Result r = cli.run("page", "test", "Pat", "--channel", "sms");
        assertEquals(2, r.exit(), r.all());
        assertTrue(r.err().startsWith("error: page test sends through the running server's providers"), r.err());
        CliRunner.Result list = cli.run("page", "list");
        assertEquals(0, list.exit(), list.all());
        assertEquals("no pages", list.out().strip());
    }
}

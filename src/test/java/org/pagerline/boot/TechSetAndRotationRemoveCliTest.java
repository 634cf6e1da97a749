package org.pagerline.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pagerline.testkit.MutableClock;

/** {@code tech set} and {@code rotation remove} as an admin types them, against a real database. */
class TechSetAndRotationRemoveCliTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    Path dir;
    final MutableClock clock = MutableClock.at("2026-11-20T12:00:00Z");
    CliRunner cli;

    @BeforeEach
    void team() {
        cli = new CliRunner(dir, clock);
        ok("tech", "add", "--name", "Alice Able", "--phone", "+12045550101", "--email", "alice@example.com");
        ok("tech", "add", "--name", "Bob Baker", "--phone", "+12045550102", "--sms", "+12045550112");
    }

    private CliRunner.Result ok(String... args) {
        CliRunner.Result r = cli.run(args);
        assertEquals(0, r.exit(), r.all());
        return r;
    }

    private String refused(String... args) {
        CliRunner.Result r = cli.run(args);
        assertEquals(2, r.exit(), "expected a validation error: " + r.all());
        assertTrue(r.err().startsWith("error: "), r.err());
        assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
        return r.err();
    }

    private JsonNode tech(String ref) throws Exception {
        return JSON.readTree(ok("tech", "show", ref, "--json").out());
    }

    @Test
    void techSetChangesPhoneSmsEmailAndZoneNormalisingTheNumbers() throws Exception {
        CliRunner.Result r = ok("tech", "set", "alice able", "--phone", "+1 (204) 555-0121", "--sms", "+1 204 555 0131",
                "--email", "a.able@example.com", "--zone", "America/Toronto");
        assertTrue(r.out().contains("phone +12045550101 -> +12045550121"), r.out());
        JsonNode a = tech("Alice Able");
        assertEquals("+12045550121", a.get("phone").asText());
        assertEquals("+12045550131", a.get("smsPhone").asText());
        assertEquals("a.able@example.com", a.get("email").asText());
        assertEquals("America/Toronto", a.get("zone").asText());

        JsonNode b = JSON.readTree(ok("tech", "set", "Bob Baker", "--sms", "", "--json").out());
        assertEquals("+12045550102", b.get("smsPhone").asText(), "an empty --sms texts the voice number again");
        // the freed number can now be given to someone else
        ok("tech", "set", "Alice Able", "--sms", "+12045550112");
    }

    @Test
    void techSetRefusesWhatTechAddRefusesAndChangesNothing() throws Exception {
        JsonNode before = tech("Alice Able");
        assertTrue(refused("tech", "set", "Alice Able", "--phone", "2045550109").contains("E.164"));
        assertTrue(refused("tech", "set", "Alice Able", "--phone", "+1999").contains("not a valid phone number"));
        assertTrue(refused("tech", "set", "Alice Able", "--sms", "+12045550112")
                .contains("+12045550112 is already the SMS number of technician 2 (Bob Baker)"));
        assertTrue(refused("tech", "set", "Alice Able", "--phone", "+12045550102")
                .contains("is already the phone of technician 2 (Bob Baker)"));
        assertTrue(refused("tech", "set", "Alice Able", "--zone", "Mars/Base", "--phone", "+12045550109")
                .contains("unknown time zone 'Mars/Base'"));
        assertTrue(refused("tech", "set", "Alice Able", "--email", "alice@").contains("not an email"));
        assertTrue(refused("tech", "set", "Alice Able").contains("nothing to change"));
        assertTrue(refused("tech", "set", "Zed", "--zone", "UTC").contains("unknown technician 'Zed'"));
        assertEquals(before, tech("Alice Able"));
        // keeping one's own number is no clash
        ok("tech", "set", "Bob Baker", "--phone", "+12045550102", "--sms", "+12045550112");
    }

    @Test
    void techRemoveIsRefusedWhileThePolicyPagesThemByNameNamingTheStep() throws Exception {
        ok("policy", "set", "--step", "0m PRIMARY,SECONDARY", "--step", "5m @Alice Able", "--repeat", "10m");
        String err = refused("tech", "remove", "alice able");
        assertTrue(err.contains("the escalation policy pages Alice Able at step 2 (5m @Alice Able)"), err);
        assertTrue(err.contains("policy set"), err);
        assertEquals("Alice Able", tech("Alice Able").get("name").asText(), "still on the roster");
        ok("policy", "set", "--step", "0m PRIMARY,SECONDARY", "--repeat", "10m");
        ok("tech", "remove", "Alice Able");
    }

    @Test
    void rotationSetKeepsWhatItIsNotGivenSoAddingAMemberDoesNotRestartTheTurnsToday() throws Exception {
        ok("rotation", "set", "PRIMARY", "--members", "Alice Able", "--shift", "1d", "--handoff", "07:00", "--zone",
                "America/Toronto", "--start", "2026-11-03");
        clock.set(java.time.Instant.parse("2026-11-20T15:00:00Z"));   // Friday 10:00 in Toronto: day 17 of the turns

        CliRunner.Result r = ok("rotation", "set", "PRIMARY", "--members", "Alice Able,Bob Baker");

        JsonNode rot = JSON.readTree(ok("rotation", "show", "PRIMARY", "--json").out());
        assertEquals("1 days", rot.get("shift").asText(), rot.toString());
        assertEquals("07:00", rot.get("handoff").asText(), rot.toString());
        assertEquals("America/Toronto", rot.get("zone").asText(), rot.toString());
        assertEquals("2026-11-03", rot.get("startDate").asText(), rot.toString());
        // day 17 is Bob's (odd days), as the turns counted from the 3rd say, until tomorrow's hand-off
        assertTrue(r.out().contains("on call now: Bob Baker until 2026-11-21 07:00 EST"), r.out());
        // a setting given still replaces the current one
        ok("rotation", "set", "PRIMARY", "--members", "Alice Able,Bob Baker", "--shift", "1w");
        assertEquals("1 weeks", JSON.readTree(ok("rotation", "show", "PRIMARY", "--json").out()).get("shift").asText());
    }

    @Test
    void rotationRemoveIsRefusedWhileThePolicyPagesTheRoleNamingTheStep() throws Exception {
        ok("rotation", "set", "TEAM_LEAD", "--members", "Alice Able", "--start", "2026-11-02");
        String err = refused("rotation", "remove", "team_lead");
        assertTrue(err.contains("the escalation policy still pages TEAM_LEAD at step 2 (5m TEAM_LEAD)"), err);
        assertTrue(err.contains("policy set"), err);
        assertFalse(JSON.readTree(ok("rotation", "show", "TEAM_LEAD", "--json").out()).get("members").isNull(),
                "the rotation is still there");
    }

    @Test
    void rotationRemoveSaysTheRoleIsUnfilledAndKeepsItsOverrides() throws Exception {
        ok("rotation", "set", "PRIMARY", "--members", "Alice Able", "--start", "2026-11-02");
        ok("rotation", "set", "TEAM_LEAD", "--members", "Bob Baker", "--start", "2026-11-02");
        ok("override", "add", "TEAM_LEAD", "--tech", "Alice Able", "--from", "2026-11-21T17:00:00-06:00",
                "--until", "2026-11-22T08:00:00-06:00");
        ok("policy", "set", "--step", "0m PRIMARY", "--step", "10m VP_SERVICE", "--repeat", "10m");

        CliRunner.Result r = ok("rotation", "remove", "TEAM_LEAD");
        assertTrue(r.out().contains("rotation for TEAM_LEAD removed; 1 current or future override(s) of TEAM_LEAD kept (#1 "),
                r.out());
        assertTrue(r.out().contains("the escalation policy does not page TEAM_LEAD"), r.out());
        assertTrue(ok("rotation", "show", "TEAM_LEAD").out().contains("TEAM_LEAD: no rotation (unfilled)"));
        assertEquals(1, JSON.readTree(ok("override", "list", "--json").out()).size());
        JsonNode during = JSON.readTree(ok("oncall", "--at", "2026-11-21T20:00:00-06:00", "--json").out());
        assertEquals("Alice Able", during.get("roles").get("TEAM_LEAD").get("name").asText());
        JsonNode after = JSON.readTree(ok("oncall", "--at", "2026-11-23T20:00:00-06:00", "--json").out());
        assertTrue(after.get("roles").get("TEAM_LEAD").isNull());

        assertTrue(refused("rotation", "remove", "SECONDARY").contains("there is no rotation for SECONDARY"));
        assertTrue(refused("rotation", "remove", "BOSS").contains("unknown role 'BOSS'"));
    }
}

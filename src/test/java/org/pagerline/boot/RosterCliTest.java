package org.pagerline.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pagerline.testkit.MutableClock;

/** The roster from the command line, as an admin would use it: set, read back with --json. */
class RosterCliTest {
    @TempDir
    Path dir;
    MutableClock clock = MutableClock.at("2026-11-20T12:00:00Z");
    CliRunner cli;

    @BeforeEach
    void setUp() {
        cli = new CliRunner(dir, clock);
    }

    private JsonNode json(String... args) throws Exception {
        return cli.json(args);
    }

    private CliRunner.Result ok(String... args) {
        return cli.ok(args);
    }

    private String fails(String... args) {
        CliRunner.Result r = cli.run(args);
        assertEquals(2, r.exit(), "expected a usage/validation error: " + r.all());
        assertTrue(r.err().startsWith("error: "), r.err());
        return r.err();
    }

    private void team() {
        ok("tech", "add", "--name", "Alice Able", "--phone", "+1 (204) 555-0101", "--email", "alice@example.com");
        ok("tech", "add", "--name", "Bob Baker", "--phone", "+12045550102", "--sms", "+12045550112");
        ok("tech", "add", "--name", "Carol Chen", "--phone", "+12045550103", "--zone", "America/Toronto");
    }

    @Test
    void technicians_are_normalised_listed_and_shown() throws Exception {
        team();
        JsonNode list = json("tech", "list", "--json");
        assertEquals(3, list.size());
        assertEquals("+12045550101", list.get(0).get("phone").asText(), "phone normalised to E.164");
        assertEquals("+12045550112", list.get(1).get("smsPhone").asText());
        assertEquals("+12045550103", list.get(2).get("smsPhone").asText(), "SMS defaults to the voice number");
        JsonNode carol = json("tech", "show", "carol chen", "--json");
        assertEquals("America/Toronto", carol.get("zone").asText());
        assertEquals(carol, json("tech", "show", carol.get("id").asText(), "--json"));
    }

    @Test
    void bad_technicians_are_refused_and_nothing_changes() throws Exception {
        team();
        assertTrue(fails("tech", "add", "--name", "Dan", "--phone", "2045550104").contains("E.164"));
        assertTrue(fails("tech", "add", "--name", "Dan", "--phone", "+1999").contains("not a valid phone number"));
        assertTrue(fails("tech", "add", "--name", "Dan", "--phone", "+12045550104", "--zone", "Mars/Base")
                .contains("unknown time zone 'Mars/Base'"));
        assertTrue(fails("tech", "add", "--name", "alice able", "--phone", "+12045550104").contains("already exists"));
        assertTrue(fails("tech", "add", "--name", "Dan", "--phone", "+12045550104", "--email", "dan@")
                .contains("not an email"));
        assertTrue(fails("tech", "show", "Zed").contains("unknown technician 'Zed'"));
        assertEquals(3, json("tech", "list", "--json").size());
    }

    @Test
    void a_typo_on_the_command_line_is_a_usage_error_with_a_suggestion() {
        CliRunner.Result r = cli.run("tech", "ad");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("Did you mean"), r.err());
        assertEquals(2, cli.run("tech", "add", "--name", "X").exit(), "missing --phone");
        assertEquals(2, cli.run("oncall", "--at", "yesterday").exit());
    }

    @Test
    void weekly_rotation_keeps_the_local_handoff_across_the_daylight_saving_change() throws Exception {
        team();
        ok("rotation", "set", "PRIMARY", "--members", "Alice Able,Bob Baker", "--shift", "1w", "--handoff", "08:00",
                "--zone", "America/Winnipeg", "--start", "2026-10-26");
        // Week of 26 Oct: Alice; 2 Nov (after the 1 Nov fall-back): Bob, from 08:00 local (CST, -06:00).
        JsonNode before = json("oncall", "--at", "2026-11-02T07:59:00-06:00", "--json").get("roles");
        assertEquals("Alice Able", before.get("PRIMARY").get("name").asText());
        assertEquals("2026-11-02T14:00:00Z", before.get("PRIMARY").get("until").asText(), "hand-off 08:00 CST");
        JsonNode after = json("oncall", "--at", "2026-11-02T08:00:00-06:00", "--json").get("roles");
        assertEquals("Bob Baker", after.get("PRIMARY").get("name").asText());
        // Spring forward 14 Mar 2027: 08:00 CDT on Monday 15 Mar is 13:00Z, an hour earlier in UTC than in winter.
        JsonNode spring = json("oncall", "--at", "2027-03-15T07:30:00-05:00", "--json").get("roles");
        assertEquals("2027-03-15T13:00:00Z", spring.get("PRIMARY").get("until").asText());
    }

    @Test
    void oncall_json_has_every_role_and_null_for_unfilled() throws Exception {
        team();
        ok("rotation", "set", "secondary", "--members", "2", "--shift", "1d", "--start", "2026-11-01");
        JsonNode n = json("oncall", "--at", "2026-11-23T03:00:00-06:00", "--json");
        assertEquals("2026-11-23T09:00:00Z", n.get("at").asText());
        JsonNode roles = n.get("roles");
        assertEquals(4, roles.size());
        assertTrue(roles.get("PRIMARY").isNull());
        assertTrue(roles.get("TEAM_LEAD").isNull());
        assertTrue(roles.get("VP_SERVICE").isNull());
        JsonNode sec = roles.get("SECONDARY");
        assertEquals(2, sec.get("id").asLong());
        assertEquals("Bob Baker", sec.get("name").asText());
        assertEquals("+12045550102", sec.get("phone").asText());
        assertEquals("2026-11-23T14:00:00Z", sec.get("until").asText(), "next daily hand-off, 08:00 CST");
    }

    @Test
    void an_override_takes_precedence_and_overlaps_are_refused() throws Exception {
        team();
        ok("rotation", "set", "PRIMARY", "--members", "Alice Able", "--shift", "1w", "--start", "2026-11-16");
        JsonNode o = json("override", "add", "PRIMARY", "--tech", "Carol Chen", "--from", "2026-11-23T17:00:00-06:00",
                "--until", "2026-11-24T08:00:00-06:00", "--json");
        JsonNode inside = json("oncall", "--at", "2026-11-23T23:00:00-06:00", "--json").get("roles").get("PRIMARY");
        assertEquals("Carol Chen", inside.get("name").asText());
        assertTrue(inside.get("override").asBoolean());
        assertEquals("2026-11-24T14:00:00Z", inside.get("until").asText());
        JsonNode before = json("oncall", "--at", "2026-11-23T16:00:00-06:00", "--json").get("roles").get("PRIMARY");
        assertEquals("Alice Able", before.get("name").asText());
        assertEquals("2026-11-23T23:00:00Z", before.get("until").asText(), "cut short by the coming override");

        assertTrue(fails("override", "add", "PRIMARY", "--tech", "Bob Baker", "--from", "2026-11-24T07:00:00-06:00",
                "--until", "2026-11-24T09:00:00-06:00").contains("overlaps override " + o.get("id").asLong()));
        assertTrue(fails("override", "add", "PRIMARY", "--tech", "Bob Baker", "--from", "2026-11-25T09:00:00-06:00",
                "--until", "2026-11-25T08:00:00-06:00").contains("not after"));
        assertTrue(fails("override", "add", "BOSS", "--tech", "Bob Baker", "--from", "2026-11-25T09:00:00-06:00",
                "--until", "2026-11-25T10:00:00-06:00").contains("unknown role 'BOSS'"));
        // touching the end of the first is fine, and another role never clashes; local times are the desk's,
        // and the answer says them as the desk reads them
        assertTrue(ok("override", "add", "PRIMARY", "--tech", "Bob Baker", "--from", "2026-11-24T08:00",
                "--until", "2026-11-24T09:00").out().contains("from 2026-11-24 08:00 CST until 2026-11-24 09:00 CST"));
        ok("override", "add", "SECONDARY", "--tech", "Bob Baker", "--from", "2026-11-23T18:00:00-06:00",
                "--until", "2026-11-24T09:00:00-06:00");
        assertEquals(3, json("override", "list", "--json").size());
        ok("override", "remove", o.get("id").asText());
        assertEquals(2, json("override", "list", "--json").size());
        assertTrue(fails("override", "remove", o.get("id").asText()).contains("no override with id"));
    }

    @Test
    void bad_rotations_are_refused_and_the_old_one_stays() throws Exception {
        team();
        ok("rotation", "set", "TEAM_LEAD", "--members", "Carol Chen", "--shift", "2w", "--start", "2026-11-02");
        assertTrue(fails("rotation", "set", "TEAM_LEAD", "--members", "Carol Chen", "--shift", "0d").contains("positive"));
        assertTrue(fails("rotation", "set", "TEAM_LEAD", "--members", "Carol Chen,Nobody").contains("unknown technician 'Nobody'"));
        assertTrue(fails("rotation", "set", "TEAM_LEAD", "--members", "Carol Chen", "--start", "2026-13-01").contains("not a date"));
        assertTrue(fails("rotation", "set", "TEAM_LEAD", "--members", "Carol Chen", "--zone", "Nowhere").contains("unknown time zone"));
        // a fixed offset ignores daylight saving: a hand-off at 08:00 "-06:00" is 09:00 all summer in Winnipeg
        assertTrue(fails("rotation", "set", "TEAM_LEAD", "--members", "Carol Chen", "--zone", "EST").contains("time zone 'EST'"));
        for (String fixed : List.of("-06:00", "UTC-6", "GMT-06:00", "CST6CDT", "Etc/GMT+6")) {
            assertTrue(fails("rotation", "set", "TEAM_LEAD", "--members", "Carol Chen", "--zone", fixed)
                    .contains("name the place (e.g. America/Winnipeg), or UTC"), fixed);
        }
        assertTrue(fails("tech", "set", "Carol Chen", "--zone", "-05:00").contains("ignores daylight saving"));
        assertTrue(fails("tech", "add", "--name", "Chen, Carol", "--phone", "+12045550109").contains("cannot contain a comma"));
        // places whose id has no slash, and UTC by any of its names, stay
        for (String place : List.of("Japan", "Cuba", "Etc/UTC", "Zulu", "UTC")) {
            ok("rotation", "set", "TEAM_LEAD", "--members", "Carol Chen", "--zone", place);
        }
        assertTrue(fails("rotation", "set", "TEAM_LEAD", "--members", "Carol Chen", "--handoff", "25:00").contains("time of day"));
        JsonNode r = json("rotation", "show", "TEAM_LEAD", "--json");
        assertEquals("2026-11-02", r.get("startDate").asText());
        assertEquals("2 weeks", r.get("shift").asText());
        assertEquals("Carol Chen", r.get("memberNames").get(0).asText());
    }

    @Test
    void a_technician_in_a_rotation_cannot_be_removed() throws Exception {
        team();
        ok("rotation", "set", "VP_SERVICE", "--members", "Carol Chen", "--start", "2026-11-02");
        assertTrue(fails("tech", "remove", "Carol Chen").contains("rotation"));
        ok("tech", "remove", "Bob Baker");
        assertEquals(2, json("tech", "list", "--json").size());
        assertFalse(cli.run("tech", "show", "Bob Baker").exit() == 0);
    }

    @Test
    void hours_and_holidays_decide_whether_the_desk_is_open() throws Exception {
        // Default desk: Mon-Fri 08:00-17:00 America/Winnipeg.
        assertTrue(json("hours", "show", "--at", "2026-11-23T09:00:00-06:00", "--json").get("open").asBoolean());
        assertFalse(json("hours", "show", "--at", "2026-11-22T09:00:00-06:00", "--json").get("open").asBoolean(), "Sunday");
        ok("holiday", "add", "2026-12-25", "Christmas", "Day");
        JsonNode xmas = json("hours", "show", "--at", "2026-12-25T10:00:00-06:00", "--json");
        assertFalse(xmas.get("open").asBoolean());
        assertEquals("2026-12-28T14:00:00Z", xmas.get("opensAt").asText(), "Monday 08:00 CST");
        assertTrue(fails("holiday", "add", "2026-12-25", "Again").contains("already"));
        assertTrue(fails("holiday", "add", "2026-02-30", "Bad").contains("not a date"));
        assertEquals("Christmas Day", json("holiday", "list", "--json").get(0).get("name").asText());

        ok("hours", "set", "Mon-Fri 07:00-19:00, Sat 10:00-14:00", "--zone", "America/Toronto");
        JsonNode sat = json("hours", "show", "--at", "2026-11-21T10:30:00-05:00", "--json");
        assertTrue(sat.get("open").asBoolean());
        assertEquals("America/Toronto", sat.get("zone").asText());
        assertTrue(fails("hours", "set", "Mon-Fri 17:00-08:00").contains("17:00"));
        assertTrue(fails("hours", "set", "Funday 08:00-17:00").contains("Funday"));
        assertTrue(json("hours", "show", "--at", "2026-11-21T10:30:00-05:00", "--json").get("open").asBoolean(),
                "a refused change leaves the hours as they were");
        ok("holiday", "remove", "2026-12-25");
        assertEquals(0, json("holiday", "list", "--json").size());
    }
}

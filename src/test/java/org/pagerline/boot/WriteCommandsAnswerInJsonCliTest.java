package org.pagerline.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pagerline.testkit.MutableClock;

/**
 * The commands that change the roster, the desk and the clients answer a script in JSON with what
 * they did (PRODUCT.md: every command has a {@code --json} form), read back here as a script would.
 */
class WriteCommandsAnswerInJsonCliTest {
    @TempDir
    Path dir;
    MutableClock clock = MutableClock.at("2026-11-20T12:00:00Z");
    CliRunner cli;

    @BeforeEach
    void setUp() {
        cli = new CliRunner(dir, clock);
        ok("tech", "add", "--name", "Alice Able", "--phone", "+12045550101");
        ok("tech", "add", "--name", "Bob Baker", "--phone", "+12045550102");
    }

    private JsonNode json(String... args) throws Exception {
        return cli.json(args);
    }

    private void ok(String... args) {
        cli.ok(args);
    }

    @Test
    void theRosterCommandsAnswerWithWhatTheyDid() throws Exception {
        JsonNode rot = json("rotation", "set", "PRIMARY", "--members", "Alice Able,Bob Baker", "--start", "2026-11-16", "--json");
        assertEquals("PRIMARY", rot.get("role").asText());
        assertEquals(2, rot.get("members").size(), rot.toString());
        assertTrue(rot.hasNonNull("onCallNow"), "who is on call now: " + rot);

        JsonNode o = json("override", "add", "PRIMARY", "--tech", "Bob Baker", "--from", "2026-11-23T17:00:00-06:00",
                "--until", "2026-11-24T08:00:00-06:00", "--json");
        JsonNode gone = json("override", "remove", o.get("id").asText(), "--json");
        assertEquals("override", gone.get("removed").asText());
        assertEquals(o.get("id").asLong(), gone.get("id").asLong());

        JsonNode in = json("queue", "signin", "Alice Able", "--json");
        assertTrue(in.get("signedIn").asBoolean() && in.get("changed").asBoolean(), in.toString());
        assertEquals("Alice Able", in.get("technician").get("name").asText());
        assertFalse(json("queue", "signin", "Alice Able", "--json").get("changed").asBoolean(), "already signed in");
        JsonNode out = json("queue", "signout", "Alice Able", "--json");
        assertFalse(out.get("signedIn").asBoolean());

        // a role the escalation policy pages cannot lose its rotation: page PRIMARY alone first
        ok("policy", "set", "--step", "0m PRIMARY", "--repeat", "10m");
        ok("rotation", "set", "SECONDARY", "--members", "Bob Baker", "--start", "2026-11-16");
        JsonNode removedRotation = json("rotation", "remove", "SECONDARY", "--json");
        assertEquals("rotation", removedRotation.get("removed").asText());
        assertEquals("SECONDARY", removedRotation.get("role").asText());
        assertEquals(0, removedRotation.get("overridesKept").size());

        ok("rotation", "set", "PRIMARY", "--members", "Alice Able", "--start", "2026-11-16");
        JsonNode t = json("tech", "remove", "Bob Baker", "--json");
        assertEquals("technician", t.get("removed").asText());
        assertEquals("Bob Baker", t.get("technician").get("name").asText());
    }

    @Test
    void theDeskAndClientCommandsAnswerWithWhatTheyDid() throws Exception {
        JsonNode hours = json("hours", "set", "Mon-Fri 08:00-17:00", "--zone", "America/Winnipeg", "--json");
        assertEquals("America/Winnipeg", hours.get("zone").asText());
        assertEquals(5, hours.get("windows").size(), hours.toString());

        JsonNode h = json("holiday", "add", "2026-12-25", "Christmas Day", "--json");
        assertEquals("2026-12-25", h.get("date").asText());
        assertEquals("Christmas Day", h.get("name").asText());
        assertEquals("holiday", json("holiday", "remove", "2026-12-25", "--json").get("removed").asText());

        JsonNode p = json("policy", "set", "--step", "0m PRIMARY,SECONDARY", "--step", "10m TEAM_LEAD", "--repeat", "20m", "--json");
        assertEquals(2, p.get("steps").size(), p.toString());

        JsonNode c = json("client", "add", "--company", "Acme Corp", "--contact", "Jane Doe", "--phone", "+12045550199", "--json");
        String id = c.get("id").asText();
        JsonNode e = json("client", "email", id, "jane@acme.example", "--json");
        assertEquals("jane@acme.example", e.get("email").asText());
        JsonNode removed = json("client", "remove", id, "--json");
        assertEquals("client", removed.get("removed").asText());
        assertEquals("Acme Corp", removed.get("client").get("company").asText());
    }
}

package org.pagerline.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pagerline.testkit.MutableClock;

/** {@code hours set "Mon-Sun 00:00-24:00"}: stored, read back, open at midnight and across a DST change. */
class AroundTheClockHoursCliTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    Path dir;

    @Test
    void aDeskSetToCloseAt2400IsStoredAndOpenAtEveryHour() throws Exception {
        CliRunner cli = new CliRunner(dir, MutableClock.at("2026-10-31T12:00:00Z"));
        CliRunner.Result set = cli.run("hours", "set", "Mon-Sun 00:00-24:00", "--zone", "America/Winnipeg");
        assertEquals(0, set.exit(), set.all());
        assertTrue(set.out().contains("around the clock"), set.out());

        // midnight, a minute before it, and the night the clocks fall back (2026-11-01 02:00 twice)
        for (String at : new String[] {"2026-11-23T23:59:30-06:00", "2026-11-24T00:00:00-06:00",
            "2026-11-01T01:30:00-05:00", "2026-11-01T01:30:00-06:00", "2026-03-08T03:00:00-05:00"}) {
            CliRunner.Result r = cli.run("hours", "show", "--at", at, "--json");
            assertEquals(0, r.exit(), r.all());
            JsonNode n = JSON.readTree(r.out());
            assertTrue(n.get("open").asBoolean(), "closed at " + at + ": " + r.out());
            assertFalse(n.has("closesAt"), "an around-the-clock desk does not close: " + r.out());
            assertEquals("24:00", n.get("windows").get(0).get("close").asText());
        }
        CliRunner.Result text = cli.run("hours", "show", "--at", "2026-11-23T23:59:30-06:00");
        assertTrue(text.out().contains("open, open around the clock"), text.out());
    }

    @Test
    void aDayClosingAt2400HandsOverToTheNextDaysMidnightOpening() throws Exception {
        CliRunner cli = new CliRunner(dir, MutableClock.at("2026-11-20T12:00:00Z"));
        assertEquals(0, cli.run("hours", "set", "Mon-Fri 08:00-24:00, Sat 00:00-02:00", "--zone", "America/Winnipeg").exit());
        JsonNode n = JSON.readTree(cli.run("hours", "show", "--at", "2026-11-27T23:00:00-06:00", "--json").out());
        assertTrue(n.get("open").asBoolean());
        assertEquals("2026-11-28T08:00:00Z", n.get("closesAt").asText(), "Saturday 02:00 in Winnipeg, not Friday midnight");
    }
}

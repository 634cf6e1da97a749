package org.pagerline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.pagerline.service.Services;
import org.pagerline.testkit.CliHarness;
import org.pagerline.testkit.TicketRig;

/** pagerline ticket ..., as a technician types it: the queue, a ticket's life, every clock, bad input. */
class TicketCliTest {
    TicketRig r;
    Services services;
    String out;
    String err;

    @BeforeEach
    void start() {
        r = TicketRig.inMemory("2026-12-04T16:00");
        services = new Services(r.clock, r.roster, r.calendar, r.tickets, null, null, null, null, null);
    }

    @AfterEach
    void close() {
        r.close();
    }

    int run(String... args) {
        CliHarness.Result res = CliHarness.run(services, args);
        out = res.out();
        err = res.err();
        return res.exit();
    }

    @Test
    void aDesktopProjectRequestIsDueByTheNextBusinessMorningAndTakesNoPriority() {
        // Friday 16:00: one business day, Friday 16-17 and Monday 08-16; nobody need call the requester back
        assertEquals(0, run("ticket", "open", "--name", "Jane Doe", "--company", "Acme", "--project",
                "--description", "Set up the new hire's PC"));
        assertEquals("ticket 1: new, desktop project request, owner nobody; next due Mon 2026-12-07 16:00 CST (resolve)",
                out.trim());
        assertEquals(0, run("ticket", "show", "1"));
        assertTrue(out.contains("ticket 1  NEW  desktop project request  (cli)"), out);
        assertTrue(out.contains("desktop project request: done within 1 business day"), out);
        assertFalse(out.contains("respond "), "no call-back clock: " + out);
        assertEquals(0, run("ticket", "show", "1", "--json"));
        assertTrue(out.contains("\"project\" : true"), out);

        assertEquals(2, run("ticket", "open", "--name", "John Roe", "--project", "--priority", "P4",
                "--description", "Move my desk"));
        assertTrue(err.contains("a desktop project request has no priority"), err);
        assertEquals(0, run("ticket", "queue"));
        assertEquals(2, out.lines().count(), "nothing written for the refused one: " + out);
    }

    @Test
    void aTicketsLifeFromTheCommandLineWithEveryClockShown() {
        assertEquals(0, run("ticket", "open", "--name", "Jane Doe", "--company", "Acme", "--phone", "+12045559999",
                "--priority", "P3", "--description", "Printer jammed"));
        assertEquals("ticket 1: new, P3, owner nobody; next due Mon 2026-12-07 11:00 CST (respond)", out.trim());
        r.clock.advance(Duration.ofMinutes(30));
        assertEquals(0, run("ticket", "open", "--name", "John Roe", "--description", "Password reset"));

        assertEquals(0, run("ticket", "queue"));
        List<String> lines = out.lines().toList();
        assertTrue(lines.get(0).startsWith("ID     AGE         PRI  STATE"), out);
        assertTrue(lines.get(1).matches("1 +30 min +P3 +new +- +Mon 2026-12-07 11:00 CST +respond +Jane Doe \\(Acme\\)"), out);
        assertTrue(lines.get(2).matches("2 +0 min +- +new +- +- +- +John Roe"), out);

        assertEquals(0, run("ticket", "take", "1", "--tech", "Pat"));
        assertEquals("ticket 1: acknowledged, P3, owner Pat; next due Mon 2026-12-07 11:00 CST (respond)", out.trim());
        assertEquals(0, run("ticket", "note", "1", "--by", "Pat", "checked", "the", "tray"));
        assertEquals(0, run("ticket", "wait", "1", "--by", "Pat", "--why", "asked for the model number"));
        assertTrue(out.contains("waiting on customer"), out);
        r.clock.set(TicketRig.desk("2026-12-07T09:00"));
        assertEquals(0, run("ticket", "resume", "1", "--by", "Pat"));
        assertEquals(0, run("ticket", "priority", "1", "P2", "--by", "Lee", "--why", "the whole floor is down"));
        assertEquals(0, run("ticket", "resolve", "1", "--by", "Pat", "--summary", "new fuser"));
        assertEquals(0, run("ticket", "reopen", "1", "--why", "jammed again"));
        assertEquals(0, run("ticket", "close", "2", "--why", "duplicate"));

        assertEquals(0, run("ticket", "show", "1"));
        assertTrue(out.contains("ticket 1  IN_PROGRESS  P2 a server or whole site down"), out);
        assertTrue(out.contains("owner     Pat"), out);
        assertTrue(out.contains("respond  met       due Mon 2026-12-07 11:00 CST"), out);
        assertTrue(out.contains("resolve "), out);
        assertTrue(out.contains("P2: resolve within 8 h, 24x7"), out);
        assertTrue(out.contains("Mon 2026-12-07 09:00 CST  P3 -> P2 by Lee: the whole floor is down"), out);
        assertFalse(out.contains("by the support line"), "a change made here is not taken for the call flow's: " + out);
        assertTrue(out.contains("Fri 2026-12-04 16:30 CST to Mon 2026-12-07 09:00 CST  waiting on the customer"), out);
        assertFalse(Pattern.compile("\\d\\d:\\d\\d:\\d\\d|\\.\\d{3}|T\\d\\d:").matcher(out).find(), "one format for people: " + out);
        assertTimelineSorted(out);

        assertEquals(0, run("ticket", "show", "1", "--json"));
        assertTrue(out.contains("\"state\" : \"IN_PROGRESS\"") && out.contains("\"clock\" : \"RESOLVE\"")
                && out.contains("\"openedAt\" : \"2026-12-04T22:00:00Z\""), out);
        assertTrue(out.contains("\"by\" : \"Lee\"") && out.contains("\"why\" : \"the whole floor is down\""), out);
        assertEquals(0, run("ticket", "queue", "--json"));
        assertTrue(out.contains("\"id\" : 1") && !out.contains("\"id\" : 2") && out.contains("\"nextClock\""), out);
    }

    private static void assertTimelineSorted(String show) {
        List<String> stamps = new ArrayList<>();
        boolean in = false;
        for (String l : show.lines().toList()) {
            if (l.equals("  timeline:")) {
                in = true;
            } else if (in) {
                stamps.add(l.substring(4, 24));
            }
        }
        List<String> sorted = new ArrayList<>(stamps);
        sorted.sort(String::compareTo);
        assertEquals(sorted, stamps, "timeline sorted by time");
        assertTrue(stamps.size() > 10, show);
    }

    @Test
    void badInputIsOneClearLineExitTwoAndChangesNothing() {
        assertEquals(0, run("ticket", "open", "--name", "Jane Doe", "--priority", "P4", "--description", "Slow PC"));
        assertEquals(0, run("ticket", "show", "1", "--json"));
        String before = out;

        assertEquals(2, run("ticket", "take", "abc", "--tech", "Pat"));
        assertEquals("error: ticket id 'abc' is not a ticket number", err.trim());
        assertEquals(2, run("ticket", "take", "99", "--tech", "Pat"));
        assertEquals("error: no ticket with id 99", err.trim());
        assertEquals(2, run("ticket", "take", "1", "--tech", "Nobody"));
        assertTrue(err.contains("Nobody"), err);
        assertEquals(2, run("ticket", "resume", "1"));
        assertEquals("error: ticket 1 is new, not waiting on the customer", err.trim());
        assertEquals(2, run("ticket", "priority", "1", "P9", "--why", "x"));
        assertTrue(err.contains("unknown priority 'P9'"), err);
        assertEquals(2, run("ticket", "priority", "1", "P4", "--why", "same"));
        assertEquals("error: ticket 1 is already P4", err.trim());
        assertEquals(2, run("ticket", "priority", "1", "P3"));
        assertTrue(err.contains("--why"), err);
        assertEquals(2, run("ticket", "note", "1", "bad\u001b[31mtext"));
        assertTrue(err.contains("ticket note"), err);
        assertEquals(2, run("ticket", "reopen", "1", "--why", "x"));
        assertEquals("error: ticket 1 is new, not resolved or closed", err.trim());
        assertEquals(2, run("ticket", "open", "--description", "x", "--phone", "12345"));
        assertTrue(err.contains("not an E.164 number"), err);

        assertEquals(0, run("ticket", "show", "1", "--json"));
        assertEquals(before.replaceAll("\"asOf\" : \"[^\"]*\"", ""), out.replaceAll("\"asOf\" : \"[^\"]*\"", ""),
                "nothing changed");
        assertEquals(0, run("ticket", "close", "1"));
        assertEquals(2, run("ticket", "close", "1"));
        assertEquals("error: ticket 1 is already closed", err.trim());
        assertEquals(2, run("ticket", "wait", "1"));
        assertEquals("error: ticket 1 is closed; reopen it first", err.trim());
    }

    @Test
    void contactAndResolveNameTheirTechnicianWithByLikeEveryOtherChange() {
        assertEquals(0, run("ticket", "open", "--name", "Jane Doe", "--priority", "P3", "--description", "Printer jammed"));
        assertEquals(2, run("ticket", "contact", "1", "--by", "Nobody", "--how", "phoned"));
        assertTrue(err.contains("Nobody"), err);
        assertEquals(2, run("ticket", "resolve", "1", "--by", "Nobody"));
        assertTrue(err.contains("Nobody"), err);
        assertEquals(0, run("ticket", "show", "1"));
        assertTrue(out.contains("NEW"), "a refused --by changed nothing: " + out);

        assertEquals(0, run("ticket", "contact", "1", "--by", "Sam", "--how", "phoned Jane"));
        assertEquals(0, run("ticket", "resolve", "1", "--by", "Pat", "--summary", "new fuser"));
        assertEquals(0, run("ticket", "show", "1"));
        assertTrue(out.contains("Sam contacted the customer: phoned Jane"), out);
        assertTrue(out.contains("resolved (Pat: new fuser)"), out);
    }
}

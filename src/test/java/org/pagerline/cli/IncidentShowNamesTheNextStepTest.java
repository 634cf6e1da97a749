package org.pagerline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.pagerline.core.roster.Role;
import org.pagerline.core.ticket.Priority;
import org.pagerline.service.CalendarService;
import org.pagerline.service.Services;
import org.pagerline.testkit.CliHarness;
import org.pagerline.testkit.PagingHarness;

/** {@code incident show} says what comes next: when, which role, who that is now; or none, and why. */
class IncidentShowNamesTheNextStepTest {
    final PagingHarness h = new PagingHarness().withDefaultRoster();
    final Services services = new Services(h.clock, h.roster, new CalendarService(h.tx), h.tickets, null, null, null,
            h.incidents, h.paging);
    String out;

    @AfterEach
    void close() {
        h.close();
    }

    private String show(long id, String... more) {
        String[] args = new String[3 + more.length];
        args[0] = "incident";
        args[1] = "show";
        args[2] = Long.toString(id);
        System.arraycopy(more, 0, args, 3, more.length);
        CliHarness.Result r = CliHarness.run(services, args);
        assertEquals(0, r.exit(), r.out() + r.err());
        return r.out();
    }

    @Test
    void anOpenIncidentNamesTheNextStepItsTimeItsRoleAndWhoHoldsItNow() throws Exception {
        long id = h.voicemailPagingPatAndSam(Priority.P2);
        // opened 2026-03-03T03:00Z = Mon 21:00 in Winnipeg; step 2 pages the team lead 5 minutes later
        out = show(id);
        assertTrue(out.contains("next step: 2 (5m TEAM_LEAD), cycle 1, at Mon 2026-03-02 21:05 CST: "
                + "TEAM_LEAD is Lee (+12045550103) now"), out);

        JsonNode next = Json.MAPPER.readTree(show(id, "--json")).get("next");
        assertEquals("2026-03-03T03:05:00Z", next.get("at").asText());
        assertEquals(2, next.get("step").asInt());
        assertEquals("TEAM_LEAD", next.get("who").get(0).get("target").asText());
        assertEquals("Lee", next.get("who").get(0).get("technician").asText());
        assertTrue(next.get("none").isNull());

        // an override changes who that is, at once
        h.roster.addOverride(Role.TEAM_LEAD, "Val", h.clock.instant(), Instant.parse("2026-03-04T00:00:00Z"));
        assertTrue(show(id).contains("TEAM_LEAD is Val (+12045550104) now"));
    }

    @Test
    void anUnfilledRoleIsSaidSo() {
        try (PagingHarness desk = new PagingHarness()) {
            desk.onCall(Role.PRIMARY, "Pat", PagingHarness.PAT);
            long id = desk.voicemail(Priority.P1);
            desk.pass();
            desk.expectPaged(PagingHarness.PAT, id);
            Services s = new Services(desk.clock, desk.roster, new CalendarService(desk.tx), desk.tickets, null, null, null,
                    desk.incidents, desk.paging);
            CliHarness.Result r = CliHarness.run(s, "incident", "show", Long.toString(id));
            assertTrue(r.out().contains("next step: 2 (5m TEAM_LEAD), cycle 1, at Mon 2026-03-02 21:05 CST: "
                    + "TEAM_LEAD is unfilled now (nobody would be paged)"), r.out());
        }
    }

    @Test
    void onceAcknowledgedOrResolvedThereIsNoNextStepAndItSaysWhy() {
        long id = h.voicemailPagingPatAndSam(Priority.P2);
        h.incidents.acknowledge(id, "Sam");
        h.pass();
        h.expectSms(PagingHarness.PAT, "Sam took incident " + id);
        assertTrue(show(id).contains("next step: none: acknowledged by Sam"), out);
        h.incidents.resolve(id);
        assertTrue(show(id).contains("next step: none: resolved"));
        h.after(Duration.ofMinutes(10));
        h.expectNothingElse();
    }
}

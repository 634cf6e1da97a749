package org.pagerline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pagerline.testkit.PagingHarness.PAT;
import static org.pagerline.testkit.PagingHarness.SAM;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.pagerline.core.ticket.Priority;
import org.pagerline.service.CalendarService;
import org.pagerline.service.Services;
import org.pagerline.testkit.CliHarness;
import org.pagerline.testkit.PagingHarness;

/** pagerline incident ... and pagerline policy ..., as an admin types them. */
class IncidentCliTest {
    final PagingHarness h = new PagingHarness().withDefaultRoster();
    final Services services = new Services(h.clock, h.roster, new CalendarService(h.tx), h.tickets, null, null, null, h.incidents, h.paging);
    String out;
    String err;

    @AfterEach
    void close() {
        h.close();
    }

    int run(String... args) {
        CliHarness.Result r = CliHarness.run(services, args);
        out = r.out();
        err = r.err();
        return r.exit();
    }

    @Test
    void listShowAckCallbackResolve() {
        long id = h.voicemailPagingPatAndSam(Priority.P2);

        assertEquals(0, run("incident", "list"));
        assertTrue(out.contains("OPEN") && out.contains("Jane Doe (Acme)"), out);
        assertEquals(0, run("incident", "show", Long.toString(id), "--json"));
        assertTrue(out.contains("\"state\" : \"OPEN\"") && out.contains("\"timeline\""), out);

        assertEquals(0, run("incident", "ack", Long.toString(id), "--tech", "Sam"));
        assertTrue(out.contains("acknowledged by Sam; paging stopped"), out);
        assertEquals(0, run("incident", "ack", Long.toString(id), "--tech", "Pat"));
        assertTrue(out.contains("already acknowledged by Sam; nothing changed"), out);
        h.pass();
        h.expectSms(PAT, "Sam took incident " + id);

        assertEquals(0, run("incident", "callback", Long.toString(id), "--tech", "Sam", "--json"));
        // a script reads back what it did: the answer and the incident after it
        assertTrue(out.contains("\"changed\" : true") && out.contains("call-back by Sam recorded")
                && out.contains("\"state\" : \"CALLED_BACK\""), out);
        assertEquals(0, run("incident", "resolve", Long.toString(id)));
        assertTrue(out.contains("resolved; ticket"), out);
        assertEquals(0, run("incident", "ack", Long.toString(id), "--tech", "Pat", "--json"));
        assertTrue(out.contains("\"changed\" : false") && out.contains("\"state\" : \"RESOLVED\""), out);
        assertEquals(0, run("incident", "show", Long.toString(id)));
        assertTrue(out.contains("RESOLVED") && out.contains("CALLED_BACK  Sam called the caller back (CLI)"), out);
    }

    @Test
    void badInputIsOneClearLineAndChangesNothing() {
        assertEquals(2, run("incident", "ack", "99", "--tech", "Sam"));
        assertEquals("error: no incident with id 99", err.trim());
        long id = h.voicemail(Priority.P3);
        assertEquals(2, run("incident", "ack", Long.toString(id), "--tech", "Nobody"));
        assertTrue(err.contains("unknown technician 'Nobody'"), err);
        h.pass();
        h.expectPaged(PAT, id);
        h.expectPaged(SAM, id);
    }

    @Test
    void policyShowAndSetValidated() {
        assertEquals(0, run("policy", "show"));
        assertTrue(out.contains("step 2: after 5m page TEAM_LEAD"), out);
        assertEquals(0, run("policy", "set", "--step", "0m PRIMARY", "--step", "2m SECONDARY,@Lee", "--repeat", "5m"));
        assertEquals(0, run("policy", "show", "--json"));
        assertTrue(out.contains("\"spec\" : \"0m PRIMARY | 2m SECONDARY,@Lee | repeat 5m\""), out);

        assertEquals(2, run("policy", "set", "--step", "0m PRIMARY", "--step", "2m @Nobody", "--repeat", "5m"));
        assertTrue(err.contains("no technician named 'Nobody'"), err);
        assertEquals(2, run("policy", "set", "--step", "5m PRIMARY", "--step", "0m SECONDARY", "--repeat", "5m"));
        assertTrue(err.contains("delays must not go down"), err);
        assertEquals(0, run("policy", "show", "--json"));
        assertTrue(out.contains("0m PRIMARY | 2m SECONDARY,@Lee | repeat 5m"), "unchanged after bad input: " + out);
    }
}

package org.pagerline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.pagerline.core.queue.QueueMember;
import org.pagerline.service.CalendarService;
import org.pagerline.service.PhoneNumbers;
import org.pagerline.service.QueueService;
import org.pagerline.service.RosterService;
import org.pagerline.service.Services;
import org.pagerline.testkit.CliHarness;
import org.pagerline.service.TicketService;
import org.pagerline.service.Transactions;
import org.pagerline.testkit.MutableClock;
import org.pagerline.testkit.TestDatabase;

/** {@code pagerline queue ...} as an admin types it, against a real database. */
class QueueCommandTest {
    private final TestDatabase db = TestDatabase.inMemory();
    private final Transactions tx = db.transactions();
    private final MutableClock clock = MutableClock.at("2026-11-23T10:00:00-06:00");
    private final QueueService queue = new QueueService(tx, clock);
    private final Services services = new Services(clock, new RosterService(tx, new PhoneNumbers("CA"), clock),
            new CalendarService(tx), new TicketService(tx, clock), queue, null, null, null, null, null);
    private String out;
    private String err;

    @AfterEach
    void close() {
        db.close();
    }

    private int run(String... args) {
        CliHarness.Result r = CliHarness.run(services, args);
        out = r.out();
        err = r.err();
        return r.exit();
    }

    @Test
    void signInAndOutAreStoredAndRepeatsAreHarmless() {
        assertEquals(0, run("tech", "add", "--name", "Alice Tremblay", "--phone", "+12045550101"));

        assertEquals(0, run("queue", "signin", "alice tremblay"));
        assertEquals("signed in: Alice Tremblay", out.trim());
        assertEquals(0, run("queue", "signin", "Alice Tremblay"));
        assertEquals("Alice Tremblay was already signed in", out.trim());
        assertEquals(List.of("Alice Tremblay"), queue.wantedMembers().stream().map(t -> t.name()).toList());

        assertEquals(0, run("queue", "signout", "Alice Tremblay"));
        assertEquals("signed out: Alice Tremblay", out.trim());
        assertTrue(queue.wantedMembers().isEmpty());
    }

    @Test
    void anUnknownTechnicianIsAClearErrorAndChangesNothing() {
        assertEquals(2, run("queue", "signin", "Nobody"));
        assertTrue(err.startsWith("error: "), err);
        assertTrue(err.contains("Nobody"), err);
        assertTrue(queue.view().signedIn().isEmpty());
    }

    @Test
    void showPrintsTheLiveQueueAsTheServerRecordedIt() throws Exception {
        run("tech", "add", "--name", "Alice Tremblay", "--phone", "+12045550101");
        run("queue", "signin", "Alice Tremblay");
        // what the AMI adapter writes in the server process
        queue.link(true);
        queue.replaceLive(List.of(), List.of(new QueueMember("PJSIP/12045550101@trunk", "Alice Tremblay", "NOT_IN_USE",
                false, clock.instant())));
        queue.callerJoined("1700.1", "helpdesk", "+12045559001", "Acme Front", 1);
        clock.advance(Duration.ofSeconds(30));
        queue.callerJoined("1700.2", "helpdesk", "+12045559002", "Beta Corp", 2);
        clock.advance(Duration.ofSeconds(95));

        assertEquals(0, run("queue", "show"));
        assertTrue(out.contains("desk: open"), out);
        assertTrue(out.contains("AMI: up"), out);
        assertTrue(out.contains("callers waiting: 2"), out);
        assertTrue(out.matches("(?s).*\\s1\\s+\\+12045559001\\s+Acme Front\\s+waiting 2m05s.*"), out);
        assertTrue(out.matches("(?s).*\\s2\\s+\\+12045559002\\s+Beta Corp\\s+waiting 1m35s.*"), out);
        assertTrue(out.contains("Alice Tremblay") && out.contains("NOT_IN_USE"), out);

        assertEquals(0, run("queue", "show", "--json"));
        JsonNode j = Json.MAPPER.readTree(out);
        assertEquals(true, j.get("deskOpen").asBoolean());
        assertEquals("up", j.get("ami").get("state").asText());
        assertEquals(2, j.get("callers").size());
        assertEquals("1700.1", j.get("callers").get(0).get("uniqueId").asText());
        assertEquals(125, j.get("callers").get(0).get("waitSeconds").asLong());
        assertEquals("Alice Tremblay", j.get("members").get(0).get("technician").asText());
        assertEquals("Alice Tremblay", j.get("signedIn").get(0).get("technician").asText());

        queue.callerLeft("1700.1");
        run("queue", "show", "--json");
        j = Json.MAPPER.readTree(out);
        assertEquals(1, j.get("callers").size());
        assertEquals(1, j.get("callers").get(0).get("position").asInt());
    }
}

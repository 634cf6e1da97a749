package org.pagerline.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.pagerline.core.incident.IncidentState;
import org.pagerline.core.ticket.Priority;
import org.pagerline.testkit.Eventually;
import org.pagerline.testkit.PagingHarness;

/**
 * Resolving a ticket ends its incident in the same transaction, so it takes both rows. It takes the
 * incident first, as an acknowledgement and the escalation engine do (incident, then the ticket's
 * touch): the other order deadlocks with them, and a desk's Resolve pressed as Pat texts "12a"
 * would fail one of the two. Held here: while the resolve waits for an incident another
 * transaction holds, it holds nothing of the ticket.
 */
class ResolvingATicketTakesItsIncidentFirstTest {

    @Test
    void whileItWaitsForTheIncidentTheTicketIsFreeForOthers() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        // the server's lock wait (10 s): the resolve waits for the held incident as long as this test needs
        try (PagingHarness h = new PagingHarness(new org.pagerline.core.page.RateLimit(10, Duration.ofMinutes(10)),
                org.pagerline.testkit.TestDatabase.inMemoryWaitingAsTheServerDoes()).withDefaultRoster()) {
            long incident = h.voicemail(Priority.P2);
            long ticket = h.incidents.show(incident).incident().ticketId();
            Connection holder = h.db.database().dataSource().getConnection();
            holder.setAutoCommit(false);
            try (PreparedStatement st = holder.prepareStatement("SELECT id FROM incidents WHERE id=? FOR UPDATE")) {
                st.setLong(1, incident);
                st.executeQuery().close();
            }
            Future<?> resolving = pool.submit(() -> h.tickets.resolve(ticket, "Pat", "reset the switch"));
            Eventually.await(Duration.ofSeconds(5), "the resolve waiting for the incident's row", () -> blocked(h) > 0);

            // another change of the ticket (a note, a take, the clock engine) is not held up by the waiting resolve
            Future<?> note = pool.submit(() -> h.tickets.note(ticket, "Sam", "the customer called again"));
            note.get(5, TimeUnit.SECONDS);
            assertFalse(resolving.isDone(), "the note went through while the resolve still waited (not after it gave up)");

            holder.rollback();
            holder.close();
            resolving.get(10, TimeUnit.SECONDS);
            assertEquals(IncidentState.RESOLVED, h.incidents.show(incident).incident().state());
        } finally {
            pool.shutdownNow();
        }
    }

    /** Sessions H2 has waiting for another's lock. */
    private static int blocked(PagingHarness h) {
        try (Connection c = h.db.database().dataSource().getConnection();
                PreparedStatement st = c.prepareStatement(
                        "SELECT COUNT(*) FROM INFORMATION_SCHEMA.SESSIONS WHERE BLOCKER_ID IS NOT NULL");
                ResultSet rs = st.executeQuery()) {
            rs.next();
            return rs.getInt(1);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}

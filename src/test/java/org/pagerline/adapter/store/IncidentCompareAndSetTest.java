package org.pagerline.adapter.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.pagerline.core.incident.Incident;
import org.pagerline.core.incident.IncidentLife;
import org.pagerline.core.incident.IncidentState;
import org.pagerline.core.ticket.Priority;
import org.pagerline.core.ticket.Ticket;
import org.pagerline.core.ticket.TicketSource;
import org.pagerline.core.ticket.TicketStatus;
import org.pagerline.service.Transactions;
import org.pagerline.testkit.TestDatabase;

/** An incident is saved only over the version it was read at: a change made meanwhile is never overwritten. */
class IncidentCompareAndSetTest {
    static final Instant T0 = Instant.parse("2026-03-03T03:00:00Z");
    final TestDatabase db = TestDatabase.inMemory();
    final Transactions tx = db.transactions();

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void aSaveOverAVersionSomeoneElseSavedMeanwhileChangesNothing() {
        long id = tx.inTransaction(s -> {
            Ticket t = s.tickets().insert(new Ticket(0, T0, T0, TicketStatus.OPEN, TicketSource.PHONE, Priority.P3, "+1",
                    "Jane", "Acme", "+1", null));
            return s.incidents().insert(Incident.open(t.id(), Priority.P3, new Incident.Caller("+1", "Jane", "Acme", "+1",
                    "rec"), T0, T0, Duration.ZERO, Duration.ofMinutes(30), null, Duration.ofMinutes(15))).id();
        });
        Incident read = tx.inTransaction(s -> s.incidents().find(id).orElseThrow());
        assertEquals(0, read.version());

        Incident patTook = IncidentLife.acknowledge(read, new IncidentLife.Actor(1, "Pat"), "SMS", T0).incident();
        Incident samTook = IncidentLife.acknowledge(read, new IncidentLife.Actor(2, "Sam"), "SMS", T0).incident();
        boolean pat = tx.inTransaction(s -> s.incidents().save(patTook));
        boolean sam = tx.inTransaction(s -> s.incidents().save(samTook));
        assertTrue(pat);
        assertFalse(sam, "Sam decided on the incident as it was before Pat");

        Incident stored = tx.inTransaction(s -> s.incidents().find(id).orElseThrow());
        assertEquals(IncidentState.ACKNOWLEDGED, stored.state());
        assertEquals("Pat", stored.ownerName());
        assertEquals(1, stored.version());
    }
}

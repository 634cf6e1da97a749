package org.pagerline.adapter.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pagerline.core.ticket.Ticket;
import org.pagerline.core.ticket.TicketSource;
import org.pagerline.core.ticket.TicketStatus;
import org.pagerline.testkit.TestDatabase;

/**
 * The ticket clocks' and the escalation engine's passes ask which tickets and incidents are due,
 * and when the next one is, many times a minute. Closed tickets and incidents have no next check
 * (NULL), and a desk keeps years of them: the answers must come from the few due, not from reading
 * every closed row first (H2 keeps NULLs first in an index). On the H2 file: the answers, and how
 * many rows H2 read to give them.
 */
class ClockPassesReadTheDueNotEveryClosedRowTest {
    private static final Instant NOW = Instant.parse("2026-12-04T03:00:00Z");

    @TempDir
    Path dir;

    @Test
    void dueTicketsAndTheNextClockCheckAreReadWithoutTheClosedTickets() throws Exception {
        try (TestDatabase db = TestDatabase.fileIn(dir); Connection asker = db.database().dataSource().getConnection()) {
            // 2,000 closed tickets (no clock check), one due a minute ago, one due in an hour
            try (Connection c = db.database().dataSource().getConnection();
                    PreparedStatement ps = c.prepareStatement("INSERT INTO tickets (opened_at, updated_at, status, source,"
                            + " caller_number, sla_check_at) VALUES (?,?,'OPEN','PHONE','+12045550100',?)")) {
                for (int i = 0; i < 2000; i++) {
                    ps.setObject(1, NOW.minusSeconds(86_400).atOffset(ZoneOffset.UTC));
                    ps.setObject(2, NOW.minusSeconds(86_400).atOffset(ZoneOffset.UTC));
                    ps.setObject(3, null);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            long due = setCheck(db, "tickets", openTicket(db, "+12045550102"), NOW.minusSeconds(60));
            setCheck(db, "tickets", openTicket(db, "+12045550101"), NOW.plusSeconds(3600));

            assertEquals(List.of(due), db.transactions().inTransaction(s -> s.tickets().claimClockDue(NOW, 10)));
            assertEquals(List.of(due), db.transactions().inTransaction(s -> s.tickets().clockDue(NOW, 10)));
            assertEquals(Optional.of(NOW.minusSeconds(60)), db.transactions().inTransaction(s -> s.tickets().nextClockCheck()));
            assertTrue(H2RowsRead.of(asker, JdbcTicketStore.CLOCK_DUE + " ORDER BY sla_check_at, id FETCH FIRST 10 ROWS ONLY",
                    Jdbc.EARLIEST.atOffset(ZoneOffset.UTC), NOW.atOffset(ZoneOffset.UTC)) <= 2, "rows read for the due tickets");
            assertTrue(H2RowsRead.of(asker, JdbcTicketStore.NEXT_CLOCK_CHECK, Jdbc.EARLIEST.atOffset(ZoneOffset.UTC)) <= 2,
                    "rows read for the next clock check");
        }
    }

    @Test
    void dueIncidentsAndTheNextEscalationAreReadWithoutTheClosedIncidents() throws Exception {
        try (TestDatabase db = TestDatabase.fileIn(dir); Connection asker = db.database().dataSource().getConnection()) {
            // incidents 1..2000, none with anything due (closed); then incident 7's call-back is due
            H2RowsRead.ticketWithIncidents(db, 2000, NOW.minusSeconds(86_400));
            setCheck(db, "incidents", 7, NOW.minusSeconds(30), "callback_due_at");
            setCheck(db, "incidents", 9, NOW.plusSeconds(600), "next_escalation_at");

            assertEquals(List.of(7L), db.transactions().inTransaction(s -> s.incidents().dueIds(NOW, 10)));
            assertEquals(Optional.of(NOW.minusSeconds(30)), db.transactions().inTransaction(s -> s.incidents().nextDue()));
            Object earliest = Jdbc.EARLIEST.atOffset(ZoneOffset.UTC);
            Object now = NOW.atOffset(ZoneOffset.UTC);
            // each part reads at most its due row and the next; the union, what the parts found
            assertTrue(H2RowsRead.of(asker, JdbcIncidentStore.DUE, earliest, now, earliest, now, earliest, now) <= 10,
                    "rows read for the due incidents, over the three parts and their union");
            for (String col : List.of("next_escalation_at", "callback_due_at", "sla_check_at")) {
                assertTrue(H2RowsRead.of(asker, JdbcIncidentStore.first(col), earliest) <= 2, "rows read for the first " + col);
            }
        }
    }

    private static long openTicket(TestDatabase db, String number) {
        return db.transactions().inTransaction(s -> s.tickets().insert(new Ticket(0, NOW, NOW, TicketStatus.OPEN,
                TicketSource.PHONE, null, number, null, null, null, null)).id());
    }

    private static long setCheck(TestDatabase db, String table, long id, Instant at) throws Exception {
        return setCheck(db, table, id, at, "sla_check_at");
    }

    private static long setCheck(TestDatabase db, String table, long id, Instant at, String col) throws Exception {
        try (Connection c = db.database().dataSource().getConnection();
                PreparedStatement ps = c.prepareStatement("UPDATE " + table + " SET " + col + "=? WHERE id=?")) {
            ps.setObject(1, at.atOffset(ZoneOffset.UTC));
            ps.setLong(2, id);
            assertEquals(1, ps.executeUpdate());
        }
        return id;
    }
}

package org.pagerline.adapter.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pagerline.core.ticket.Priority;
import org.pagerline.core.ticket.Ticket;
import org.pagerline.core.ticket.TicketSource;
import org.pagerline.core.ticket.TicketStatus;
import org.pagerline.service.Transactions;
import org.pagerline.testkit.TestDatabase;

/**
 * Saving a ticket's facts (the support line's priority and call-back number, a close) has the
 * clock engine look at the ticket at once ({@code sla_check_at} = the change's instant) when its
 * priority or status moved, and leaves the check where it was otherwise: one statement, which reads
 * the row as it was. On the H2 file here; on PostgreSQL in {@link PostgresStoreIT}.
 */
class ATicketSaveMovesItsClockCheckOnlyWhenItsLifeMovesTest {
    private static final Instant T0 = Instant.parse("2026-12-05T03:00:00Z");

    @TempDir
    Path dir;

    @Test
    void onTheH2File() throws Exception {
        try (TestDatabase db = TestDatabase.fileIn(dir)) {
            check(db.transactions(), db.database());
        }
    }

    /** The behaviour, on any database pagerline runs on. */
    static void check(Transactions tx, Database db) throws Exception {
        Ticket t = tx.inTransaction(s -> s.tickets().insert(new Ticket(0, T0, T0, TicketStatus.OPEN, TicketSource.PHONE,
                null, "+12045550199", null, null, null, "")));
        Instant later = T0.plusSeconds(3600);
        setCheck(db, t.id(), later);

        // the caller's call-back number alone: the check stays where the clocks put it
        Ticket withCallback = t.withCallback("+12045550199").touchedAt(T0.plusSeconds(10));
        tx.inTransaction(s -> { s.tickets().update(withCallback); return null; });
        assertEquals(later, check(db, t.id()), "a call-back number moves no clock");
        assertEquals("+12045550199", tx.inTransaction(s -> s.tickets().find(t.id())).orElseThrow().callbackNumber());

        // a first priority (none before: NULL is not P1 either)
        Ticket p1 = withCallback.withPriority(Priority.P1).touchedAt(T0.plusSeconds(20));
        tx.inTransaction(s -> { s.tickets().update(p1); return null; });
        assertEquals(T0.plusSeconds(20), check(db, t.id()), "a priority chosen has the clocks look at once");
        assertEquals(Priority.P1, tx.inTransaction(s -> s.tickets().find(t.id())).orElseThrow().priority());

        // the same priority saved again (with the time it was touched): the check stays
        setCheck(db, t.id(), later);
        tx.inTransaction(s -> { s.tickets().update(p1.touchedAt(T0.plusSeconds(30))); return null; });
        assertEquals(later, check(db, t.id()), "the same priority moves no clock");
        assertEquals(T0.plusSeconds(30), tx.inTransaction(s -> s.tickets().find(t.id())).orElseThrow().updatedAt());

        // a lower priority moves it too, and so does a status
        tx.inTransaction(s -> { s.tickets().update(p1.withPriority(Priority.P3).touchedAt(T0.plusSeconds(40))); return null; });
        assertEquals(T0.plusSeconds(40), check(db, t.id()));
        setCheck(db, t.id(), later);
        Ticket closed = p1.withPriority(Priority.P3).withStatus(TicketStatus.CLOSED).touchedAt(T0.plusSeconds(50));
        tx.inTransaction(s -> { s.tickets().update(closed); return null; });
        assertEquals(T0.plusSeconds(50), check(db, t.id()), "a close has the clocks look at once (they stop)");
        assertEquals(TicketStatus.CLOSED, tx.inTransaction(s -> s.tickets().find(t.id())).orElseThrow().status());

        // a priority taken away (back to none) is a change as well
        setCheck(db, t.id(), null);
        tx.inTransaction(s -> { s.tickets().update(new Ticket(t.id(), T0, T0.plusSeconds(60), TicketStatus.CLOSED,
                TicketSource.PHONE, null, "+12045550199", null, null, "+12045550199", "")); return null; });
        assertEquals(T0.plusSeconds(60), check(db, t.id()));
        assertNull(tx.inTransaction(s -> s.tickets().find(t.id())).orElseThrow().priority());
    }

    private static void setCheck(Database db, long id, Instant at) throws Exception {
        try (Connection c = db.dataSource().getConnection();
                PreparedStatement ps = c.prepareStatement("UPDATE tickets SET sla_check_at=? WHERE id=?")) {
            ps.setObject(1, at == null ? null : at.atOffset(ZoneOffset.UTC));
            ps.setLong(2, id);
            ps.executeUpdate();
        }
    }

    private static Instant check(Database db, long id) throws Exception {
        try (Connection c = db.dataSource().getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT sla_check_at FROM tickets WHERE id=?")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                OffsetDateTime at = rs.getObject(1, OffsetDateTime.class);
                return at == null ? null : at.toInstant();
            }
        }
    }
}

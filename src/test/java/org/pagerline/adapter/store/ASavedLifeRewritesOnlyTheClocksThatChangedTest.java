package org.pagerline.adapter.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pagerline.core.ticket.ClockKind;
import org.pagerline.core.ticket.Pause;
import org.pagerline.core.ticket.Priority;
import org.pagerline.core.ticket.SlaClock;
import org.pagerline.core.ticket.Ticket;
import org.pagerline.core.ticket.TicketLife;
import org.pagerline.core.ticket.TicketSource;
import org.pagerline.core.ticket.TicketStatus;
import org.pagerline.testkit.TestDatabase;

/**
 * A ticket's life saved against the life read in the same transaction leaves what replacing every
 * clock and pause leaves (a clock added, changed, kept or gone; the pauses changed or not), and a
 * clock that did not change keeps its row: the voicemail's call-back promise changes one clock of
 * three, and rewriting all three rewrote their table's pages in every commit.
 */
class ASavedLifeRewritesOnlyTheClocksThatChangedTest {
    @TempDir
    Path dir;

    private static final Instant AT = Instant.parse("2026-12-04T03:00:00Z");

    private static TicketLife withClocks(TicketLife l, List<SlaClock> clocks, List<Pause> pauses) {
        return new TicketLife(l.ticketId(), l.source(), l.openedAt(), l.state(), l.ownerId(), l.ownerName(), l.priority(),
                l.resolvedAt(), l.closedAt(), l.autoCloseAt(), l.version(), clocks, pauses, l.rowPriority());
    }

    /** Each clock row's H2 row id, by clock: a row deleted and inserted again gets a new one. */
    private static Map<String, Long> rowIds(TestDatabase db, long ticket) throws SQLException {
        Map<String, Long> out = new HashMap<>();
        try (Connection c = db.database().dataSource().getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT _ROWID_, clock FROM ticket_clocks WHERE ticket_id=?")) {
            ps.setLong(1, ticket);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(2), rs.getLong(1));
                }
            }
        }
        return out;
    }

    @Test
    void onlyTheChangedClocksAreWrittenAndTheLifeReadBackIsTheOneSaved() throws Exception {
        try (TestDatabase db = TestDatabase.fileIn(dir)) {
            long id = db.transactions().inTransaction(s -> s.tickets().insert(new Ticket(0, AT, AT, TicketStatus.OPEN,
                    TicketSource.PHONE, Priority.P3, "+12045550199", "Pat Doe", "Acme", null, null)).id());
            SlaClock contact = SlaClock.start(ClockKind.CONTACT, AT, null, Duration.ofMinutes(30));
            SlaClock respond = SlaClock.start(ClockKind.RESPOND, AT, Priority.P3, null);
            SlaClock resolve = SlaClock.start(ClockKind.RESOLVE, AT, Priority.P3, null);
            List<Pause> pauses = List.of(new Pause(AT.plusSeconds(60), AT.plusSeconds(120), "WAITING_ON_CUSTOMER"));
            db.transactions().inTransaction(s -> {
                TicketLife read = s.tickets().life(id).orElseThrow();
                assertTrue(s.tickets().saveLife(read, withClocks(read, List.of(contact, respond, resolve), pauses), null, AT));
                return null;
            });
            Map<String, Long> before = rowIds(db, id);
            assertEquals(3, before.size(), before.toString());

            // the contact clock is met, the respond clock kept, the resolve clock gone, a pause added
            SlaClock met = new SlaClock(ClockKind.CONTACT, AT, null, Duration.ofMinutes(30), AT.plusSeconds(1800), null,
                    AT.plusSeconds(300), null, null, null);
            List<Pause> twoPauses = List.of(pauses.get(0), new Pause(AT.plusSeconds(600), null, "RESOLVED"));
            TicketLife saved = db.transactions().inTransaction(s -> {
                TicketLife read = s.tickets().life(id).orElseThrow();
                TicketLife after = withClocks(read, List.of(met, respond), twoPauses);
                assertTrue(s.tickets().saveLife(read, after, null, AT.plusSeconds(600)));
                return after;
            });
            TicketLife back = db.transactions().inTransaction(s -> s.tickets().life(id).orElseThrow());
            assertEquals(List.of(met, respond), back.clocks());
            assertEquals(twoPauses, back.pauses());
            assertEquals(saved.version() + 1, back.version(), "the compare-and-set moved the version once");

            Map<String, Long> after = rowIds(db, id);
            assertEquals(before.get("RESPOND"), after.get("RESPOND"), "the unchanged clock kept its row");
            assertEquals(before.get("CONTACT"), after.get("CONTACT"), "the changed clock was updated in its row");
            assertFalse(after.containsKey("RESOLVE"), "the clock the life no longer has is gone");

            // a clock the life gains is inserted; saving against a stale read writes nothing
            SlaClock again = SlaClock.start(ClockKind.RESOLVE, AT.plusSeconds(900), Priority.P3, null);
            db.transactions().inTransaction(s -> {
                TicketLife read = s.tickets().life(id).orElseThrow();
                assertTrue(s.tickets().saveLife(read, withClocks(read, List.of(met, respond, again), twoPauses), null, AT));
                assertFalse(s.tickets().saveLife(read, withClocks(read, List.of(respond), List.of()), null, AT),
                        "the version moved: nothing written");
                return null;
            });
            TicketLife last = db.transactions().inTransaction(s -> s.tickets().life(id).orElseThrow());
            assertEquals(List.of(met, respond, again), last.clocks());
            assertEquals(twoPauses, last.pauses());
            assertNotEquals(null, rowIds(db, id).get("RESOLVE"));

            // the rows are not what was read (a clock deleted by a writer that did not move the
            // version): the save fails and nothing of it stands, rather than leave a clock out
            TicketLife read = db.transactions().inTransaction(s -> s.tickets().life(id).orElseThrow());
            try (Connection c = db.database().dataSource().getConnection();
                    PreparedStatement ps = c.prepareStatement("DELETE FROM ticket_clocks WHERE ticket_id=? AND clock='RESOLVE'")) {
                ps.setLong(1, id);
                assertEquals(1, ps.executeUpdate());
            }
            SlaClock resolveMet = new SlaClock(ClockKind.RESOLVE, again.startedAt(), Priority.P3, null, null, null,
                    AT.plusSeconds(1200), null, null, null);
            RuntimeException wrong = org.junit.jupiter.api.Assertions.assertThrows(RuntimeException.class,
                    () -> db.transactions().inTransaction(s ->
                            s.tickets().saveLife(read, withClocks(read, List.of(met, respond, resolveMet), twoPauses), null, AT)));
            assertTrue(String.valueOf(wrong.getMessage()).contains("clocks were not as read"), wrong.toString());
            TicketLife now = db.transactions().inTransaction(s -> s.tickets().life(id).orElseThrow());
            assertEquals(read.version(), now.version(), "the compare-and-set was undone with the rest");
            assertEquals(List.of(met, respond), now.clocks());
        }
    }
    @Test
    void aLifesThreeNewClocksAreInsertedByOneStatement() throws Exception {
        try (TestDatabase db = TestDatabase.fileIn(dir); Connection asker = db.database().dataSource().getConnection()) {
            long id = db.transactions().inTransaction(s -> s.tickets().insert(new Ticket(0, AT, AT, TicketStatus.OPEN,
                    TicketSource.PHONE, Priority.P3, "+12045550199", "Pat Doe", "Acme", null, null)).id());
            List<SlaClock> clocks = List.of(SlaClock.start(ClockKind.CONTACT, AT, null, Duration.ofMinutes(30)),
                    SlaClock.start(ClockKind.RESPOND, AT, Priority.P3, null), SlaClock.start(ClockKind.RESOLVE, AT, Priority.P3, null));
            try (var st = asker.createStatement()) {
                st.execute("SET QUERY_STATISTICS TRUE"); // counts each statement text run from now on
            }
            db.transactions().inTransaction(s -> {
                TicketLife read = s.tickets().life(id).orElseThrow();
                assertTrue(s.tickets().saveLife(read, withClocks(read, clocks, List.of()), null, AT));
                return null;
            });
            assertEquals(clocks, db.transactions().inTransaction(s -> s.tickets().life(id).orElseThrow()).clocks());
            long inserts = 0;
            try (var st = asker.createStatement(); ResultSet rs = st.executeQuery("SELECT SUM(EXECUTION_COUNT) FROM"
                    + " INFORMATION_SCHEMA.QUERY_STATISTICS WHERE SQL_STATEMENT LIKE 'INSERT INTO ticket_clocks%'")) {
                assertTrue(rs.next());
                inserts = rs.getLong(1);
            }
            // every new phone ticket starts three clocks: as a JDBC batch, H2 ran three statements
            assertEquals(1, inserts, "statements inserting the three clocks");
        }
    }
}

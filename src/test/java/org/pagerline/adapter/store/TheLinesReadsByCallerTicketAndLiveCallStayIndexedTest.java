package org.pagerline.adapter.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pagerline.testkit.TestDatabase;

/**
 * The support line's busiest tables carry as few index entries as its reads need, because H2
 * writes every page a commit changed (V22, V23), and those reads still find their rows without
 * reading the rest: a caller's open ticket among their closed ones, a ticket's timeline among
 * every other ticket's, the calls a stopped run left live among every ended call. On the H2 file:
 * the answers, and how many rows H2 read to give them.
 */
class TheLinesReadsByCallerTicketAndLiveCallStayIndexedTest {
    private static final Instant NOW = Instant.parse("2026-12-05T04:00:00Z");
    private static final String CALLER = "+12045550142";

    @TempDir
    Path dir;

    @Test
    void aCallersOpenTicketIsFoundWithoutReadingTheirClosedTicketsOrOtherCallers() throws Exception {
        try (TestDatabase db = TestDatabase.fileIn(dir); Connection c = db.database().dataSource().getConnection()) {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO tickets (id, opened_at, updated_at, status, state,"
                    + " source, caller_number) VALUES (?,?,?,?,?,'PHONE',?)")) {
                // 300 of this caller's tickets closed in the last minutes, 1,000 other callers' open ones
                for (long id = 1; id <= 1301; id++) {
                    boolean mine = id <= 300 || id == 1301;
                    boolean open = !mine || id == 1301;
                    ps.setLong(1, id);
                    ps.setObject(2, at(-600));
                    ps.setObject(3, at(id == 1301 ? -120 : -60));
                    ps.setString(4, open ? "OPEN" : "CLOSED");
                    ps.setString(5, open ? "NEW" : "CLOSED");
                    ps.setString(6, mine ? CALLER : "+1204555" + String.format("%04d", id));
                    ps.addBatch();
                }
                ps.executeBatch();
            }

            assertEquals(1301L, db.transactions().inTransaction(s -> s.tickets().findOpenByCaller(CALLER, NOW.minusSeconds(1800)))
                    .orElseThrow().id());
            int rows = H2RowsRead.of(c, JdbcTicketStore.OPEN_BY_CALLER, CALLER, at(-1800));
            assertTrue(rows <= 3, "rows read for the caller's open ticket: " + rows);
        }
    }

    @Test
    void aTicketsTimelineIsReadByItsTicketNotFromEveryTicketsLines() throws Exception {
        try (TestDatabase db = TestDatabase.fileIn(dir); Connection c = db.database().dataSource().getConnection()) {
            long mine = H2RowsRead.ticketWithIncidents(db, 0, NOW);
            long other = H2RowsRead.ticketWithIncidents(db, 0, NOW);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO ticket_events (ticket_id, occurred_at, kind, detail)"
                    + " VALUES (?,?,'NOTE',?)")) {
                for (int i = 0; i < 3000; i++) {
                    boolean ofMine = i % 600 == 0;
                    ps.setLong(1, ofMine ? mine : other);
                    ps.setObject(2, at(i));
                    ps.setString(3, "line " + i);
                    ps.addBatch();
                }
                ps.executeBatch();
            }

            assertEquals(List.of("line 0", "line 600", "line 1200", "line 1800", "line 2400"),
                    db.transactions().inTransaction(s -> s.tickets().events(mine)).stream().map(e -> e.detail()).toList());
            int rows = H2RowsRead.of(c, JdbcTicketStore.TIMELINE, mine);
            assertTrue(rows <= 6, "rows read for a ticket's five lines: " + rows);
        }
    }

    @Test
    void theCallsAStoppedRunLeftLiveAreFoundWithoutReadingEveryEndedCall() throws Exception {
        try (TestDatabase db = TestDatabase.fileIn(dir); Connection c = db.database().dataSource().getConnection()) {
            long ticket = H2RowsRead.ticketWithIncidents(db, 0, NOW);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO calls (asterisk_uid, ticket_id, started_at, outcome,"
                    + " server_run) VALUES (?,?,?,?,?)")) {
                // 2,000 calls ended; three live, two of them left by an earlier run on this host
                for (int i = 0; i < 2003; i++) {
                    ps.setString(1, "1764900000." + i);
                    ps.setLong(2, ticket);
                    ps.setObject(3, at(-i));
                    ps.setString(4, i < 2000 ? "MESSAGE" : null);
                    ps.setString(5, i == 2002 ? "host-a|run-2" : "host-a|run-1");
                    ps.addBatch();
                }
                ps.executeBatch();
            }

            assertEquals(List.of("1764900000.2000", "1764900000.2001"), db.transactions().inTransaction(
                    s -> s.calls().unfinished("host-a|", "host-a|run-2")).stream().map(r -> r.asteriskUniqueId()).toList());
            int rows = H2RowsRead.of(c, JdbcCallStore.unfinishedSql("host-a|".length(), true), "host-a|", "host-a|run-2");
            assertTrue(rows <= 4, "rows read for the live calls: " + rows);
        }
    }

    @Test
    void eachTimelineLineAndEachCallIsIndexedByItsTicketOnceOnH2() throws Exception {
        try (TestDatabase db = TestDatabase.fileIn(dir); Connection c = db.database().dataSource().getConnection()) {
            assertEquals(List.of("TICKET_ID"), indexesLeadingWith(c, "TICKET_EVENTS", "TICKET_ID"));
            assertEquals(List.of("TICKET_ID"), indexesLeadingWith(c, "CALLS", "TICKET_ID"));
            assertEquals(List.of("TICKET_ID"), indexesLeadingWith(c, "TICKET_PRIORITY_CHANGES", "TICKET_ID"));
        }
    }

    /** The first column of each index on {@code table} whose first column is {@code column}: one entry per index. */
    private static List<String> indexesLeadingWith(Connection c, String table, String column) throws SQLException {
        List<String> found = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT COLUMN_NAME FROM INFORMATION_SCHEMA.INDEX_COLUMNS"
                + " WHERE TABLE_SCHEMA=CURRENT_SCHEMA AND TABLE_NAME=? AND ORDINAL_POSITION=1 AND COLUMN_NAME=?")) {
            ps.setString(1, table);
            ps.setString(2, column);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    found.add(rs.getString(1));
                }
            }
        }
        return found;
    }

    private static OffsetDateTime at(int secondsFromNow) {
        return NOW.plusSeconds(secondsFromNow).atOffset(ZoneOffset.UTC);
    }
}

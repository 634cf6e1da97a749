package org.pagerline.adapter.store;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.pagerline.core.ticket.Ticket;
import org.pagerline.core.ticket.TicketSource;
import org.pagerline.core.ticket.TicketStatus;
import org.pagerline.testkit.TestDatabase;

/**
 * For tests that hold a hot statement to the rows it reads on the H2 file: how many rows H2 read
 * to answer it (EXPLAIN ANALYZE's scanCount), and a ticket with many incidents for pages to hang on.
 */
final class H2RowsRead {
    private H2RowsRead() {
    }

    /** Rows H2 read to answer {@code sql} with these parameters, on {@code c}, over every table it read (its plan is kept per session). */
    static int of(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("EXPLAIN ANALYZE " + sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next());
                Matcher m = Pattern.compile("scanCount: (\\d+)").matcher(rs.getString(1));
                int rows = 0; // an empty table: no count shown
                while (m.find()) {
                    rows += Integer.parseInt(m.group(1)); // every table read: each part of a UNION, a subquery
                }
                return rows;
            }
        }
    }

    /** A phone ticket opened at {@code at} with incidents 1..{@code incidents} on it; the ticket's id. */
    static long ticketWithIncidents(TestDatabase db, int incidents, Instant at) throws SQLException {
        long ticket = db.transactions().inTransaction(s -> s.tickets().insert(new Ticket(0, at, at,
                TicketStatus.OPEN, TicketSource.PHONE, null, "+12045550199", null, null, null, null)).id());
        try (Connection c = db.database().dataSource().getConnection();
                PreparedStatement ps = c.prepareStatement("INSERT INTO incidents (id, ticket_id, state, opened_at,"
                        + " next_step, cycle_no, sla_stage) VALUES (?,?,'OPEN',?,0,0,0)")) {
            for (long i = 1; i <= incidents; i++) {
                ps.setLong(1, i);
                ps.setLong(2, ticket);
                ps.setObject(3, at.atOffset(ZoneOffset.UTC));
                ps.addBatch();
            }
            ps.executeBatch();
        }
        return ticket;
    }
}

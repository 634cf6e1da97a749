package org.pagerline.adapter.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pagerline.core.page.PageKind;
import org.pagerline.testkit.TestDatabase;

/**
 * After every pass the engine asks when the outbox next has a page due. In an outage thousands of
 * pages wait PENDING, held by the bundle gap until the next urgent call to their phone: the answer
 * must come from the first of them, not from reading them all on every pass. On the H2 file: the
 * answer, and how many rows H2 read to give it.
 */
class TheNextPendingPageIsFoundWithoutReadingEveryHeldPageTest {
    private static final Instant NOW = Instant.parse("2026-12-03T04:00:00Z");

    @TempDir
    Path dir;

    @Test
    void theEarliestPendingPageIsReadFromTheIndexNotFromTheThousandHeldPages() throws Exception {
        try (TestDatabase db = TestDatabase.fileIn(dir); Connection asker = db.database().dataSource().getConnection()) {
            // H2 plans a statement once, on the table as it is then: asked first while there are no pages
            assertTrue(rowsRead(asker) <= 2); // one read per kind
            assertEquals(Optional.empty(), db.transactions().inTransaction(s -> s.pages().nextPending()));
            long ticket = H2RowsRead.ticketWithIncidents(db, 2000, NOW);
            try (Connection c = db.database().dataSource().getConnection()) {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO pages (id, incident_id, ticket_id, channel,"
                        + " to_number, kind, reply_code, body, step_no, cycle_no, fallback, state, attempts, created_at,"
                        + " claimed_at, next_attempt_at) VALUES (?,?,?,'VOICE','+12045550101',?,'1','page',0,0,FALSE,?,?,?,?,?)")) {
                    // 1,000 pages already sent, and 1,000 held, every fourth a notice: the earliest goes
                    // 25 s from now (a notice), the rest 40 s
                    for (long i = 1; i <= 2000; i++) {
                        boolean sent = i <= 1000;
                        ps.setLong(1, i);
                        ps.setLong(2, i);
                        ps.setLong(3, ticket);
                        ps.setString(4, i % 4 == 0 ? "NOTICE" : "PAGE");
                        ps.setString(5, sent ? "SENT" : "PENDING");
                        ps.setInt(6, sent ? 1 : 0);
                        ps.setObject(7, at(-30));
                        ps.setObject(8, sent ? at(-20) : null);
                        ps.setObject(9, sent ? null : at(i == 1500 ? 25 : 40));
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
            }

            assertEquals(Optional.of(NOW.plusSeconds(25)), db.transactions().inTransaction(s -> s.pages().nextPending()));
            assertTrue(rowsRead(asker) <= 5, "rows read for the next pending page");

            // a page due sooner than the notice: the answer is the earlier of the two kinds
            try (Connection c = db.database().dataSource().getConnection();
                    PreparedStatement ps = c.prepareStatement("UPDATE pages SET next_attempt_at=? WHERE id=1001")) {
                ps.setObject(1, at(10));
                assertEquals(1, ps.executeUpdate());
            }
            assertEquals(Optional.of(NOW.plusSeconds(10)), db.transactions().inTransaction(s -> s.pages().nextPending()));
        }
    }

    /** How many rows H2 read to answer nextPending's statements, one per kind. */
    private static int rowsRead(Connection c) throws java.sql.SQLException {
        int rows = 0;
        for (PageKind kind : PageKind.values()) {
            rows += H2RowsRead.of(c, JdbcPageStore.nextPendingOf(kind));
        }
        return rows;
    }

    private static OffsetDateTime at(int secondsFromNow) {
        return NOW.plusSeconds(secondsFromNow).atOffset(ZoneOffset.UTC);
    }
}

package org.pagerline.adapter.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pagerline.core.page.Channel;
import org.pagerline.core.page.Page;
import org.pagerline.testkit.TestDatabase;

/**
 * When an urgent message goes to a phone, everything else urgent still pending for that phone goes
 * with it (the bundle). In an outage the phone has been sent thousands of pages already, alone or
 * carried in earlier bundles, and thousands more were cancelled before they went (their incidents
 * acknowledged or resolved inside the bundle gap); finding the few still pending must not read
 * them all (at 500 urgent callers it was a fifth of the engine's time). On the H2 file: the
 * answer, and how many rows H2 read to give it.
 */
class APagingCallsMatesAreFoundWithoutReadingEveryPageTheyPhoneWasSentTest {
    private static final String PAT = "+12045550101";
    private static final Instant NOW = Instant.parse("2026-12-03T04:00:00Z");

    @TempDir
    Path dir;

    @Test
    void thePendingUrgentPagesToAPhoneAreReadFromItsUntriedPagesNotTheThousandsSentOrCancelledBefore() throws Exception {
        try (TestDatabase db = TestDatabase.fileIn(dir); Connection asker = db.database().dataSource().getConnection()) {
            // H2 plans a statement once, on the table as it is then, and keeps the plan for the session:
            // asked first while there are no pages, as a server asks on its first bundle
            assertTrue(rowsRead(asker) <= 1);
            long ticket = H2RowsRead.ticketWithIncidents(db, 3010, NOW);
            try (Connection c = db.database().dataSource().getConnection()) {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO pages (id, incident_id, ticket_id, channel,"
                        + " to_number, kind, reply_code, body, step_no, cycle_no, fallback, state, attempts, created_at,"
                        + " claimed_at, bundle_of, next_attempt_at) VALUES (?,?,?,'VOICE',?,'PAGE','1','page',0,0,FALSE,?,?,?,?,?,?)")) {
                    // earlier paging calls to Pat: 20 went out alone, each carrying 49 others' pages
                    for (long carrier = 1; carrier <= 1000; carrier += 50) {
                        page(ps, carrier, ticket, "SENT", 1, -100, null);
                        for (long i = carrier + 1; i < carrier + 50; i++) {
                            page(ps, i, ticket, "SENT", 1, -100, carrier);
                        }
                    }
                    // and 1,000 that never went: their incidents were acknowledged (or resolved) while they
                    // were still held in the bundle gap, so they were cancelled untried: no claim, no carrier
                    for (long i = 2001; i <= 3000; i++) {
                        page(ps, i, ticket, "CANCELLED", 0, 0, null);
                    }
                    // one whose call failed, waiting for its retry: keeps its own schedule, never carried
                    page(ps, 1001, ticket, "PENDING", 1, -30, null);
                    // three never tried: the bundle's mates
                    page(ps, 1002, ticket, "PENDING", 0, 0, null);
                    page(ps, 1003, ticket, "PENDING", 0, 0, null);
                    page(ps, 1004, ticket, "PENDING", 0, 0, null);
                    ps.executeBatch();
                }
            }

            List<Long> mates = db.transactions().inTransaction(s -> s.pages().pendingUrgentTo(PAT, Channel.VOICE, 1002))
                    .stream().map(Page::id).toList();
            assertEquals(List.of(1003L, 1004L), mates);

            int read = rowsRead(asker);
            assertTrue(read <= 10, "rows read for the pages pending to Pat: " + read);
        }
    }

    /** How many rows H2 read to answer pendingUrgentTo's statement for Pat. */
    private static int rowsRead(Connection c) throws java.sql.SQLException {
        return H2RowsRead.of(c, JdbcPageStore.PENDING_URGENT_TO, PAT, Channel.VOICE.name(), 1002L);
    }

    private static void page(PreparedStatement ps, long id, long ticket, String state, int attempts, int claimedSecondsFromNow,
            Long carrier) throws java.sql.SQLException {
        ps.setLong(1, id);
        ps.setLong(2, id);
        ps.setLong(3, ticket);
        ps.setString(4, PAT);
        ps.setString(5, state);
        ps.setInt(6, attempts);
        ps.setObject(7, at(-200));
        ps.setObject(8, attempts == 0 ? null : at(claimedSecondsFromNow));
        ps.setObject(9, carrier);
        ps.setObject(10, state.equals("PENDING") ? at(0) : null);
        ps.addBatch();
    }

    private static OffsetDateTime at(int secondsFromNow) {
        return NOW.plusSeconds(secondsFromNow).atOffset(ZoneOffset.UTC);
    }
}

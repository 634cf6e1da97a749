package org.pagerline.adapter.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pagerline.core.page.Page;
import org.pagerline.core.page.PageKind;
import org.pagerline.testkit.TestDatabase;

/**
 * The paging dispatcher's claim pass runs every few seconds and takes a few due pages at a time:
 * who-took-it notices first, then pages asking for an acknowledgement, then the notices that can
 * wait, each class oldest first. In an outage the rate-limited notices to the people on call ("left
 * ANOTHER urgent message") run into thousands, all due again each time the limit's window moves:
 * a pass must read what it can take, not every due notice to sort them. On the H2 file: the order,
 * and how many rows H2 read.
 */
class ClaimPassReadsWhatItCanTakeNotEveryDuePageTest {
    private static final Instant NOW = Instant.parse("2026-12-04T03:00:00Z");
    private static final String INSERT = "INSERT INTO pages (incident_id, ticket_id, channel, to_number, kind, reply_code,"
            + " body, step_no, cycle_no, fallback, state, attempts, created_at, next_attempt_at)"
            + " VALUES (1,?,'SMS','+12045550100',?,'1a',?,?,0,FALSE,'PENDING',0,?,?)";

    @TempDir
    Path dir;

    @Test
    void thePassTakesEachClassOldestFirstAndReadsOnlyAsFarAsItsLimit() throws Exception {
        try (TestDatabase db = TestDatabase.fileIn(dir); Connection asker = db.database().dataSource().getConnection()) {
            insertPages(db, (ps, ticket) -> {
                // 3,000 rate-limited notices, due over the last 3,000 s, the oldest first
                for (int i = 0; i < 3000; i++) {
                    add(ps, ticket, PageKind.NOTICE, "another " + i, Page.OTHER_STEP, NOW.minusSeconds(3000 - i));
                }
                add(ps, ticket, PageKind.NOTICE, "late call-back, step 1", 1, NOW.minusSeconds(2999).plusMillis(500));
                add(ps, ticket, PageKind.PAGE, "page", 0, NOW.minusSeconds(10));
                add(ps, ticket, PageKind.NOTICE, "taken", Page.TAKEN_STEP, NOW.minusSeconds(5));
                add(ps, ticket, PageKind.NOTICE, "not due yet", Page.OTHER_STEP, NOW.plusSeconds(60));
            });
            List<String> first = db.transactions().inTransaction(s -> s.pages().duePending(NOW, NOW.minusSeconds(60), 5))
                    .stream().map(Page::text).toList();
            assertEquals(List.of("taken", "page", "another 0", "another 1", "late call-back, step 1"), first);

            Object now = NOW.atOffset(ZoneOffset.UTC);
            Object since = NOW.minusSeconds(60).atOffset(ZoneOffset.UTC);
            int rows = H2RowsRead.of(asker, JdbcPageStore.dueOfStep(PageKind.NOTICE, Page.OTHER_STEP, 5), now, since);
            assertTrue(rows <= 10, "rows read for five of the 3,000 due notices: " + rows);
            int taken = H2RowsRead.of(asker, JdbcPageStore.dueOfStep(PageKind.NOTICE, Page.TAKEN_STEP, 5), now, since);
            assertTrue(taken <= 2, "rows read for the one who-took-it notice: " + taken);
            int policy = H2RowsRead.of(asker, JdbcPageStore.duePolicyStepNotices(), now, since);
            assertTrue(policy <= 2, "rows read for the one notice of a policy step: " + policy);
        }
    }

    @Test
    void pagesWaitingOutABundleGapAreReadOldestFirstAcrossStepsAndOnlyAsFarAsTheLimit() throws Exception {
        try (TestDatabase db = TestDatabase.fileIn(dir); Connection asker = db.database().dataSource().getConnection()) {
            insertPages(db, (ps, ticket) -> {
                // 2,000 pages of steps 0 and 1, due over the last 2,000 s, and the notices behind them
                for (int i = 0; i < 2000; i++) {
                    add(ps, ticket, PageKind.PAGE, "page " + i, i % 2, NOW.minusSeconds(2000 - i));
                }
                add(ps, ticket, PageKind.NOTICE, "notice", Page.OTHER_STEP, NOW.minusSeconds(4000));
            });
            List<String> first = db.transactions().inTransaction(s -> s.pages().duePending(NOW, NOW.minusSeconds(60), 3))
                    .stream().map(Page::text).toList();
            assertEquals(List.of("page 0", "page 1", "page 2"), first, "pages before the older notice, oldest first");

            int rows = H2RowsRead.of(asker, JdbcPageStore.dueOfKind(PageKind.PAGE, 3), NOW.atOffset(ZoneOffset.UTC),
                    NOW.minusSeconds(60).atOffset(ZoneOffset.UTC));
            assertTrue(rows <= 6, "rows read for three of the 2,000 due pages: " + rows);
        }
    }

    /** Pages of one incident on one ticket, as {@code rows} adds them to the insert, in one batch. */
    private static void insertPages(TestDatabase db, Rows rows) throws SQLException {
        long ticket = H2RowsRead.ticketWithIncidents(db, 1, NOW.minusSeconds(3600));
        try (Connection c = db.database().dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(INSERT)) {
            rows.add(ps, ticket);
            ps.executeBatch();
        }
    }

    @FunctionalInterface
    private interface Rows {
        void add(PreparedStatement ps, long ticket) throws SQLException;
    }

    private static void add(PreparedStatement ps, long ticket, PageKind kind, String text, int step, Instant due)
            throws SQLException {
        ps.setLong(1, ticket);
        ps.setString(2, kind.name());
        ps.setString(3, text);
        ps.setInt(4, step);
        ps.setObject(5, due.atOffset(ZoneOffset.UTC));
        ps.setObject(6, due.atOffset(ZoneOffset.UTC));
        ps.addBatch();
    }
}

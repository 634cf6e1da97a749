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
import org.pagerline.core.page.Channel;
import org.pagerline.testkit.TestDatabase;

/**
 * In an outage every new incident pages the same technician: the bundle gap asks, for each, when
 * the last urgent message went to that phone, and the thousands of pages carried inside bundles
 * within the gap must not be read for it (the engine spent a third of its time there at 500
 * urgent callers). On the H2 file: the answer, and how many rows H2 read to give it.
 */
class APhonesLastUrgentMessageIsFoundWithoutReadingCarriedPagesTest {
    private static final String PAT = "+12045550101";
    private static final Instant NOW = Instant.parse("2026-12-03T04:00:00Z");

    @TempDir
    Path dir;

    @Test
    void theLastUrgentCallToAPhoneIsReadFromTheMessagesThatWentOutNotTheThousandCarriedInThem() throws Exception {
        try (TestDatabase db = TestDatabase.fileIn(dir); Connection asker = db.database().dataSource().getConnection()) {
            // H2 plans a statement once, on the table as it is then, and keeps the plan for the session:
            // asked first while there are no pages, as a server asks on its first page
            assertTrue(rowsRead(asker) <= 1);
            assertTrue(newestRowsRead(asker) <= 1);
            long ticket = H2RowsRead.ticketWithIncidents(db, 1302, NOW);
            try (Connection c = db.database().dataSource().getConnection()) {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO pages (id, incident_id, ticket_id, channel,"
                        + " to_number, kind, reply_code, body, step_no, cycle_no, fallback, state, attempts, created_at,"
                        + " claimed_at, bundle_of) VALUES (?,?,?,'VOICE',?,'PAGE','1','page',0,0,FALSE,'SENT',1,?,?,?)")) {
                    // two paging calls went out to Pat (50 s and 20 s ago); the second carried 1,000 incidents' pages
                    page(ps, 1, 1, ticket, -50, null);
                    page(ps, 2, 2, ticket, -20, null);
                    for (long i = 3; i <= 1002; i++) {
                        page(ps, i, i, ticket, -20, 2L);
                    }
                    // and 300 calls that went out alone before the newest (49 to 22 s ago), all inside the
                    // window asked about: the newest is found without reading them
                    for (long i = 1003; i <= 1302; i++) {
                        page(ps, i, i, ticket, -49 + (int) (i % 28), null);
                    }
                    ps.executeBatch();
                }
            }

            Optional<Instant> last = db.transactions().inTransaction(s -> s.pages().lastUrgentHandOver(PAT, Channel.VOICE,
                    NOW.minusSeconds(60), 999_999));
            assertEquals(Optional.of(NOW.minusSeconds(20)), last);

            assertTrue(rowsRead(asker) <= 10, "rows read for the last urgent call to Pat");

            // the escalation engine's form, about any incident, once per phone for a pass's pages
            assertEquals(Optional.of(new org.pagerline.core.page.PageStore.HandOver(NOW.minusSeconds(20), 2)),
                    db.transactions().inTransaction(s -> s.pages().newestUrgentHandOver(PAT, Channel.VOICE, NOW.minusSeconds(60))));
            assertTrue(newestRowsRead(asker) <= 10, "rows read for the newest urgent call to Pat");
        }
    }

    private static int newestRowsRead(Connection c) throws java.sql.SQLException {
        return H2RowsRead.of(c, JdbcPageStore.NEWEST_URGENT_HAND_OVER, PAT, Channel.VOICE.name(), at(-60));
    }

    /** How many rows H2 read to answer lastUrgentHandOver's statement for Pat. */
    private static int rowsRead(Connection c) throws java.sql.SQLException {
        return H2RowsRead.of(c, JdbcPageStore.LAST_URGENT_HAND_OVER, PAT, Channel.VOICE.name(), at(-60), 999_999L);
    }

    private static void page(PreparedStatement ps, long id, long incident, long ticket, int secondsFromNow, Long carrier)
            throws java.sql.SQLException {
        ps.setLong(1, id);
        ps.setLong(2, incident);
        ps.setLong(3, ticket);
        ps.setString(4, PAT);
        ps.setObject(5, at(secondsFromNow));
        ps.setObject(6, at(secondsFromNow));
        ps.setObject(7, carrier);
        ps.addBatch();
    }

    private static OffsetDateTime at(int secondsFromNow) {
        return NOW.plusSeconds(secondsFromNow).atOffset(ZoneOffset.UTC);
    }
}

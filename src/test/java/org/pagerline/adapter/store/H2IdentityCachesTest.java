package org.pagerline.adapter.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pagerline.testkit.TestDatabase;

/**
 * On the H2 file as the server opens it, ids come from caches (H2 commits an identity's next value
 * to the file, in a commit of its own, each time its cache runs out): the busy tables' by the
 * thousand, the ticket numbers callers hear by {@value V25__h2_ticket_number_cache#CACHE}, so a
 * crash skips at most that many ticket numbers and a clean stop none.
 */
class H2IdentityCachesTest {
    @TempDir
    Path dir;

    @Test
    void timelineCallsAndPagesIdsAreCachedByTheThousandTicketNumbersByTheQuarterThousand() throws Exception {
        Map<String, Long> caches = new TreeMap<>();
        try (TestDatabase db = TestDatabase.fileIn(dir);
                Connection c = db.database().dataSource().getConnection();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT TABLE_NAME, IDENTITY_CACHE FROM INFORMATION_SCHEMA.COLUMNS"
                        + " WHERE TABLE_SCHEMA=CURRENT_SCHEMA AND IS_IDENTITY='YES'")) {
            while (rs.next()) {
                caches.put(rs.getString(1), rs.getLong(2));
            }
        }
        assertEquals(1024L, caches.get("TICKET_EVENTS"), caches.toString());
        assertEquals(1024L, caches.get("CALLS"), caches.toString());
        assertEquals(1024L, caches.get("PAGES"), caches.toString());
        assertEquals(256L, caches.get("TICKETS"), caches.toString());
        assertTrue(caches.entrySet().stream().allMatch(e -> e.getKey().equals("TICKETS") || e.getValue() == 1024L),
                "every other identity: " + caches);
    }

    @Test
    void aCrashSkipsAtMostTheCacheOfTicketNumbersAndACleanStopNone() throws Exception {
        long first;
        try (TestDatabase db = TestDatabase.fileIn(dir)) {
            first = newTicket(db);
            assertEquals(first + 1, newTicket(db), "numbers follow each other while the server runs");
            try (Connection c = db.database().dataSource().getConnection(); Statement st = c.createStatement()) {
                st.execute("SHUTDOWN IMMEDIATELY"); // as a crash: nothing more is written
            } catch (java.sql.SQLException expected) {
                // the connection closes under the statement
            }
        }
        long afterCrash;
        try (TestDatabase db = TestDatabase.fileIn(dir)) {
            afterCrash = newTicket(db);
        }
        assertTrue(afterCrash > first + 1 && afterCrash <= first + V25__h2_ticket_number_cache.CACHE + 1,
                "after a crash the next ticket skips at most the cache: " + first + ", then " + afterCrash);
        try (TestDatabase db = TestDatabase.fileIn(dir)) {
            assertEquals(afterCrash + 1, newTicket(db), "after a clean stop nothing is skipped");
        }
    }

    private static long newTicket(TestDatabase db) throws Exception {
        try (Connection c = db.database().dataSource().getConnection(); Statement st = c.createStatement()) {
            st.executeUpdate("INSERT INTO tickets (opened_at, updated_at, status, source) VALUES"
                    + " (CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 'OPEN', 'PHONE')", Statement.RETURN_GENERATED_KEYS);
            try (ResultSet k = st.getGeneratedKeys()) {
                k.next();
                return k.getLong(1);
            }
        }
    }
}

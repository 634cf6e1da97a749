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
 * On the H2 file as the server opens it, the busy tables' ids come from a cache of 1024 (H2
 * commits an identity's next value to the file each time its cache runs out), and the ticket
 * numbers callers hear from H2's own 32, so a crash leaves a small gap there.
 */
class H2IdentityCachesTest {
    @TempDir
    Path dir;

    @Test
    void timelineCallsAndPagesIdsAreCachedByTheThousandTicketNumbersByThe32() throws Exception {
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
        assertEquals(32L, caches.get("TICKETS"), caches.toString());
        assertTrue(caches.entrySet().stream().allMatch(e -> e.getKey().equals("TICKETS") || e.getValue() == 1024L),
                "every other identity: " + caches);
    }
}

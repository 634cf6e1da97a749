package org.pagerline.adapter.store;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One caller's row held by another transaction past the lock timeout is that caller's trouble, not
 * a failed store: it must not evict the pool and refuse every other caller (H2 reports the timeout
 * with an MVStoreException inside, as it does a failed write).
 */
class LockTimeoutIsNotAnOutageTest {

    @Test
    void aRowLockTimeoutOnAnH2FileIsNotTakenForAFailedStore(@TempDir Path dir) throws Exception {
        String url = "jdbc:h2:file:" + dir.resolve("db") + ";WRITE_DELAY=0;LOCK_TIMEOUT=200";
        try (Connection holder = DriverManager.getConnection(url, "sa", "");
                Connection other = DriverManager.getConnection(url, "sa", "")) {
            try (Statement st = holder.createStatement()) {
                st.execute("CREATE TABLE tickets (id BIGINT PRIMARY KEY, note VARCHAR(20))");
                st.execute("INSERT INTO tickets VALUES (1, 'a'), (2, 'b')");
            }
            holder.setAutoCommit(false);
            try (Statement st = holder.createStatement()) {
                st.executeQuery("SELECT id FROM tickets WHERE id = 1 FOR UPDATE").close();
            }
            SQLException timeout = assertThrows(SQLException.class, () -> {
                try (Statement st = other.createStatement()) {
                    st.executeUpdate("UPDATE tickets SET note = 'x' WHERE id = 1");
                }
            });
            assertFalse(DatabaseOutage.storeFailed(timeout), "a lock timeout (" + timeout.getErrorCode() + ") is not an outage");
            try (Statement st = other.createStatement()) {
                assertTrue(st.executeUpdate("UPDATE tickets SET note = 'y' WHERE id = 2") == 1, "other rows stay writable");
            }
            holder.rollback();
        }
    }
}

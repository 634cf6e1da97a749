package org.pagerline.adapter.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Random;
import org.h2.jdbcx.JdbcDataSource;
import org.h2.mvstore.MVStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pagerline.testkit.TestDatabase;

/**
 * With every commit on disk before it returns (WRITE_DELAY=0), H2 never compacts its file while
 * it runs: each commit leaves a chunk, and a chunk still holding one live page stays whole. The
 * housekeeper rewrites those pages so the chunks are freed. Here on a plain H2 file with H2's
 * retention time at zero (the server keeps H2's 45 s), so that a test need not wait for it.
 */
class H2HousekeeperTest {
    @TempDir
    Path dir;

    @Test
    void aFileLeftWithChunksHoldingAPageOrTwoIsCompactedAndItsDataKept() throws Exception {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:file:" + dir.resolve("h") + ";WRITE_DELAY=0;RETENTION_TIME=0");
        ds.setUser("sa");
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE t (id BIGINT PRIMARY KEY, v VARCHAR(200))");
            try (PreparedStatement ins = c.prepareStatement("INSERT INTO t VALUES (?, ?)")) {
                for (int i = 0; i < 3000; i++) {
                    ins.setLong(1, i);
                    ins.setString(2, "row " + i + " ".repeat(100));
                    ins.addBatch();
                }
                ins.executeBatch();
            }
            // a desk's day in miniature: one commit per change, each to some row, most rows never again
            Random random = new Random(7);
            try (PreparedStatement upd = c.prepareStatement("UPDATE t SET v=? WHERE id=?")) {
                for (int i = 0; i < 1500; i++) {
                    upd.setString(1, "changed " + i + " ".repeat(100));
                    upd.setLong(2, random.nextInt(3000));
                    upd.executeUpdate();
                }
            }
            MVStore store = H2Housekeeper.storeOf(c);
            int chunksBefore = chunks(store);
            int fillBefore = store.getFileStore().getChunksFillRate();
            int rewritableBefore = H2Housekeeper.rewritableFillRate(store.getFileStore());
            assertTrue(rewritableBefore < H2Housekeeper.TARGET_FILL, "the churn left sparse chunks: " + rewritableBefore + " %");

            H2Housekeeper housekeeper = H2Housekeeper.manual(ds);
            for (int pass = 0; pass < 50 && housekeeper.pass(); pass++) {
                st.execute("UPDATE t SET v=v WHERE id=0"); // a commit, as the desk's would come
            }

            assertTrue(housekeeper.passesThatRewrote() > 0);
            int chunksAfter = chunks(store);
            assertTrue(chunksAfter * 2 < chunksBefore, "chunks " + chunksBefore + " then " + chunksAfter);
            assertTrue(store.getFileStore().getChunksFillRate() > fillBefore);
            try (ResultSet rs = st.executeQuery("SELECT COUNT(*), SUM(CASE WHEN v LIKE 'changed %' THEN 1 ELSE 0 END) FROM t")) {
                assertTrue(rs.next());
                assertEquals(3000, rs.getInt(1));
                assertTrue(rs.getInt(2) > 1000, "the changes are all there");
            }
        }
        // and what it rewrote is in the file: reopened, every row reads back
        try (Connection c = ds.getConnection(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM t WHERE v LIKE 'row %' OR v LIKE 'changed %'")) {
            assertTrue(rs.next());
            assertEquals(3000, rs.getInt(1));
        }
    }

    @Test
    void theServersH2FileRunsTheHousekeeperUntilItStopsAndAnInMemoryDatabaseHasNone() throws Exception {
        H2Housekeeper housekeeper;
        try (TestDatabase file = TestDatabase.fileIn(dir)) {
            housekeeper = file.database().h2Housekeeper();
            assertTrue(housekeeper != null && housekeeper.running(), "the H2 file's housekeeper");
            assertFalse(housekeeper.pass(), "a fresh file has nothing to rewrite");
        }
        assertFalse(housekeeper.running(), "stopped with the database");
        try (TestDatabase memory = TestDatabase.inMemory()) {
            assertNull(memory.database().h2Housekeeper(), "no housekeeper for an in-memory database");
        }
    }

    @Test
    void aPassAfterTheDatabaseClosedRewritesNothingAndThrowsNoError() throws Exception {
        H2Housekeeper housekeeper;
        try (TestDatabase file = TestDatabase.fileIn(dir)) {
            housekeeper = file.database().h2Housekeeper();
        }
        // the pool is closed: the pass cannot find the store, and says so as a database error
        org.junit.jupiter.api.Assertions.assertThrows(java.sql.SQLException.class, housekeeper::pass);
    }

    @Test
    void aConnectionToAnotherDatabaseHasNoStoreToKeep() throws Exception {
        try (TestDatabase memory = TestDatabase.inMemory(); Connection c = memory.database().dataSource().getConnection()) {
            // in-memory H2 has a store but no file: compacting it would find nothing; the server never asks
            MVStore store = H2Housekeeper.storeOf(c);
            assertTrue(store == null || store.getFileStore() == null);
        }
        assertNull(H2Housekeeper.storeOf(new NotH2Connection().proxy()));
    }

    /** The live chunks of the file (the layout map's chunk entries). */
    private static int chunks(MVStore store) {
        return (int) store.getLayoutMap().keySet().stream().filter(k -> k.startsWith("chunk.")).count();
    }

    /** A connection that is not H2's (as PostgreSQL's would be). */
    private static final class NotH2Connection implements java.lang.reflect.InvocationHandler {
        Connection proxy() {
            return (Connection) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[] {Connection.class}, this);
        }

        @Override
        public Object invoke(Object proxy, java.lang.reflect.Method method, Object[] args) {
            if (method.getName().equals("isWrapperFor")) {
                return false;
            }
            throw new UnsupportedOperationException(method.getName());
        }
    }
}

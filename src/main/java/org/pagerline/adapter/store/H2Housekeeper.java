package org.pagerline.adapter.store;

import java.lang.reflect.Method;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.h2.engine.Session;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.FileStore;
import org.h2.mvstore.MVStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * H2 file only: rewrites the parts of the file that hold little live data, while the server runs.
 *
 * <p>H2 writes each commit's changed pages to the end of its data as a new chunk. A chunk is freed
 * once none of its pages is live; most are, within seconds, but a chunk still holding a page or two
 * nobody changes again (an old ticket's row, the far leaf of an index) stays, whole. H2 rewrites
 * such chunks in its background writer, which it runs only with a write delay; pagerline runs H2
 * with {@code WRITE_DELAY=0} (every commit on disk before it returns), so nothing did: after four
 * minutes of the 500-caller benchmark the file was 3 GB at 7 % live, and the list of its chunks that
 * H2 rewrites in part at every commit held 22,000 entries. A server running for months at a desk's
 * pace grows the same way, more slowly, and only a stop compacted (for 200 ms).
 *
 * <p>Every {@link #PERIOD_MS} this does what H2's background writer does under load: when the
 * chunks old enough to be rewritten (older than H2's retention time, 45 s; partly live) are under
 * {@link #TARGET_FILL} % live, it asks H2 ({@link MVStore#compact}) to rewrite the live pages of the
 * sparsest of them, at most {@link #WRITE_LIMIT} bytes, then commits them: their old chunks are
 * freed and their space reused. The rewritten pages hold the data they held; a crash before they
 * are stored leaves the old chunks as they were. It takes a connection only to find H2's store
 * (through the outage guard: none while the database is known down), never while compacting.
 */
final class H2Housekeeper implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(H2Housekeeper.class);
    static final long PERIOD_MS = 1000;
    /** Rewrite while the chunks hold less live data than this, in percent (H2's own aims at 81 under load). */
    static final int TARGET_FILL = 80;
    /** At most this many bytes of live pages rewritten per pass (H2's own: a quarter of its 1 MB write buffer). */
    static final int WRITE_LIMIT = 256 * 1024;

    /**
     * H2's fill rate of the chunks it may rewrite (package-private in H2; read as its own
     * housekeeping reads it). Null if this H2 has no such method: then the rate of all chunks.
     */
    private static final Method REWRITABLE_FILL = rewritableFill();

    private final DataSource ds;
    private final ScheduledExecutorService timer;
    /** The store found last; found again once H2 has closed it (an outage, a reopen). */
    private MVStore store;
    private volatile long passesThatRewrote;

    private H2Housekeeper(DataSource ds, ScheduledExecutorService timer) {
        this.ds = ds;
        this.timer = timer;
    }

    /** Starts the passes on a daemon thread of their own. */
    static H2Housekeeper start(DataSource ds) {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "h2-housekeeper");
            t.setDaemon(true);
            t.setPriority(Thread.MIN_PRIORITY);
            return t;
        });
        H2Housekeeper h = new H2Housekeeper(ds, timer);
        timer.scheduleWithFixedDelay(h::passQuietly, PERIOD_MS, PERIOD_MS, TimeUnit.MILLISECONDS);
        return h;
    }

    /** For tests: a housekeeper whose passes are run by hand. */
    static H2Housekeeper manual(DataSource ds) {
        return new H2Housekeeper(ds, null);
    }

    private void passQuietly() {
        try {
            pass();
        } catch (SQLException | RuntimeException e) {
            // the database closed (a stop, an outage): the next pass tries again
            log.debug("H2 housekeeping pass skipped: {}", e.toString());
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Error e) { // NOPMD: an Error thrown out of a scheduled pass would cancel every later one
            log.error("H2 housekeeping pass failed: {}", e.toString(), e);
        }
    }

    /** One pass: whether it rewrote any chunk. */
    boolean pass() throws SQLException {
        MVStore s = store();
        if (s == null || s.getFileStore() == null) {
            return false;
        }
        if (rewritableFillRate(s.getFileStore()) >= TARGET_FILL) {
            return false;
        }
        // 101: compact's own test (the fill rate of every chunk, the young ones too) always passes;
        // the decision is the one above
        if (!s.compact(101, WRITE_LIMIT)) {
            return false;
        }
        s.commit(); // writes the rewritten pages now, even on an idle server
        passesThatRewrote++; // NOPMD: one thread runs the passes
        return true;
    }

    private MVStore store() throws SQLException {
        if (store == null || store.isClosed()) {
            try (Connection c = ds.getConnection()) {
                store = storeOf(c);
            }
        }
        return store;
    }

    /** The fill rate, in percent, of the chunks H2 may rewrite now. */
    static int rewritableFillRate(FileStore<?> fs) {
        if (REWRITABLE_FILL != null) {
            try {
                return (Integer) REWRITABLE_FILL.invoke(fs);
            } catch (ReflectiveOperationException | RuntimeException e) {
                log.debug("H2's rewritable fill rate unreadable: {}", e.toString());
            }
        }
        return fs.getChunksFillRate();
    }

    private static Method rewritableFill() {
        try {
            Method m = FileStore.class.getDeclaredMethod("getRewritableChunksFillRate");
            m.setAccessible(true);
            return m;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    /** Whether passes still run (started and not closed). */
    boolean running() {
        return timer != null && !timer.isTerminated();
    }

    /** How many passes rewrote chunks. */
    long passesThatRewrote() {
        return passesThatRewrote;
    }

    /** The MVStore behind an embedded H2 connection (null for any other database). */
    static MVStore storeOf(Connection c) throws SQLException {
        if (!c.isWrapperFor(JdbcConnection.class)) {
            return null;
        }
        Session session = c.unwrap(JdbcConnection.class).getSession();
        if (!(session instanceof SessionLocal local) || local.getDatabase().getStore() == null) {
            return null;
        }
        return local.getDatabase().getStore().getMvStore();
    }

    @Override
    public void close() {
        if (timer != null) {
            // no interrupt: one in H2's file I/O would close its channel (outside jdbc:h2:retry:)
            timer.shutdown();
            try {
                timer.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}

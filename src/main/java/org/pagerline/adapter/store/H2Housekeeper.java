package org.pagerline.adapter.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.h2.engine.Session;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
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
 * <p>Every {@link #PERIOD_MS} this asks H2 ({@link MVStore#compact}) to rewrite the live pages of the
 * sparsest chunks older than H2's retention time (45 s), at most {@link #WRITE_LIMIT} bytes of them,
 * while the chunks' fill rate is under {@link #TARGET_FILL} %, then commits them: their old chunks
 * are freed and their space reused. The rewritten pages hold the data they held; a crash before
 * they are stored leaves the old chunks as they were. About H2's own pace under load.
 */
final class H2Housekeeper implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(H2Housekeeper.class);
    static final long PERIOD_MS = 1000;
    /** Rewrite while the chunks hold less live data than this, in percent (H2's own aims at 81 under load). */
    static final int TARGET_FILL = 80;
    /** At most this many bytes of live pages rewritten per pass (H2's own: a quarter of its 1 MB write buffer). */
    static final int WRITE_LIMIT = 256 * 1024;

    private final DataSource ds;
    private final ScheduledExecutorService timer;
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
        }
    }

    /** One pass: whether it rewrote any chunk. */
    boolean pass() throws SQLException {
        try (Connection c = ds.getConnection()) {
            MVStore store = storeOf(c);
            if (store == null || store.isClosed()) {
                return false;
            }
            if (!store.compact(TARGET_FILL, WRITE_LIMIT)) {
                return false;
            }
            store.commit(); // writes the rewritten pages now, even on an idle server
            passesThatRewrote++; // NOPMD: one thread runs the passes
            return true;
        }
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
            timer.shutdownNow();
            try {
                timer.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}

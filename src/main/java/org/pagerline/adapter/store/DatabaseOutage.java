package org.pagerline.adapter.store;

import com.zaxxer.hikari.SQLExceptionOverride;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happens when H2 closes the database under a running server, and how it comes back.
 *
 * <p>An embedded H2 database closes itself for good when a write fails (a full disk: the write
 * that failed gets "General error: MVStoreException", every later statement on every open
 * connection "The database has been closed" [90098]), yet its connections still say they are valid,
 * so the pool would hand them out forever. This class is the pool's exception judge: on a store
 * failure it marks the database <b>down</b>, has every pooled connection evicted, and from then on
 * {@link #check()} refuses connections at once ({@link DatabaseUnavailableException}), so a caller
 * fails fast onto the dialplan's fallback instead of waiting for a connection. A background check
 * (every {@link #PROBE_EVERY}) opens a fresh connection and writes one row; when that commits,
 * the pool is evicted again (nothing from before survives) and the database is <b>up</b>.
 *
 * <p>Logging: one line when the database goes down, one line a minute while it stays down (with
 * how many operations were refused and log lines held back), one when it is back. The server's
 * log filter holds back the per-failure lines of callers and of Quartz meanwhile
 * ({@link #explains}), so a full disk does not fill the log with stack traces.
 */
public final class DatabaseOutage implements SQLExceptionOverride {
    static final Duration PROBE_EVERY = Duration.ofSeconds(2);
    static final Duration REPORT_EVERY = Duration.ofMinutes(1);
    private static final Logger log = LoggerFactory.getLogger(Database.class);
    // H2's org.h2.api.ErrorCode values (the constants are not referenced, so PostgreSQL needs no H2)
    private static final int H2_DATABASE_IS_CLOSED = 90098;
    private static final int H2_DATABASE_CALLED_AT_SHUTDOWN = 90121;
    private static final int H2_GENERAL_ERROR = 50000;

    /** Opens a fresh connection, writes and commits; throws while writes do not succeed. */
    @FunctionalInterface
    interface WriteCheck {
        void run() throws Exception;
    }

    private final WriteCheck writeCheck;
    private final Runnable evictPool;
    private final LongSupplier nanoTime;
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong heldBack = new AtomicLong();
    private final Object lock = new Object();
    private volatile boolean down;
    private long downSince;
    private long lastReport;
    private String cause = "";
    private String lastCheck = "";
    private ScheduledExecutorService prober;
    private boolean closed;

    private final boolean probeInBackground;

    /**
     * @param probeInBackground false in tests, which call {@link #probe()} themselves as they move
     *                          {@code nanoTime}
     */
    DatabaseOutage(WriteCheck writeCheck, Runnable evictPool, LongSupplier nanoTime, boolean probeInBackground) {
        this.writeCheck = writeCheck;
        this.evictPool = evictPool;
        this.nanoTime = nanoTime;
        this.probeInBackground = probeInBackground;
    }

    /** HikariCP asks this about every SQLException on a pooled connection. */
    @java.lang.Override
    public SQLExceptionOverride.Override adjudicate(SQLException e) {
        if (storeFailed(e)) {
            wentDown(e);
            return SQLExceptionOverride.Override.MUST_EVICT;
        }
        if (e.getErrorCode() == H2_DATABASE_IS_CLOSED || e.getErrorCode() == H2_DATABASE_CALLED_AT_SHUTDOWN) {
            // closed without a store failure: H2's shutdown hook or a deliberate close, not an outage
            return SQLExceptionOverride.Override.MUST_EVICT;
        }
        return SQLExceptionOverride.Override.CONTINUE_EVICT;
    }

    /** True while the database is known to be closed and not yet writable again. */
    public boolean isDown() {
        return down;
    }

    /** Called before each connection is handed out: refuses at once while the database is down. */
    void check() throws DatabaseUnavailableException {
        if (down) {
            refused.incrementAndGet();
            throw new DatabaseUnavailableException("database unavailable: H2 closed it after a failed write ("
                    + cause + "); calls go to the dialplan fallback until a write succeeds again");
        }
    }

    /**
     * True when {@code t} is a failure this outage already accounts for: a refused connection, or,
     * while it is down, any database error (H2's failed write, "the database has been closed", the
     * pool failing to open new connections): the line that said the database went down named the
     * cause, and the report each minute counts these.
     */
    public boolean explains(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof DatabaseUnavailableException || down && c instanceof SQLException) {
                return true;
            }
        }
        return false;
    }

    /**
     * H2's "the database has been closed" (or "called at shutdown") in {@code t}'s causes, as one
     * line; null when there is none. A statement can meet the closed database a few ms before the
     * statement whose write failed reports it and the outage is declared; a stack trace then says
     * nothing the message does not, so the server's log keeps this line instead.
     */
    public static String closedDatabase(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof SQLException s
                    && (s.getErrorCode() == H2_DATABASE_IS_CLOSED || s.getErrorCode() == H2_DATABASE_CALLED_AT_SHUTDOWN)) {
                return firstLine(s);
            }
        }
        return null;
    }

    /** The log filter held a line back; counted in the next report. */
    public void heldBack() {
        heldBack.incrementAndGet();
    }

    /**
     * True when H2's store failed to write, which closes the database: the failing statement gets
     * "General error: MVStoreException ...", every later one "The database has been closed"
     * [90098] with that failure as its cause. A 90098 without it (H2's shutdown hook at JVM exit,
     * a deliberate close) is not an outage, and must not start reopening the database.
     */
    static boolean storeFailed(SQLException e) {
        if (e.getErrorCode() != H2_GENERAL_ERROR && e.getErrorCode() != H2_DATABASE_IS_CLOSED) {
            // H2 also puts an MVStoreException inside errors that are one statement's trouble, such
            // as a row lock timeout (50200): those must not take the database away from every caller
            return false;
        }
        for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c.getClass().getName().equals("org.h2.mvstore.MVStoreException")) {
                return true;
            }
            if (c instanceof SQLException s && (s.getErrorCode() == H2_GENERAL_ERROR || s.getErrorCode() == H2_DATABASE_IS_CLOSED)
                    && String.valueOf(s.getMessage()).contains("MVStoreException")) {
                return true;
            }
        }
        return false;
    }

    void wentDown(Throwable e) {
        synchronized (lock) {
            if (closed) {
                return;
            }
            if (down) {
                // Another statement met the closed store and declared the outage a few ms before the one
                // whose write failed reported it, and H2's "This store is closed" does not carry the failure
                // (it names the panic's holder, not the panic): the failed write says why, once.
                String now = describe(e);
                if (storeClosedOnly(cause) && !storeClosedOnly(now)) {
                    cause = now;
                    log.error("database unavailable: the write that failed: {}", cause);
                }
                return;
            }
            cause = describe(e);
            downSince = nanoTime.getAsLong();
            lastReport = downSince;
            refused.set(0);
            heldBack.set(0);
            down = true;
            log.error("database unavailable: H2 closed it after a failed write ({}); /health answers 503 and calls go"
                    + " to the dialplan fallback; a write is tried every {} s and the pool reopened when it succeeds",
                    cause, PROBE_EVERY.toSeconds());
            if (prober == null && probeInBackground) {
                prober = Executors.newSingleThreadScheduledExecutor(r -> {
                    Thread t = new Thread(r, "pagerline-db-recovery");
                    t.setDaemon(true);
                    return t;
                });
                prober.scheduleWithFixedDelay(this::probe, PROBE_EVERY.toMillis(), PROBE_EVERY.toMillis(),
                        TimeUnit.MILLISECONDS);
            }
        }
        evictPool.run();
    }

    /** One recovery check; runs on the recovery thread every {@link #PROBE_EVERY} (tests call it). */
    void probe() {
        if (!down) {
            return;
        }
        try {
            writeCheck.run();
        } catch (Exception | LinkageError e) {
            synchronized (lock) {
                lastCheck = describe(e);
                long now = nanoTime.getAsLong();
                if (now - lastReport >= REPORT_EVERY.toNanos()) {
                    String window = duration(now - lastReport);
                    lastReport = now;
                    log.error("database still unavailable after {} (last write check: {}); {} operations refused and {}"
                            + " log lines held back in the last {}", duration(now - downSince), lastCheck,
                            refused.getAndSet(0), heldBack.getAndSet(0), window);
                }
            }
            return;
        }
        evictPool.run(); // nothing opened before the write succeeded is handed out again
        synchronized (lock) {
            down = false;
            long now = nanoTime.getAsLong();
            log.warn("database writable again after {} unavailable; pool reopened, back in service ({} operations"
                    + " refused, {} log lines held back since the last report)", duration(now - downSince), refused.getAndSet(0),
                    heldBack.getAndSet(0));
        }
    }

    private static String duration(long nanos) {
        long s = Math.max(0, TimeUnit.NANOSECONDS.toSeconds(nanos));
        return s >= 60 ? (s / 60) + "m " + (s % 60) + "s" : s + "s";
    }

    /** The message and its root cause on one line, e.g. "... failed: No space left on device". */
    static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String first = firstLine(e);
        return root == e ? first : first + "; cause: " + root;
    }

    /** H2's "This store is closed", with or without its version tag, ending a description: no cause beneath it. */
    private static final java.util.regex.Pattern STORE_CLOSED_ONLY =
            java.util.regex.Pattern.compile("This store is closed( \\[[^]]*\\])?\\z");

    /** True when {@code described} names no failure but the closed store itself (no write that failed). */
    static boolean storeClosedOnly(String described) {
        return STORE_CLOSED_ONLY.matcher(described).find();
    }

    /** The first line of {@code e}'s message, without H2's trailing "SQL statement:". */
    private static String firstLine(Throwable e) {
        return String.valueOf(e.getMessage()).lines().findFirst().orElse("").replaceFirst(";? ?SQL statement:$", "");
    }

    void close() {
        synchronized (lock) {
            closed = true;
            if (prober != null) {
                prober.shutdownNow();
            }
        }
    }
}

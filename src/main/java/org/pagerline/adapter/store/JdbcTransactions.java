package org.pagerline.adapter.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.function.Function;
import javax.sql.DataSource;
import org.pagerline.core.calendar.CalendarStore;
import org.pagerline.core.queue.QueueStore;
import org.pagerline.core.call.CallStore;
import org.pagerline.core.directory.ClientStore;
import org.pagerline.core.incident.IncidentStore;
import org.pagerline.core.page.PageStore;
import org.pagerline.core.roster.RosterStore;
import org.pagerline.core.ticket.TicketStore;
import org.pagerline.core.web.WebStore;
import org.pagerline.service.Stores;
import org.pagerline.service.Transactions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One JDBC transaction per unit of work; stores are bound to its connection. */
public final class JdbcTransactions implements Transactions {
    private static final Logger LOG = LoggerFactory.getLogger(JdbcTransactions.class);
    private final DataSource ds;

    public JdbcTransactions(DataSource ds) {
        this.ds = ds;
    }

    @Override
    public <T> T inTransaction(Function<Stores, T> work) {
        try {
            return committed(false, (c, db) -> {
                T result = work.apply(new JdbcStores(db));
                db.finishTimeline();
                return result;
            });
        } catch (SQLException e) {
            throw new StoreException("transaction", e);
        }
    }

    @Override
    public <T> T inTransactionRetryingConflicts(Function<Stores, T> work) {
        for (int attempt = 1; ; attempt++) {
            try {
                return inTransaction(work);
            } catch (RuntimeException e) {
                if (attempt >= CONFLICT_ATTEMPTS || !lostAConflict(e)) {
                    throw e;
                }
                pauseBeforeTryingAgain(attempt);
            }
        }
    }

    @Override
    public java.util.List<Result> inOneCommit(java.util.List<? extends Function<Stores, ?>> pieces) {
        return inOneCommit(pieces, false);
    }

    @Override
    public java.util.List<Result> inOneCommit(java.util.List<? extends Function<Stores, ?>> pieces, boolean ticketsAtOnce) {
        for (int attempt = 1; ; attempt++) {
            try {
                return committed(ticketsAtOnce, (c, db) -> {
                    Stores stores = new JdbcStores(db);
                    java.util.List<Result> out = new java.util.ArrayList<>(pieces.size());
                    for (Function<Stores, ?> piece : pieces) {
                        out.add(piece(c, db, stores, piece));
                    }
                    // the touches of every piece that stood, in ticket order: a deadlock here (H2 rolls the
                    // whole transaction back) is tried again below, all of it
                    db.finishTimeline();
                    return out;
                });
            } catch (SQLException | RuntimeException e) {
                // H2 rolls a deadlock victim's whole transaction back (PostgreSQL only its statement):
                // nothing of this commit stands, so all of it is tried again
                if (attempt < CONFLICT_ATTEMPTS && lostAConflict(e)) {
                    pauseBeforeTryingAgain(attempt);
                    continue;
                }
                if (pieces.size() > 1 && lostAConflict(e)) {
                    // a group that kept losing locks many rows at once; alone, each piece locks only its own (an
                    // urgent voicemail and its incident), so it gets through where the group could not
                    LOG.warn("a commit of {} pieces lost {} deadlocks in a row; writing them one at a time", pieces.size(),
                            CONFLICT_ATTEMPTS);
                    java.util.List<Result> alone = new java.util.ArrayList<>(pieces.size());
                    for (Function<Stores, ?> piece : pieces) {
                        alone.add(inOneCommit(java.util.List.of(piece), ticketsAtOnce).get(0));
                    }
                    return alone;
                }
                RuntimeException failure = e instanceof RuntimeException r ? r : new StoreException("transaction", (SQLException) e);
                java.util.List<Result> failed = new java.util.ArrayList<>(pieces.size());
                pieces.forEach(p -> failed.add(new Result(null, failure)));
                return failed;
            }
        }
    }

    /** Work on one pooled connection. */
    @FunctionalInterface
    private interface OnConnection<T> {
        T apply(Connection c, Jdbc db) throws SQLException;
    }

    /**
     * One transaction on a pooled connection: the work, then the commit; when either throws, the
     * rollback (its own failure kept as suppressed: the one that matters is the work's, not a later
     * one from the same broken connection). The connection goes back to the pool in auto-commit.
     */
    private <T> T committed(boolean ticketsAtOnce, OnConnection<T> work) throws SQLException {
        Jdbc db;
        T result;
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            db = new Jdbc(c, ticketsAtOnce);
            try {
                result = work.apply(c, db);
                c.commit();
            } catch (RuntimeException | Error | SQLException e) {
                rollbackQuietly(c, e);
                try {
                    c.setAutoCommit(true);
                } catch (SQLException again) {
                    e.addSuppressed(again);
                }
                throw e;
            }
            c.setAutoCommit(true);
        }
        db.committed(); // what waited for the commit to stand (a metric counted once)
        return result;
    }

    private static final java.util.concurrent.atomic.AtomicLong CONFLICTS_RETRIED = new java.util.concurrent.atomic.AtomicLong();

    /** How many times, in this JVM, a transaction or piece that lost a deadlock was tried again (the benchmark reports it). */
    public static long conflictsRetried() {
        return CONFLICTS_RETRIED.get();
    }

    private static final java.util.concurrent.atomic.AtomicLong TICKETS_FOUND_HELD = new java.util.concurrent.atomic.AtomicLong();

    /**
     * How many times, in this JVM, a piece written with tickets locked at once found its ticket held
     * by another transaction and was undone, to be written on its own (the benchmark reports it).
     */
    public static long ticketsFoundHeld() {
        return TICKETS_FOUND_HELD.get();
    }

    static void ticketFoundHeld() {
        TICKETS_FOUND_HELD.incrementAndGet();
    }

    /** How often a piece chosen as a deadlock victim is tried again before it is reported failed. */
    static final int CONFLICT_ATTEMPTS = 5;

    /**
     * A random pause (up to 5 ms times the attempt) before a transaction that lost a deadlock runs
     * again. Two transactions taking the same rows in opposite orders that both lost (H2 may roll
     * both back) and ran again at once met again in the same order: on a loaded machine three
     * attempts in a row deadlocked, and the work was reported failed.
     */
    private static void pauseBeforeTryingAgain(int attempt) {
        CONFLICTS_RETRIED.incrementAndGet();
        try {
            Thread.sleep(java.util.concurrent.ThreadLocalRandom.current().nextLong(1, 5L * attempt + 1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * One piece under its own savepoint. A piece that lost a deadlock (or a serialization conflict)
     * to another transaction, such as another node's or the ticket engine's on the same rows, is rolled
     * back to its savepoint and tried again: the winner has gone on, so the retry usually finds its
     * rows free. Any other failure fails this piece alone.
     */
    private static Result piece(Connection c, Jdbc db, Stores stores, Function<Stores, ?> piece) throws SQLException {
        for (int attempt = 1; ; attempt++) {
            java.sql.Savepoint sp = c.setSavepoint();
            try {
                Object v = piece.apply(stores);
                db.writeTimeline();   // the piece's lines stand or fall with it
                c.releaseSavepoint(sp);
                return new Result(v, null);
            } catch (RuntimeException e) {
                db.pieceUndone();
                try {
                    c.rollback(sp); // this piece alone; a broken connection throws and fails them all
                } catch (SQLException gone) {
                    // the database rolled the whole transaction back under the piece (H2 does for a
                    // deadlock victim): the piece's own failure says why, and whether to try it all again
                    SQLException whole = new SQLException("the transaction was rolled back under one of its pieces: "
                            + e.getMessage(), gone.getSQLState(), e);
                    whole.addSuppressed(gone);
                    throw whole;
                }
                if (attempt >= CONFLICT_ATTEMPTS || !lostAConflict(e)) {
                    return new Result(null, e);
                }
                pauseBeforeTryingAgain(attempt);
            }
        }
    }

    /** A deadlock victim or a serialization failure (SQLSTATE 40P01, 40001): worth trying again at once. */
    static boolean lostAConflict(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && ("40P01".equals(sql.getSQLState()) || "40001".equals(sql.getSQLState()))) {
                return true;
            }
        }
        return false;
    }

    private static void rollbackQuietly(Connection c, Throwable cause) {
        try {
            c.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }

    private static final class JdbcStores implements Stores {
        private final Jdbc db;
        /** One per transaction: the calendar is read once in it (see {@link OneReadingCalendarStore}). */
        private OneReadingCalendarStore calendar;

        JdbcStores(Jdbc db) {
            this.db = db;
        }

        @Override
        public void afterCommit(Runnable then) {
            db.afterCommit(then);
        }

        @Override
        public RosterStore roster() {
            return new JdbcRosterStore(db);
        }

        @Override
        public CalendarStore calendar() {
            if (calendar == null) {
                calendar = new OneReadingCalendarStore(new JdbcCalendarStore(db));
            }
            return calendar;
        }

        @Override
        public TicketStore tickets() {
            return new JdbcTicketStore(db);
        }

        @Override
        public QueueStore queue() {
            return new JdbcQueueStore(db);
        }

        @Override
        public ClientStore clients() {
            return new JdbcClientStore(db);
        }

        @Override
        public CallStore calls() {
            return new JdbcCallStore(db);
        }

        @Override
        public IncidentStore incidents() {
            return new JdbcIncidentStore(db);
        }

        @Override
        public PageStore pages() {
            return new JdbcPageStore(db);
        }

        @Override
        public org.pagerline.core.page.PageLogStore pageLog() {
            return new JdbcPageLogStore(db);
        }

        @Override
        public WebStore web() {
            return new JdbcWebStore(db);
        }

        @Override
        public org.pagerline.core.mail.MailStore mail() {
            return new JdbcMailStore(db);
        }
    }
}

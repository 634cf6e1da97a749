package org.pagerline.adapter.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pagerline.core.ticket.Ticket;
import org.pagerline.core.ticket.TicketSource;
import org.pagerline.core.ticket.TicketStatus;
import org.pagerline.service.Stores;
import org.pagerline.service.Transactions;
import org.pagerline.testkit.TestDatabase;

/**
 * A piece of a group commit (the call journal's: one urgent voicemail and its incident) that the
 * database picked as a deadlock victim is tried again, not reported failed: on PostgreSQL two
 * nodes' journals, or a journal and the ticket engine, can lock the same rows in other orders.
 */
class ADeadlockVictimPieceIsTriedAgainTest {
    @TempDir
    Path dir;

    private static StoreException conflict(String state) {
        return new StoreException("UPDATE tickets SET updated_at=?", new SQLException("deadlock detected", state));
    }

    @Test
    void aPieceThatLostADeadlockIsWrittenOnItsNextTry() {
        try (TestDatabase db = TestDatabase.fileIn(dir.resolve("db"))) {
            Transactions tx = db.transactions();
            AtomicInteger tries = new AtomicInteger();
            Instant at = Instant.parse("2026-12-02T10:00:00Z");
            Function<Stores, Object> voicemail = s -> {
                Ticket t = s.tickets().insert(new Ticket(0, at, at, TicketStatus.OPEN, TicketSource.PHONE, null, "+12045550199",
                        "Jane", null, null, null));
                if (tries.incrementAndGet() == 1) {
                    throw conflict("40P01");   // chosen as the victim after its insert: that insert must not stay
                }
                return t.id();
            };
            List<Transactions.Result> out = tx.inOneCommit(List.of(voicemail));
            assertNull(out.get(0).failure());
            assertEquals(2, tries.get());
            assertEquals(1, tx.inTransaction(s -> s.tickets().list(10)).size(), "one ticket: the victim's try left nothing");
        }
    }

    @Test
    void anyOtherFailureFailsThePieceAtOnceAndTheOthersStillCommit() {
        try (TestDatabase db = TestDatabase.fileIn(dir.resolve("db"))) {
            Transactions tx = db.transactions();
            AtomicInteger tries = new AtomicInteger();
            StoreException broken = new StoreException("INSERT", new SQLException("value too long", "22001"));
            Function<Stores, Object> bad = s -> {
                tries.incrementAndGet();
                throw broken;
            };
            Function<Stores, Object> good = s -> "ok";
            List<Transactions.Result> out = tx.inOneCommit(List.of(bad, good));
            assertSame(broken, out.get(0).failure());
            assertEquals(1, tries.get(), "not a conflict: not tried again");
            assertEquals("ok", out.get(1).value());
        }
    }

    @Test
    void aPieceThatKeepsLosingIsReportedAfterItsAttempts() {
        try (TestDatabase db = TestDatabase.fileIn(dir.resolve("db"))) {
            AtomicInteger tries = new AtomicInteger();
            Function<Stores, Object> loser = s -> {
                tries.incrementAndGet();
                throw conflict("40001");
            };
            List<Transactions.Result> out = db.transactions().inOneCommit(List.of(loser));
            assertEquals(JdbcTransactions.CONFLICT_ATTEMPTS, tries.get());
            assertEquals("40001", ((SQLException) out.get(0).failure().getCause()).getSQLState());
        }
    }
    @Test
    void aGroupCommitThatKeepsLosingIsWrittenOnePieceAtATime() {
        try (TestDatabase db = TestDatabase.fileIn(dir.resolve("db"))) {
            // the database makes the whole commit a deadlock victim (H2 rolls all of it back) as many times
            // as it is tried; alone, with fewer rows locked, each piece gets through
            AtomicInteger refused = new AtomicInteger();
            Transactions tx = new JdbcTransactions(refusingCommits(db.database().dataSource(),
                    JdbcTransactions.CONFLICT_ATTEMPTS, refused));
            Instant at = Instant.parse("2026-12-02T10:00:00Z");
            Function<Stores, Object> jane = s -> s.tickets().insert(new Ticket(0, at, at, TicketStatus.OPEN,
                    TicketSource.PHONE, null, "+12045550199", "Jane", null, null, null)).id();
            Function<Stores, Object> joe = s -> s.tickets().insert(new Ticket(0, at, at, TicketStatus.OPEN,
                    TicketSource.PHONE, null, "+12045550198", "Joe", null, null, null)).id();

            List<Transactions.Result> out = tx.inOneCommit(List.of(jane, joe));

            assertEquals(JdbcTransactions.CONFLICT_ATTEMPTS, refused.get(), "the group was tried its attempts");
            assertNull(out.get(0).failure(), "Jane's piece");
            assertNull(out.get(1).failure(), "Joe's piece");
            assertEquals(List.of("Jane", "Joe"), tx.inTransaction(s -> s.tickets().list(10)).stream()
                    .map(Ticket::callerName).sorted().toList(), "each written once: the refused tries left nothing");
        }
    }

    /** Connections whose first {@code refusals} commits roll back and fail as a deadlock victim's would. */
    private static javax.sql.DataSource refusingCommits(javax.sql.DataSource real, int refusals, AtomicInteger refused) {
        return (javax.sql.DataSource) java.lang.reflect.Proxy.newProxyInstance(ADeadlockVictimPieceIsTriedAgainTest.class
                .getClassLoader(), new Class<?>[] {javax.sql.DataSource.class}, (ds, m, args) -> {
                    Object r = invoke(m, real, args);
                    if (!m.getName().equals("getConnection")) {
                        return r;
                    }
                    java.sql.Connection c = (java.sql.Connection) r;
                    return java.lang.reflect.Proxy.newProxyInstance(ADeadlockVictimPieceIsTriedAgainTest.class.getClassLoader(),
                            new Class<?>[] {java.sql.Connection.class}, (conn, cm, cargs) -> {
                                if (cm.getName().equals("commit") && refused.get() < refusals) {
                                    refused.incrementAndGet();
                                    c.rollback();
                                    throw new SQLException("Deadlock detected", "40001");
                                }
                                return invoke(cm, c, cargs);
                            });
                });
    }

    private static Object invoke(java.lang.reflect.Method m, Object target, Object[] args) throws Throwable {
        try {
            return m.invoke(target, args);
        } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause();
        }
    }
}

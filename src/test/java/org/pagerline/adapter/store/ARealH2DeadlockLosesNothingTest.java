package org.pagerline.adapter.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
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
 * Two group commits (two call-journal writers, or a writer and an engine) add timeline lines to the
 * same two tickets in opposite orders, on the H2 file as the server opens it: a real deadlock. H2
 * rolls the victim's whole transaction back (not only its statement, as PostgreSQL does), so the
 * victim's commit is tried again in full: every line of both is written, once.
 */
class ARealH2DeadlockLosesNothingTest {
    @TempDir
    Path dir;
    final Instant at = Instant.parse("2026-12-02T03:00:00Z");
    /** Both commits (or transactions) hold their first ticket's row before either goes on: the deadlock. */
    final CyclicBarrier bothHoldTheirFirst = new CyclicBarrier(2);
    /** Lines added, over every try. */
    final AtomicInteger tries = new AtomicInteger();
    final AtomicBoolean aFirstTry = new AtomicBoolean(true);
    final AtomicBoolean bFirstTry = new AtomicBoolean(true);

    @Test
    void bothCommitsOfADeadlockAreWrittenInFull() throws Exception {
        try (TestDatabase db = TestDatabase.fileIn(dir)) {
            Transactions tx = db.transactions();
            long one = tx.inTransaction(s -> newTicket(s, at, "+12045550101"));
            long two = tx.inTransaction(s -> newTicket(s, at, "+12045550102"));
            CompletableFuture<List<Transactions.Result>> a = CompletableFuture.supplyAsync(() -> tx.inOneCommit(List.of(
                    line(one, "A", at, bothHoldTheirFirst, aFirstTry, tries), line(two, "A", at, null, null, tries))));
            CompletableFuture<List<Transactions.Result>> b = CompletableFuture.supplyAsync(() -> tx.inOneCommit(List.of(
                    line(two, "B", at, bothHoldTheirFirst, bFirstTry, tries), line(one, "B", at, null, null, tries))));
            for (Transactions.Result r : a.get(60, TimeUnit.SECONDS)) {
                assertNull(r.failure(), () -> "A's lines: " + r.failure());
            }
            for (Transactions.Result r : b.get(60, TimeUnit.SECONDS)) {
                assertNull(r.failure(), () -> "B's lines: " + r.failure());
            }
            assertTrue(tries.get() > 4, "the two commits deadlocked and one was tried again (" + tries.get() + " pieces run)");
            eachTicketHasOneLineFromEach(tx, one, two);
        }
    }

    @Test
    void aTransactionThatLostADeadlockIsRunAgainInFull() throws Exception {
        try (TestDatabase db = TestDatabase.fileIn(dir)) {
            Transactions tx = db.transactions();
            long one = tx.inTransaction(s -> newTicket(s, at, "+12045550101"));
            long two = tx.inTransaction(s -> newTicket(s, at, "+12045550102"));
            // a page claim and a record of sent pages, say: two lines each, the tickets in opposite orders
            CompletableFuture<Object> a = CompletableFuture.supplyAsync(() -> tx.inTransactionRetryingConflicts(s -> {
                line(one, "A", at, bothHoldTheirFirst, aFirstTry, tries).apply(s);
                return line(two, "A", at, null, null, tries).apply(s);
            }));
            CompletableFuture<Object> b = CompletableFuture.supplyAsync(() -> tx.inTransactionRetryingConflicts(s -> {
                line(two, "B", at, bothHoldTheirFirst, bFirstTry, tries).apply(s);
                return line(one, "B", at, null, null, tries).apply(s);
            }));
            assertEquals("A", a.get(60, TimeUnit.SECONDS));
            assertEquals("B", b.get(60, TimeUnit.SECONDS));
            assertTrue(tries.get() > 4, "the two transactions deadlocked and one was run again (" + tries.get() + " lines added)");
            eachTicketHasOneLineFromEach(tx, one, two);
        }
    }

    /** Both tickets hold A's line and B's, once each, whatever was tried again. */
    private static void eachTicketHasOneLineFromEach(Transactions tx, long one, long two) {
        for (long t : List.of(one, two)) {
            List<String> kinds = tx.inTransaction(s -> s.tickets().events(t)).stream()
                    .map(e -> e.kind()).filter(k -> k.startsWith("LINE_")).sorted().toList();
            assertEquals(List.of("LINE_A", "LINE_B"), kinds, "ticket " + t + ": each side's line, once");
        }
    }

    private static long newTicket(Stores s, Instant at, String caller) {
        return s.tickets().insert(new Ticket(0, at, at, TicketStatus.OPEN, TicketSource.PHONE, null, caller, "Caller", null,
                null, null)).id();
    }

    /** A timeline line (which also touches the ticket's row); the first of each commit waits until both hold a row. */
    private static Function<Stores, Object> line(long ticket, String who, Instant at, CyclicBarrier barrier,
            AtomicBoolean firstTry, AtomicInteger tries) {
        return s -> {
            s.tickets().addEvent(ticket, at.plusSeconds(tries.incrementAndGet()), "LINE_" + who, "from commit " + who);
            s.tickets().events(ticket); // a read of the timeline writes the line (and its touch) now, before the barrier
            if (barrier != null && firstTry.getAndSet(false)) {
                try {
                    barrier.await(10, TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw new IllegalStateException("the other commit never took its first row", e);
                }
            }
            return who;
        };
    }
}
